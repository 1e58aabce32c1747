"""Kaplan-Meier curves of days to pay, with their percentiles (scipy.stats.ecdf).

A claim not paid yet is *censored* at its age: it says "more than N days", which is
information, not a gap. A percentile the curve does not reach within the follow-up is
a lower bound, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from desktop.engines.windows import Mask

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Percentile:
    """A Kaplan-Meier percentile of days to pay; ``reached`` False = a lower bound."""

    days: float
    reached: bool

    def as_dict(self) -> dict[str, object]:
        return {"days": self.days, "reached": self.reached}


def censored(days: FloatArray, paid: Mask) -> Any:
    return stats.CensoredData(uncensored=days[paid], right=days[~paid])


@dataclass(frozen=True)
class Curve:
    """Share of a cohort still unpaid after each whole day ``0..len-1``."""

    unpaid: FloatArray

    def at(self, days: FloatArray) -> FloatArray:
        index = np.clip(days.astype(np.int64), 0, len(self.unpaid) - 1)
        out: FloatArray = self.unpaid[index]
        return out


def km_curve(
    days: FloatArray, paid: Mask, weekday: npt.NDArray[np.int64] | None, horizon: int
) -> Curve:
    """Kaplan-Meier, per weekday of submission (averaged by weight) when ``weekday`` is given.

    Payment runs on set weekdays make days-to-pay depend on the weekday a claim was
    sent; the youngest claims (the most censored) are a few particular weekdays, so a
    pooled curve of a heavily censored cohort would be biased. Averaging per-weekday
    curves removes that.
    """
    last = int(max(days.max(initial=0), horizon))
    grid = np.arange(0, last + 1, dtype=np.float64)
    if weekday is None:
        if not paid.any():
            return Curve(np.ones(len(grid)))
        return Curve(np.asarray(stats.ecdf(censored(days, paid)).sf.evaluate(grid)))
    unpaid = np.zeros(len(grid))
    for w in range(7):
        members = weekday == w
        if not members.any():
            continue
        if not paid[members].any():
            unpaid += members.sum() * np.ones(len(grid))
            continue
        sf = stats.ecdf(censored(days[members], paid[members])).sf
        unpaid += members.sum() * np.asarray(sf.evaluate(grid))
    return Curve(unpaid / max(len(days), 1))


def percentile(curve: Curve, share_paid: float, follow_up: float) -> Percentile | None:
    """The first day by which ``share_paid`` of the cohort was paid, else a lower bound."""
    horizon = int(follow_up)
    hit = np.flatnonzero(curve.unpaid[: horizon + 1] <= 1.0 - share_paid + 1e-12)
    if len(hit):
        return Percentile(float(hit[0]), True)
    return Percentile(float(follow_up), False) if follow_up > 0 else None


MIN_SHARE_FOR_SHIFT = 0.1  # below this share paid, a recent cohort says too little yet


def highest_share_reached(curve: Curve, follow_up: float) -> float:
    """The largest share paid the curve reaches within ``follow_up`` days, in 5 % steps."""
    paid = 1.0 - float(curve.unpaid[: int(follow_up) + 1].min())
    return float(np.floor(min(paid, 0.5) * 20.0) / 20.0)
