"""When did a change begin? A rank CUSUM (Pettitt's statistic) over a dated series.

Values are replaced by their mid-ranks, so one outlier moves the estimate by at most
one rank, and 0/1 values (denied or not) reduce to the plain CUSUM of deviations from
the mean. The cumulative sum of centred ranks, taken day by day, is most extreme just
before the change; the change date is the first day after that point. The statistic
also gives Pettitt's approximate p-value, used to choose between date bases (date of
service or decision date): the basis on which the change is a sharper step wins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

Direction = Literal["up", "down", "either"]
IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]

MIN_SIDE = 10  # lines on each side of a split, so that a few early lines cannot win


@dataclass(frozen=True)
class ChangePoint:
    day: int  # first day of the changed regime
    p_value: float  # Pettitt's approximation: small = a clear step
    n_before: int
    n_after: int


def rank_change_point(
    days: IntArray, values: FloatArray, direction: Direction = "either"
) -> ChangePoint | None:
    """The most likely start of a shift of ``values`` in ``direction`` (None if no data)."""
    n = len(values)
    if n < 2 * MIN_SIDE:
        return None
    order = np.argsort(days, kind="stable")
    sorted_days = days[order]
    centred = rankdata(values[order]) - (n + 1) / 2.0
    # Splits fall between days: sum each day's ranks, then accumulate.
    unique_days, first = np.unique(sorted_days, return_index=True)
    per_day = np.add.reduceat(centred, first)
    cusum = np.cumsum(per_day)[:-1]  # a split after each day but the last
    before = first[1:]  # lines before each split
    usable = (before >= MIN_SIDE) & (n - before >= MIN_SIDE)
    if not usable.any():
        return None
    # After an upward shift the early ranks are low: the CUSUM dips before the change.
    score = {"up": -cusum, "down": cusum, "either": np.abs(cusum)}[direction]
    score = np.where(usable, score, -np.inf)
    best = int(np.argmax(score))
    k = float(abs(cusum[best]))
    p_value = min(1.0, 2.0 * math.exp(-6.0 * k * k / (n**3 + n**2)))
    return ChangePoint(
        day=int(unique_days[best + 1]),
        p_value=p_value,
        n_before=int(before[best]),
        n_after=int(n - before[best]),
    )


@dataclass(frozen=True)
class WeeklySeries:
    """A metric per week (weeks end on as-of and go back), for the evidence of a finding."""

    week_start: tuple[int, ...]
    n: tuple[int, ...]
    value: tuple[float | None, ...]


def weekly_series(
    days: IntArray,
    values: FloatArray,
    *,
    first_day: int,
    last_day: int,
    statistic: Literal["mean", "median"] = "mean",
) -> WeeklySeries:
    """``statistic`` of ``values`` per 7-day week, the last week ending on ``last_day``."""
    n_weeks = max(1, math.ceil((last_day - first_day + 1) / 7))
    start = last_day - 7 * n_weeks + 1
    inside = (days >= start) & (days <= last_day)
    week = (days[inside] - start) // 7
    kept = values[inside]
    counts = np.bincount(week, minlength=n_weeks)
    out: list[float | None] = []
    if statistic == "mean":
        sums = np.bincount(week, weights=kept, minlength=n_weeks)
        out = [float(s / c) if c else None for s, c in zip(sums, counts, strict=True)]
    else:
        order = np.argsort(week, kind="stable")
        groups = np.split(kept[order], np.cumsum(counts)[:-1])
        out = [float(np.median(g)) if len(g) else None for g in groups]
    return WeeklySeries(
        week_start=tuple(int(start + 7 * w) for w in range(n_weeks)),
        n=tuple(int(c) for c in counts),
        value=tuple(None if v is None else round(v, 6) for v in out),
    )
