"""The two periods an analysis compares, and what was known about each line at as-of.

Windows (the contract lets the implementation document its own; the JSON always
states both): the *current* window is the ``current_days`` ending at as-of; the
*baseline* is the ``baseline_days`` that end where a gap of ``current_days`` before the
current window begins. The gap keeps the baseline clean of a change that started
shortly before the current window, which the change date then reports.

Days are days since 1970-01-01, as in ``ClaimColumns``; a window is inclusive at both
ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from desktop.engines.columns import MISSING, ClaimColumns
from desktop.store.models.claims import ClaimStatus

EPOCH = date(1970, 1, 1)

Mask = npt.NDArray[np.bool_]


def to_day(day: date) -> int:
    return (day - EPOCH).days


def from_day(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


@dataclass(frozen=True)
class Window:
    """Days ``start`` .. ``end``, both included."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a window ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return self.end - self.start + 1

    def contains(self, days: npt.NDArray[np.int32]) -> Mask:
        inside: Mask = (days >= self.start) & (days <= self.end)
        return inside

    def as_dict(self) -> dict[str, str]:
        return {"start": from_day(self.start).isoformat(), "end": from_day(self.end).isoformat()}


@dataclass(frozen=True)
class AnalysisWindows:
    as_of: int
    baseline: Window
    current: Window

    @classmethod
    def standard(
        cls, as_of: int, *, baseline_days: int = 90, current_days: int = 30
    ) -> AnalysisWindows:
        if baseline_days < 7 or current_days < 7:
            raise ValueError("windows are at least 7 days long")
        current = Window(as_of - current_days + 1, as_of)
        baseline_end = current.start - current_days - 1
        return cls(as_of, Window(baseline_end - baseline_days + 1, baseline_end), current)

    @property
    def months_per_current(self) -> float:
        """How many (30.4-day) months the current window spans, to state effects per month."""
        return self.current.days / 30.4375


@dataclass(frozen=True)
class Outcomes:
    """Each line's facts as they stood at as-of: later decisions and payments are unknown.

    ``decided``: the payer had decided the line (paid, partly paid or denied) by as-of.
    ``denied``: decided and denied. ``paid``: a payment had arrived by as-of.
    """

    decided: Mask
    denied: Mask
    paid: Mask

    @classmethod
    def at(cls, cols: ClaimColumns, as_of: int) -> Outcomes:
        decided = (
            (cols.decision_date != MISSING)
            & (cols.decision_date <= as_of)
            & (cols.status != np.int8(ClaimStatus.PENDING))
        )
        denied = decided & (cols.status == np.int8(ClaimStatus.DENIED))
        paid = (cols.paid_date != MISSING) & (cols.paid_date <= as_of) & ~denied
        return cls(decided=decided, denied=denied, paid=paid)
