"""``run_analysis``: what ``upstream analyze`` and the UI's Analyze button both call.

Steps, each reported to ``progress(done, total, detail)``: bring the claim-column
snapshots up to date, load the columns, run the engines, then store the run, its
findings and the alerts they raise in one write transaction. The progress callback
may raise (``AnalysisCancelled`` or anything else) to cancel; a cancelled run leaves
nothing behind but the refreshed snapshots, which are correct either way.

As-of is never the wall clock: without one, the run is as of the latest date in the
data (and says so), so the same store always gives the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.analysis.persist import save_run
from desktop.analysis.records import (
    AlertEvaluator,
    AlertSummary,
    RunHook,
    StoredFinding,
    no_alert_evaluation,
)
from desktop.clock import Clock, utc_now
from desktop.engines.analysis import AnalysisResult, AnalysisSettings, analyze, latest_day
from desktop.engines.windows import AnalysisWindows, from_day, to_day
from desktop.errors import InvalidInput, UpstreamError, UsageError
from desktop.store import Store, audit
from desktop.store.claim_columns import load_claim_columns, refresh_claim_columns
from desktop.store.settings import get_setting

SETTINGS_KEY = "analysis.settings"
Progress = Callable[[int, int, str], None]
STEPS = ("updating claim columns", "loading claim lines", "analysing", "saving the run")


class AnalysisCancelled(UpstreamError):
    """The run was cancelled through its progress callback; nothing was stored."""


class NothingToAnalyze(InvalidInput):
    """The store holds no claim lines, so there is no as-of to analyse at."""


@dataclass(frozen=True)
class AnalysisRequest:
    as_of: date | None = None  # None: the latest date in the data
    baseline_days: int = 90
    current_days: int = 30

    def __post_init__(self) -> None:
        for name in ("baseline_days", "current_days"):
            value = getattr(self, name)
            if not 7 <= value <= 730:
                raise UsageError(f"{name.replace('_', '-')} is between 7 and 730, not {value}")


@dataclass(frozen=True)
class AnalysisOutcome:
    run_id: str
    as_of_source: str  # "given" | "latest date in the data"
    result: AnalysisResult
    findings: tuple[StoredFinding, ...]
    alerts: tuple[AlertSummary, ...]
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)


def run_analysis(
    store: Store,
    request: AnalysisRequest | None = None,
    *,
    progress: Progress | None = None,
    clock: Clock = utc_now,
    evaluate_alerts: AlertEvaluator = no_alert_evaluation,
    after_run: Sequence[RunHook] = (),
) -> AnalysisOutcome:
    asked = request or AnalysisRequest()
    total = len(STEPS)

    def report(step: int, detail: str = "") -> None:
        if progress is not None:
            progress(step, total, detail or STEPS[min(step, total - 1)])

    started = clock()
    report(0)
    with store.write() as session:
        refresh_claim_columns(session, progress=lambda d, t: report(0, f"{STEPS[0]} {d}/{t}"))
    report(1)
    with store.read() as session:
        settings = _settings(get_setting(session, SETTINGS_KEY, {}))
        cols = load_claim_columns(session)
    as_of, source = _as_of(asked, cols_latest=latest_day(cols))
    windows = AnalysisWindows.standard(
        to_day(as_of), baseline_days=asked.baseline_days, current_days=asked.current_days
    )
    report(2)
    result = analyze(
        cols, windows, settings, progress=lambda d, t, what: report(2, f"{STEPS[2]}: {what}")
    )
    report(3)
    with store.write() as session:
        run_id, findings = save_run(
            session,
            result,
            settings,
            as_of_source=source,
            cpt_codes=cols.cpt_codes,
            started=started,
            finished=clock(),
        )
        # The one place alert evaluation runs, inside the run's transaction.
        alerts = tuple(evaluate_alerts(session, run_id, findings))
        for hook in after_run:
            hook(session, run_id, cols, windows)
        audit.append(
            session,
            "analysis.run",
            "analysis_run",
            run_id,
            {
                "as_of": as_of.isoformat(),
                "as_of_source": source,
                "drift_findings": len(result.drift),
                "delay_findings": len(result.delay),
                "alerts": len(alerts),
            },
            clock=clock,
        )
    report(4, "done")
    return AnalysisOutcome(run_id, source, result, tuple(findings), alerts, settings)


def _settings(stored: Any) -> AnalysisSettings:
    if not isinstance(stored, dict):
        raise InvalidInput(f"the stored setting {SETTINGS_KEY} must be a JSON object")
    return AnalysisSettings.from_mapping(stored)


def _as_of(request: AnalysisRequest, *, cols_latest: int | None) -> tuple[date, str]:
    if request.as_of is not None:
        return request.as_of, "given"
    if cols_latest is None:
        raise NothingToAnalyze(
            "the store holds no claim lines yet: import claims first (upstream import)"
        )
    return from_day(cols_latest), "latest date in the data"
