"""The analysis as the product runs it: the engines plus alert evaluation and run hooks.

``upstream analyze`` and the desktop window both call ``run_standard_analysis`` so
they raise the same alerts and fill the same outbox. ``run_analysis`` itself stays
free of those parts, which keeps the engines testable on their own.
"""

from __future__ import annotations

from desktop.alerts.evaluate import RunEvaluator
from desktop.analysis.records import AlertEvaluator, RunHook
from desktop.analysis.service import AnalysisOutcome, AnalysisRequest, Progress, run_analysis
from desktop.clock import Clock, utc_now
from desktop.store import Store


def standard_evaluator() -> AlertEvaluator:
    """How a run's findings become alerts (the alert rules and suppression policy)."""
    return RunEvaluator()


def standard_run_hooks() -> tuple[RunHook, ...]:
    """Work done in every run's transaction besides alerts (the sync outbox)."""
    from desktop.sync.aggregates import AGGREGATES_HOOK  # on use: the analysis core needs no sync

    return (AGGREGATES_HOOK,)


def run_standard_analysis(
    store: Store,
    request: AnalysisRequest | None = None,
    *,
    progress: Progress | None = None,
    clock: Clock = utc_now,
) -> AnalysisOutcome:
    return run_analysis(
        store,
        request,
        progress=progress,
        clock=clock,
        evaluate_alerts=standard_evaluator(),
        after_run=standard_run_hooks(),
    )
