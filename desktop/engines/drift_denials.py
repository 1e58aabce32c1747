"""DriftWatch's denials test: the rate and the reasons of each cell and payer, one test.

The rate is tested one-sided in two views of the same windows: by decision date
(every line fully known) and by date of service with matched censoring (the first to
show a rule that applies by date of service; see ``drift_data.service_view``); the
smaller p-value, doubled (Bonferroni), is the rate's. The reason mix (chi-square, rare
reasons pooled) is independent of the rate under no change (the denied count, then
the reasons given the count), so Fisher's method combines the two into one p-value for
"denials changed". A payer's new edit usually raises one reason, and then both parts
speak; and one test per group instead of two halves what the run pays for
multiplicity. Payer-wide, the baseline rate is re-weighted to the current mix of
codes, so a shift in the mix of codes is not mistaken for a change in the payer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from desktop.engines import grouping
from desktop.engines.drift_config import DriftConfig
from desktop.engines.drift_data import DriftData, IntArray
from desktop.engines.drift_tests import (
    DENIAL_RATE,
    DENIAL_REASON_MIX,
    NOT_TESTED,
    DriftTest,
    ReasonShift,
    alternative_for,
    passes_floor,
)
from desktop.engines.stats import Alternative, TestOutcome, category_shift, two_proportions
from desktop.engines.windows import Mask

# Shrinkage (in lines) of a code's baseline denial rate towards its payer's rate, for
# the payer-wide expectation: a code with few baseline lines borrows its payer's rate.
PAYER_PRIOR_LINES = 20.0
RATE_ON_ITS_OWN = 0.01  # p-value of the rate part that names a denials finding "denial_rate"

Counts = tuple[IntArray, IntArray, IntArray, IntArray]


def denial_counts(data: DriftData, by_service: bool = False, per_claim: bool = False) -> Counts:
    """Decided and denied lines per cell: (baseline n, baseline denied, current n, denied).

    By decision date (the windows), or by date of service (``DriftData.by_service``);
    ``per_claim`` keeps one line per claim, for payer-wide counts: a claim denied as a
    whole must count once, not once per code it has.
    """
    n_cells = data.n_payers * data.n_codes
    denied = data.outcomes.denied
    b, c = data.by_service if by_service else (data.baseline.decided, data.current.decided)
    if per_claim:
        b, c = b & data.one_per_claim, c & data.one_per_claim
    return (
        grouping.counts(data.cell[b], n_cells),
        grouping.counts(data.cell[b & denied], n_cells),
        grouping.counts(data.cell[c], n_cells),
        grouping.counts(data.cell[c & denied], n_cells),
    )


def denials_tests(data: DriftData, config: DriftConfig) -> list[DriftTest]:
    """One denials test per cell and per payer with the volume for it.

    The finding is a denial-rate one when the rate moved past its floor on its own
    (carrying the reasons that moved), else a reason-mix one.
    """
    views = (denial_counts(data), denial_counts(data, by_service=True))
    n_cells = data.n_payers * data.n_codes
    reasons_b = reason_counts(data, data.baseline.reasons, data.cell, n_cells)
    reasons_c = reason_counts(data, data.current.reasons, data.cell, n_cells)
    nb, db, nc, dc = views[0]
    rate_ok = (
        (nb >= config.min_decided_baseline)
        & (nc >= config.min_decided_current)
        & (db + dc >= config.min_events)
    )
    mix_ok = (reasons_b.sum(axis=1) >= config.min_denied_baseline) & (
        reasons_c.sum(axis=1) >= config.min_denied_current
    )
    tests = []
    for cell in np.flatnonzero(rate_ok | mix_ok).tolist():
        rates = [RateCounts.of(v, cell, view) for v, view in zip(views, VIEWS, strict=True)]
        tests.append(
            _denials_test(
                data, config, data.payer_of_cell(cell), data.cpt_of_cell(cell),
                rates if rate_ok[cell] else [],
                (reasons_b[cell], reasons_c[cell]) if mix_ok[cell] else None,
            )
        )  # fmt: skip
    every_code = np.ones(len(data.cell), np.bool_)
    payer_views = (denial_counts(data, per_claim=True),)
    payers = data.cols.payer.astype(np.int64)
    payer_b = reason_counts(data, data.baseline.payer_reasons, payers, data.n_payers)
    payer_c = reason_counts(data, data.current.payer_reasons, payers, data.n_payers)
    for payer in range(data.n_payers):
        test = payer_denials_test(
            data, config, payer, every_code, payer_views, (payer_b[payer], payer_c[payer])
        )
        if test is not None:
            tests.append(test)
    return tests


VIEWS = ("decision_date", "date_of_service")
MIN_VIEW_LINES = 10  # lines a window needs in a view for that view's rate to count


@dataclass(frozen=True)
class RateCounts:
    """Denied and decided lines of one group in both windows, in one view."""

    denied_b: int
    n_b: int
    denied_c: int
    n_c: int
    view: str

    @classmethod
    def of(cls, counts: Counts, cell: int, view: str) -> RateCounts:
        nb, db, nc, dc = counts
        return cls(int(db[cell]), int(nb[cell]), int(dc[cell]), int(nc[cell]), view)

    @property
    def usable(self) -> bool:
        return min(self.n_b, self.n_c) >= MIN_VIEW_LINES

    @property
    def before(self) -> float:
        return self.denied_b / self.n_b

    @property
    def after(self) -> float:
        return self.denied_c / self.n_c

    @property
    def effect(self) -> float:
        return self.after - self.before


def _denials_test(
    data: DriftData,
    config: DriftConfig,
    payer: int,
    cpt: int | None,
    rates: list[RateCounts],
    reasons: tuple[IntArray, IntArray] | None,
) -> DriftTest:
    """One group's denials test (``rates``: its views; empty when too few lines)."""
    codes = data.cols.reason_codes
    rates = [r for r in rates if r.usable]
    distance = 0.0
    if reasons is not None:
        shares_b = reasons[0] / max(int(reasons[0].sum()), 1)
        shares_c = reasons[1] / max(int(reasons[1].sum()), 1)
        # Total variation distance between the two mixes (0 = same, 1 = disjoint).
        distance = 0.5 * float(np.abs(shares_b - shares_c).sum())
    floor = config.min_denial_rate_change
    rate_passes = any(bool(passes_floor(np.array([r.effect]), floor, +1, config)[0]) for r in rates)
    mix_passes = reasons is not None and distance >= config.min_reason_mix_shift
    moves = top_reasons(codes, *reasons, config.top_reasons) if reasons is not None else ()
    outcome = TestOutcome(1.0, 0.0, NOT_TESTED)
    shown = rates[0] if rates else None
    if rate_passes or mix_passes:
        outcome, shown = _combined(rates, reasons, codes, alternative_for(config, "greater"), floor)
    # A denial-rate finding needs a rate that moved convincingly on its own: a rate
    # that moved a little by chance must not turn a reason-mix change into one.
    if rate_passes and mix_passes and len(outcome.parts) == 2:
        rate_passes = outcome.parts[0][1] <= RATE_ON_ITS_OWN
    if shown is not None and (rate_passes or not mix_passes):
        return DriftTest(
            payer, cpt, DENIAL_RATE, shown.before, shown.after, shown.effect, shown.n_b,
            shown.n_c, outcome, rate_passes, moves, shown.view,
        )  # fmt: skip
    if reasons is None:  # no usable rate and no reasons: nothing to say
        return DriftTest(
            payer, cpt, DENIAL_RATE, 0.0, 0.0, 0.0, 0, 0, outcome, False, moves
        )  # fmt: skip
    leading = moves[0] if moves else None
    up = leading is None or leading.current_share > leading.baseline_share
    return DriftTest(
        payer, cpt, DENIAL_REASON_MIX,
        leading.baseline_share if leading else 0.0,
        leading.current_share if leading else 0.0,
        distance if up else -distance, int(reasons[0].sum()), int(reasons[1].sum()),
        outcome, mix_passes, moves,
    )  # fmt: skip


