"""DelayGuard: which payers pay later than before, and how much cash that holds back.

Cohorts are the claims *submitted* in the baseline and in the current window (a
payment delay is a property of when a claim was sent), one line per claim: a payer
pays a claim's lines together. Days to pay run from submission to payment. A claim
not paid at as-of is *censored* at its age, not dropped: the median of the paid
claims alone only sees the fast payments and understates a slowdown. Kaplan-Meier
(``scipy.stats.ecdf`` on ``CensoredData``) gives each cohort's median and 90th
percentile; the log-rank test (``scipy.stats.logrank``) compares the current cohort
with the baseline censored the same way (``_matched_follow_up``). Denied lines are
left out: they will not be paid at all, which is DriftWatch's business.

A current cohort's median may not be reached yet (half of it still unpaid when the
youngest claims are days old): the estimate is then a lower bound ("more than N
days"), reported as such, and the slowdown is measured at the largest share paid
that the cohort has reached (``_shift``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from desktop.engines.claim_groups import ClaimGroups
from desktop.engines.columns import MISSING, ClaimColumns
from desktop.engines.delay_config import DelayConfig
from desktop.engines.stats import Alternative, TestOutcome, benjamini_hochberg
from desktop.engines.survival import (
    MIN_SHARE_FOR_SHIFT,
    Curve,
    Percentile,
    censored,
    highest_share_reached,
    km_curve,
    percentile,
)
from desktop.engines.windows import AnalysisWindows, Mask, Outcomes

FloatArray = npt.NDArray[np.float64]
MEDIAN = "days_to_pay_median"
P90 = "days_to_pay_p90"
SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class Cohort:
    lines: int
    paid: int
    censored: int
    median: Percentile | None
    p90: Percentile | None
    naive_median: float | None  # median of the paid lines only, for comparison
    curve_days: tuple[int, ...]  # the survival curve: share still unpaid after each day
    curve_unpaid: tuple[float, ...]


@dataclass(frozen=True)
class DelayTest:
    payer: int
    baseline: Cohort
    current: Cohort
    outcome: TestOutcome
    metric: str  # which percentile moved enough (median first), or MEDIAN if neither did
    shift_days: float
    shift_at_share: float  # 0.5 for the median; lower when the median is not reached yet
    large_enough: bool
    cash_delayed: float  # dollars


@dataclass(frozen=True)
class DelayFinding:
    payer: str
    metric: str
    baseline: float
    current: float
    current_reached: bool  # False: ``current`` is a lower bound
    n_baseline: int
    n_current: int
    censored_current: int
    p_value: float
    q_value: float
    cash_delayed: float
    severity: str
    shift_days: float  # the estimated slowdown (see DelayTest.shift_at_share)
    shift_at_share: float
    baseline_cohort: Cohort
    current_cohort: Cohort


@dataclass(frozen=True)
class DelayResult:
    findings: tuple[DelayFinding, ...]
    tests: tuple[DelayTest, ...]


def run_delay(
    cols: ClaimColumns, windows: AnalysisWindows, config: DelayConfig | None = None
) -> DelayResult:
    """DelayGuard alone (FDR over its own tests); the analysis service pools the FDR."""
    settings = config or DelayConfig()
    tests = delay_tests(cols, windows, settings)
    q_values = benjamini_hochberg([t.outcome.p_value for t in tests]).tolist()
    return DelayResult(tuple(delay_findings(cols, tests, q_values, settings)), tuple(tests))


@dataclass(frozen=True)
class _Lines:
    """The payable lines submitted in either window, one payer's at a time."""

    sent: npt.NDArray[np.int32]
    days: FloatArray
    paid: Mask
    weekday: npt.NDArray[np.int64]
    matched: FloatArray
    base: Mask
    cur: Mask
    claim: Mask  # the line that stands for its claim
    paid_cents: npt.NDArray[np.int64]
    allowed_cents: npt.NDArray[np.int64]
    billed_cents: npt.NDArray[np.int64]


def _payer_lines(
    cols: ClaimColumns, windows: AnalysisWindows, claims: ClaimGroups | None
) -> dict[int, _Lines]:
    outcomes = Outcomes.at(cols, windows.as_of)
    sent = cols.submitted_date
    base, cur = windows.baseline.contains(sent), windows.current.contains(sent)
    payable = ~outcomes.denied & (base | cur)
    representative = one_per_claim(cols, payable, claims)
    index = np.flatnonzero(payable)
    index = index[np.argsort(cols.payer[index], kind="stable")]
    if len(index) == 0:
        return {}
    payers, first = np.unique(cols.payer[index], return_index=True)
    days, paid = _durations(cols, outcomes, windows.as_of)
    out = {}
    for payer, rows in zip(payers.tolist(), np.split(index, first[1:]), strict=True):
        out[payer] = _Lines(
            sent=sent[rows],
            days=days[rows],
            paid=paid[rows],
            weekday=(sent[rows].astype(np.int64) + EPOCH_WEEKDAY) % 7,
            matched=_matched_follow_up(sent[rows], windows),
            base=base[rows],
            cur=cur[rows],
            claim=representative[rows],
            paid_cents=cols.paid_cents[rows],
            allowed_cents=cols.allowed_cents[rows],
            billed_cents=cols.billed_cents[rows],
        )
    return out


