"""The analysis service: the store's claims through DriftWatch and DelayGuard, persisted.

The CLI (``upstream analyze``) and the UI call ``run_analysis``; it loads the claim
columns, runs the pure engines, stores the run and its findings with their evidence,
and hands the findings to alert evaluation.

The names below load on first use (PEP 562): the window reads stored runs through
``overview`` and ``findings_view`` at start-up, which need neither the engines' tests
nor scipy, so opening a store does not wait for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.analysis.records import AlertSummary, StoredFinding
    from desktop.analysis.service import (
        AnalysisCancelled,
        AnalysisOutcome,
        AnalysisRequest,
        NothingToAnalyze,
        run_analysis,
    )

_WHERE = {
    "AlertSummary": "desktop.analysis.records",
    "StoredFinding": "desktop.analysis.records",
    "AnalysisCancelled": "desktop.analysis.service",
    "AnalysisOutcome": "desktop.analysis.service",
    "AnalysisRequest": "desktop.analysis.service",
    "NothingToAnalyze": "desktop.analysis.service",
    "run_analysis": "desktop.analysis.service",
}

__all__ = [
    "AlertSummary",
    "AnalysisCancelled",
    "AnalysisOutcome",
    "AnalysisRequest",
    "NothingToAnalyze",
    "StoredFinding",
    "run_analysis",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'desktop.analysis' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value
