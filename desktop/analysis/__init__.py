"""The analysis service: the store's claims through DriftWatch and DelayGuard, persisted.

The CLI (``upstream analyze``) and the UI call ``run_analysis``; it loads the claim
columns, runs the pure engines, stores the run and its findings with their evidence,
and hands the findings to alert evaluation.
"""

from desktop.analysis.records import AlertSummary, StoredFinding
from desktop.analysis.service import (
    AnalysisCancelled,
    AnalysisOutcome,
    AnalysisRequest,
    NothingToAnalyze,
    run_analysis,
)

__all__ = [
    "AlertSummary",
    "AnalysisCancelled",
    "AnalysisOutcome",
    "AnalysisRequest",
    "NothingToAnalyze",
    "StoredFinding",
    "run_analysis",
]
