"""The statistical tests DriftWatch and DelayGuard run, as thin wrappers over scipy.stats.

Each wrapper picks the test that fits the data (an exact test where expected counts
are small, a rank test for amounts) and returns a ``TestOutcome`` naming the method,
so the evidence a finding carries says exactly how its p-value was obtained.
``alternative`` follows scipy: "greater" means the current window's value is larger.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

Alternative = Literal["two-sided", "less", "greater"]
FloatArray = npt.NDArray[np.float64]

# Below this expected count in any cell of a 2x2 table, the chi-square approximation
# is poor and Fisher's exact test is used (the usual rule of thumb).
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class TestOutcome:
    p_value: float
    statistic: float
    method: str
    parts: tuple[tuple[str, float], ...] = ()  # (method, p-value) of combined tests


def two_proportions(
    events_baseline: int,
    n_baseline: int,
    events_current: int,
    n_current: int,
    alternative: Alternative = "two-sided",
) -> TestOutcome:
    """Did the share of lines with an event (e.g. denied) change between the windows?

    Pearson's chi-square on the 2x2 table (one-sided through the sign of the
    difference), or Fisher's exact test when an expected count is below 5.
    """
    if min(n_baseline, n_current) <= 0:
        raise ValueError("both windows need lines")
    table = np.array(
        [
            [events_current, n_current - events_current],
            [events_baseline, n_baseline - events_baseline],
        ]
    )
    events = events_baseline + events_current
    total = n_baseline + n_current
    expected_min = min(events, total - events) * min(n_baseline, n_current) / total
    if expected_min < MIN_EXPECTED:
        result = stats.fisher_exact(table, alternative=alternative)
        return TestOutcome(float(result.pvalue), float(result.statistic), "fisher_exact")
    chi2, p_two, _, _ = stats.chi2_contingency(table, correction=False)
    return TestOutcome(
        _one_sided(float(p_two), _difference(table), alternative), float(chi2), "chi2_contingency"
    )


def _difference(table: npt.NDArray[np.int64]) -> float:
    (a, b), (c, d) = table
    return float(a / (a + b) - c / (c + d))


def _one_sided(p_two: float, difference: float, alternative: Alternative) -> float:
    """A two-sided p-value of a symmetric (squared-z) statistic made one-sided."""
    if alternative == "two-sided":
        return p_two
    agrees = difference > 0 if alternative == "greater" else difference < 0
    return p_two / 2 if agrees else 1.0 - p_two / 2


def proportion_against(
    events: int, n: int, expected_share: float, alternative: Alternative = "two-sided"
) -> TestOutcome:
    """Is the current share of events different from a share known from the baseline?

    An exact binomial test; used payer-wide, where the expected share is the baseline
    share of each code weighted by the current mix of codes.
    """
    share = min(max(expected_share, 1e-9), 1.0 - 1e-9)
    result = stats.binomtest(int(events), int(n), share, alternative=alternative)
    return TestOutcome(float(result.pvalue), float(result.statistic), "binomtest")


def location_shift(
    baseline: FloatArray, current: FloatArray, alternative: Alternative = "two-sided"
) -> TestOutcome:
    """Did amounts shift? The Mann-Whitney U test: ranks, so one outlier weighs one rank."""
    result = stats.mannwhitneyu(current, baseline, alternative=alternative, method="asymptotic")
    return TestOutcome(float(result.pvalue), float(result.statistic), "mannwhitneyu")


@dataclass(frozen=True)
class CategoryShift:
    """A chi-square test of two count vectors, after rare categories were pooled."""

    outcome: TestOutcome
    labels: tuple[str, ...]  # the categories tested; OTHER holds the pooled ones
    baseline: tuple[int, ...]
    current: tuple[int, ...]


OTHER = "other"


def category_shift(
    labels: Sequence[str],
    baseline: Sequence[int],
    current: Sequence[int],
    *,
    min_expected: float = MIN_EXPECTED,
) -> CategoryShift | None:
    """Did the distribution over categories (e.g. denial reasons) change?

    Categories whose expected count is below ``min_expected`` in either window are
    pooled into ``other`` (and if ``other`` is still too small it joins the smallest
    category, named ``CODE+other``). None when fewer than two categories remain: nothing to compare.
    """
    base = np.asarray(baseline, dtype=np.int64)
    cur = np.asarray(current, dtype=np.int64)
    n_base, n_cur = int(base.sum()), int(cur.sum())
    if n_base == 0 or n_cur == 0:
        return None
    share = (base + cur) / (n_base + n_cur)
    big = share * min(n_base, n_cur) >= min_expected
    kept = [str(labels[i]) for i in np.flatnonzero(big).tolist()]
    kept_base = [int(v) for v in base[big]]
    kept_cur = [int(v) for v in cur[big]]
    pooled_base, pooled_cur = int(base[~big].sum()), int(cur[~big].sum())
    if pooled_base + pooled_cur:
        pooled_share = (pooled_base + pooled_cur) / (n_base + n_cur)
        if pooled_share * min(n_base, n_cur) >= min_expected or not kept:
            kept.append(OTHER)
            kept_base.append(pooled_base)
            kept_cur.append(pooled_cur)
        else:
            smallest = int(np.argmin(np.add(kept_base, kept_cur)))
            kept[smallest] = f"{kept[smallest]}+{OTHER}"
            kept_base[smallest] += pooled_base
            kept_cur[smallest] += pooled_cur
    if len(kept) < 2:
        return None
    chi2, p_value, _, _ = stats.chi2_contingency(np.array([kept_cur, kept_base]), correction=False)
    return CategoryShift(
        TestOutcome(float(p_value), float(chi2), "chi2_contingency"),
        tuple(kept),
        tuple(kept_base),
        tuple(kept_cur),
    )


def benjamini_hochberg(p_values: Sequence[float]) -> FloatArray:
    """q-values (BH-adjusted p-values) of every test of a run."""
    if not p_values:
        return np.empty(0)
    p = np.clip(np.asarray(p_values, dtype=np.float64), 0.0, 1.0)
    if np.isnan(p).any():
        raise ValueError("a test produced no p-value")
    q: FloatArray = stats.false_discovery_control(p, method="bh")
    return q


def safe_log10(p: float) -> float:
    """log10 of a p-value for display; underflowed p-values count as 1e-300."""
    return math.log10(max(p, 1e-300))