def delay_tests(
    cols: ClaimColumns,
    windows: AnalysisWindows,
    config: DelayConfig,
    claims: ClaimGroups | None = None,
) -> list[DelayTest]:
    alternative: Alternative = "less" if config.adverse_only else "two-sided"
    tests = []
    for payer, lines in _payer_lines(cols, windows, claims).items():
        base, cur = lines.claim & lines.base, lines.claim & lines.cur
        if base.sum() < config.min_cohort_baseline or cur.sum() < config.min_cohort_current:
            continue
        days, paid = lines.days, lines.paid
        # The test compares the current cohort with the baseline censored the same way
        # (see _matched_follow_up); the reported curves use all the baseline shows.
        seen = np.minimum(days[base], lines.matched[base])
        seen_paid = paid[base] & (days[base] <= lines.matched[base])
        result = stats.logrank(
            censored(days[cur], paid[cur]), censored(seen, seen_paid), alternative=alternative
        )
        # The baseline is nearly all paid: one curve. The current cohort is heavily
        # censored, by weekday of submission: a curve per weekday (see km_curve).
        base_curve = km_curve(days[base], paid[base], None, config.curve_days)
        cur_curve = km_curve(days[cur], paid[cur], lines.weekday[cur], config.curve_days)
        baseline = _cohort(base_curve, days[base], paid[base])
        current = _cohort(cur_curve, days[cur], paid[cur])
        metric, shift, share, large = _shift(
            baseline, current, (base_curve, cur_curve), float(days[cur].max()), config
        )
        tests.append(
            DelayTest(
                payer=payer,
                baseline=baseline,
                current=current,
                # x = current: "less" means its payment rate is lower, i.e. slower.
                outcome=TestOutcome(float(result.pvalue), float(result.statistic), "logrank"),
                metric=metric,
                shift_days=shift,
                shift_at_share=share,
                large_enough=large,
                cash_delayed=_cash_delayed(lines, base_curve, windows),
            )
        )
    return tests


EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


def one_per_claim(cols: ClaimColumns, lines: Mask, claims: ClaimGroups | None = None) -> Mask:
    """``lines`` keeping one line per claim (all of them without claim ids).

    A payer pays a claim's lines together: they are one observation of days to pay,
    and counting each line would make the log-rank test several times too confident.
    """
    if cols.claim is None:
        return lines
    kept: Mask = (claims or ClaimGroups.of(cols)).one_per_claim(lines)
    return kept


def _matched_follow_up(submitted: npt.NDArray[np.int32], windows: AnalysisWindows) -> FloatArray:
    """For baseline lines: the days a line would have had if sent in the current window.

    Each baseline day maps to the day at the same relative place in the current window,
    moved to the same weekday. Payers pay on set weekdays, so a cohort censored at
    as-of loses its late-in-the-week claims first; censoring the baseline the same way
    keeps the log-rank test comparing like with like.
    """
    base, cur = windows.baseline, windows.current
    relative = (submitted.astype(np.int64) - base.start) / base.days
    target = cur.start + np.floor(relative * cur.days)
    virtual = submitted + np.round((target - submitted) / 7.0) * 7.0
    virtual = np.where(virtual > cur.end, virtual - 7, virtual)
    virtual = np.where(virtual < cur.start, virtual + 7, virtual)
    follow_up: FloatArray = (windows.as_of - virtual).astype(np.float64)
    return follow_up


def _durations(cols: ClaimColumns, outcomes: Outcomes, as_of: int) -> tuple[FloatArray, Mask]:
    """Days from submission to payment, or to as-of for lines not paid by then."""
    end = np.where(outcomes.paid, cols.paid_date, as_of)
    days: FloatArray = np.maximum(end - cols.submitted_date, 0).astype(np.float64)
    return days, outcomes.paid


def _cohort(curve: Curve, days: FloatArray, paid: Mask) -> Cohort:
    follow_up = float(days.max()) if len(days) else 0.0
    shown = int(min(follow_up, len(curve.unpaid) - 1))
    return Cohort(
        lines=len(days),
        paid=int(paid.sum()),
        censored=int((~paid).sum()),
        median=percentile(curve, 0.5, follow_up),
        p90=percentile(curve, 0.9, follow_up),
        naive_median=float(np.median(days[paid])) if paid.any() else None,
        curve_days=tuple(range(shown + 1)),
        curve_unpaid=tuple(round(float(u), 4) for u in curve.unpaid[: shown + 1]),
    )


