"""What a persisted run hands on: its findings as stored, and the alerts they raised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from desktop.engines.columns import ClaimColumns
from desktop.engines.windows import AnalysisWindows


@dataclass(frozen=True)
class StoredFinding:
    """One finding row of a run (``finding`` table), as alert evaluation needs it."""

    id: int
    run_id: str
    kind: str  # drift | delay
    payer: str
    cpt: str | None
    metric: str
    direction: str  # up | down
    severity: str  # low | medium | high
    baseline: float | None
    current: float | None
    effect: float  # drift: the metric's change; delay: the shift in days
    q_value: float
    impact: float  # drift: revenue per month; delay: cash delayed (dollars)
    change_date: str | None


@dataclass(frozen=True)
class AlertSummary:
    """An alert as ``analyze --json`` lists it."""

    id: str
    fingerprint: str
    state: str  # open | suppressed | resolved | closed
    suppressed_reason: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "fingerprint": self.fingerprint,
            "state": self.state,
            "suppressed_reason": self.suppressed_reason,
        }


class AlertEvaluator(Protocol):
    """Turns a run's findings into alerts, in the run's write transaction."""

    def __call__(
        self, session: Session, run_id: str, findings: Sequence[StoredFinding]
    ) -> Sequence[AlertSummary]: ...


class RunHook(Protocol):
    """Work that belongs to a run (e.g. the sync outbox's aggregates), in its transaction.

    Gets the claim columns and windows the run analysed, so it reads nothing twice.
    """

    def __call__(
        self, session: Session, run_id: str, cols: ClaimColumns, windows: AnalysisWindows
    ) -> None: ...


def no_alert_evaluation(
    session: Session, run_id: str, findings: Sequence[StoredFinding]
) -> Sequence[AlertSummary]:
    """Until alert rules exist, a run raises no alerts (``"alerts": []``)."""
    return ()