def _combined(
    rates: list[RateCounts],
    reasons: tuple[IntArray, IntArray] | None,
    codes: tuple[str, ...],
    alternative: Alternative,
    floor: float,
) -> tuple[TestOutcome, RateCounts | None]:
    """The combined outcome, and the rate view that carries the evidence.

    A view whose rate did not move past the floor counts as p = 1 (valid, and never
    the best one) without being run; the Bonferroni factor is the number of views.
    """
    parts: list[TestOutcome] = []
    strongest: RateCounts | None = None
    if rates:
        moved = [r for r in rates if abs(r.effect) >= floor] or rates[:1]
        tested = [
            (two_proportions(r.denied_b, r.n_b, r.denied_c, r.n_c, alternative), r) for r in moved
        ]
        best, strongest = min(tested, key=lambda pair: pair[0].p_value)
        p_rate = min(1.0, best.p_value * len(rates))  # Bonferroni over the views
        method = f"{best.method} by {strongest.view}"
        if len(rates) > 1:
            method += f" (best of {len(rates)} views, Bonferroni)"
        parts.append(TestOutcome(p_rate, best.statistic, method))
    if reasons is not None:
        present = np.flatnonzero(reasons[0] + reasons[1]).tolist()
        shift = category_shift(
            [codes[i] for i in present], reasons[0][present].tolist(), reasons[1][present].tolist()
        )
        if shift is not None:
            parts.append(TestOutcome(shift.outcome.p_value, shift.outcome.statistic,
                                     f"{shift.outcome.method} on reasons"))  # fmt: skip
    if len(parts) == 1:
        return parts[0], strongest
    combined = stats.combine_pvalues([p.p_value for p in parts], method="fisher")
    return (
        TestOutcome(
            float(combined.pvalue),
            float(combined.statistic),
            "fisher(" + "; ".join(p.method for p in parts) + ")",
            tuple((p.method, p.p_value) for p in parts),
        ),
        strongest,
    )