def _shift(
    baseline: Cohort,
    current: Cohort,
    curves: tuple[Curve, Curve],
    follow_up: float,
    config: DelayConfig,
) -> tuple[str, float, float, bool]:
    """Which percentile moved by at least its floor (the median first), and by how much.

    Returns (metric, shift in days, share paid at which it was measured, large enough).
    When the current median is not reached yet, the shift is measured at the highest
    share the current cohort has reached (say 35 % paid): a payer that pays every
    claim ten days later is ten days later at every share, and waiting until half of
    the recent claims are paid would report it weeks late.
    """
    best: tuple[str, float, float, bool] | None = None
    horizon = float(len(curves[0].unpaid) - 1)
    for metric, nominal, floor in (
        (MEDIAN, 0.5, config.min_median_shift_days),
        (P90, 0.9, config.min_p90_shift_days),
    ):
        share = nominal
        after = percentile(curves[1], share, follow_up)
        if metric == MEDIAN and after is not None and not after.reached:
            reached = highest_share_reached(curves[1], follow_up)
            if reached >= MIN_SHARE_FOR_SHIFT:
                share = reached
                after = percentile(curves[1], share, follow_up)
        before = percentile(curves[0], share, horizon)
        if before is None or after is None or not before.reached or not after.reached:
            continue
        shift = after.days - before.days
        passes = shift >= floor if config.adverse_only else abs(shift) >= floor
        if passes:
            return metric, shift, share, True
        if best is None:
            best = (metric, shift, share, False)
    return best or (MEDIAN, 0.0, 0.5, False)


def _cash_delayed(lines: _Lines, baseline_curve: Curve, windows: AnalysisWindows) -> float:
    """Dollars the baseline curve says should have arrived by as-of, but have not.

    Each current line is expected to pay what it paid, else its allowed amount, else
    its charge times the payer's baseline paid-to-billed ratio; the baseline curve
    gives the share of that expected by the line's age. Dollars add up line by line,
    so every payable line counts here, not one per claim.
    """
    base_paid = lines.base & lines.paid & (lines.paid_cents != MISSING)
    billed = float(lines.billed_cents[base_paid].sum())
    ratio = float(lines.paid_cents[base_paid].sum()) / billed if billed else 0.0
    cur = lines.cur
    paid_now = lines.paid[cur] & (lines.paid_cents[cur] != MISSING)
    allowed = lines.allowed_cents[cur]
    amount = np.where(
        paid_now,
        lines.paid_cents[cur],
        np.where(allowed != MISSING, allowed, lines.billed_cents[cur] * ratio),
    ).astype(np.float64)
    age = (windows.as_of - lines.sent[cur]).astype(np.float64)
    expected = float((amount * (1.0 - baseline_curve.at(age))).sum())
    arrived = float(amount[lines.paid[cur]].sum())
    return round(max(0.0, expected - arrived) / 100.0, 2)


def delay_findings(
    cols: ClaimColumns,
    tests: Sequence[DelayTest],
    q_values: Sequence[float | None],
    config: DelayConfig,
) -> list[DelayFinding]:
    findings = []
    for test, q in zip(tests, q_values, strict=True):
        if q is None or q > config.q_level or not test.large_enough:
            continue
        before = test.baseline.median if test.metric == MEDIAN else test.baseline.p90
        after = test.current.median if test.metric == MEDIAN else test.current.p90
        if before is None or after is None:
            continue
        findings.append(
            DelayFinding(
                payer=cols.payer_names[test.payer],
                metric=test.metric,
                baseline=before.days,
                current=after.days,
                current_reached=after.reached,
                n_baseline=test.baseline.lines,
                n_current=test.current.lines,
                censored_current=test.current.censored,
                p_value=test.outcome.p_value,
                q_value=float(q),
                cash_delayed=test.cash_delayed,
                severity=_severity(test, config),
                shift_days=test.shift_days,
                shift_at_share=test.shift_at_share,
                baseline_cohort=test.baseline,
                current_cohort=test.current,
            )
        )
    findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), -f.cash_delayed))
    return findings


def _severity(test: DelayTest, config: DelayConfig) -> str:
    floor = config.min_median_shift_days if test.metric == MEDIAN else config.min_p90_shift_days
    by_cash = (
        2
        if test.cash_delayed >= config.high_cash_delayed
        else 1
        if test.cash_delayed >= config.medium_cash_delayed
        else 0
    )
    by_shift = 2 if test.shift_days >= 3 * floor else 1 if test.shift_days >= 2 * floor else 0
    return SEVERITIES[max(by_cash, by_shift)]