def expected_denial_rate(
    nb: IntArray, db: IntArray, nc: IntArray, cells: IntArray
) -> tuple[float, int, int]:
    """The payer's baseline denial rate re-weighted to the current mix of its codes.

    Returns (rate, baseline lines, current lines) over ``cells`` (the payer's cells).
    """
    total_b, total_c = int(nb[cells].sum()), int(nc[cells].sum())
    payer_rate = db[cells].sum() / max(total_b, 1)
    shrunk = (db[cells] + PAYER_PRIOR_LINES * payer_rate) / (nb[cells] + PAYER_PRIOR_LINES)
    rate = float((nc[cells] * shrunk).sum() / max(total_c, 1))
    return rate, total_b, total_c


def payer_denials_test(
    data: DriftData,
    config: DriftConfig,
    payer: int,
    keep: Mask,
    views: tuple[Counts, ...] | None = None,
    reasons: tuple[IntArray, IntArray] | None = None,
) -> DriftTest | None:
    """The payer-wide denials test over the lines in ``keep`` (e.g. without some codes).

    ``views`` and ``reasons`` (the payer's reason counts) may be given when ``keep`` is
    every line, to count once for all payers.

    One line per claim, by decision date only: a payer has the volume for that view,
    and the date-of-service view, whose matched censoring is only approximate, would
    turn its small biases into significance at a payer's volume. The baseline rate is
    re-weighted to the current mix of codes (``expected_denial_rate``) and stands in
    as the baseline's denied count.
    """
    views = views or (denial_counts(data, per_claim=True),)
    cells = payer * data.n_codes + np.arange(data.n_codes)
    if not keep.all():
        kept_cpts = np.unique(data.cols.cpt[keep & (data.cols.payer == payer)])
        cells = cells[np.isin(np.arange(data.n_codes), kept_cpts)]
    rates = []
    for (nb, db, nc, dc), view in zip(views, VIEWS[: len(views)], strict=True):
        expected, total_b, total_c = expected_denial_rate(nb, db, nc, cells)
        events_c = int(dc[cells].sum())
        if view == VIEWS[0] and (
            total_b < config.min_decided_baseline
            or total_c < config.min_decided_current
            or int(db[cells].sum()) + events_c < config.min_events
        ):
            break  # the decision-date view decides whether the payer has the volume
        if total_b and total_c:
            rates.append(RateCounts(round(expected * total_b), total_b, events_c, total_c, view))
    if reasons is None:
        mine = (data.cols.payer == payer) & keep
        zero = np.zeros(len(mine), np.int64)
        reasons = (
            reason_counts(data, data.baseline.payer_reasons & mine, zero, 1)[0],
            reason_counts(data, data.current.payer_reasons & mine, zero, 1)[0],
        )
    reasons_b, reasons_c = reasons
    mix_part = None
    enough_b = reasons_b.sum() >= config.min_denied_baseline
    if enough_b and reasons_c.sum() >= config.min_denied_current:
        mix_part = (reasons_b, reasons_c)
    if not rates and mix_part is None:
        return None
    return _denials_test(data, config, payer, None, rates, mix_part)


def reason_counts(data: DriftData, lines: Mask, groups: IntArray, n_groups: int) -> IntArray:
    """Denied lines per (group, reason), as a n_groups x n_reasons matrix."""
    n_reasons = max(data.n_reasons, 1)
    key = groups[lines] * n_reasons + data.cols.denial_reason[lines]
    flat = np.bincount(key, minlength=n_groups * n_reasons)
    matrix: IntArray = flat.reshape(n_groups, n_reasons).astype(np.int64)
    return matrix


def top_reasons(
    codes: tuple[str, ...], baseline: IntArray, current: IntArray, limit: int
) -> tuple[ReasonShift, ...]:
    """The reasons whose share of denials moved most, largest move first."""
    nb, nc = int(baseline.sum()), int(current.sum())
    if nb == 0 or nc == 0:
        return ()
    share_b, share_c = baseline / nb, current / nc
    change = share_c - share_b
    # Largest move first; between equal moves, the reason that rose (it says what
    # the payer does now).
    moved = np.lexsort((-change, -np.round(np.abs(change), 9)))[:limit]
    return tuple(
        ReasonShift(codes[i], float(share_b[i]), float(share_c[i]))
        for i in moved.tolist()
        if share_b[i] != share_c[i]
    )
