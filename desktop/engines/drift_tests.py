"""DriftWatch's candidate tests: one per metric for every payer x code cell and every payer.

A group (cell or payer) is tested on a metric only when it has the minimum volume in
both windows: a test that cannot reach significance would only make every other test
pay for multiplicity. Nothing here decides what is a finding; ``drift`` applies the
false discovery rate over every test of the run, the effect-size floors and the
roll-ups.

Payer-wide tests compare like with like: the baseline denial rate is re-weighted to
the current mix of codes, and allowed amounts are compared as an index (each line's
allowed per unit over its code's baseline median), so a shift in the mix of codes
is not mistaken for a change in how the payer pays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from desktop.engines import grouping
from desktop.engines.drift_config import DriftConfig
from desktop.engines.drift_data import DriftData, FloatArray, IntArray
from desktop.engines.stats import (
    Alternative,
    TestOutcome,
    category_shift,
    location_shift,
    two_proportions,
)
from desktop.engines.windows import Mask

DENIAL_RATE = "denial_rate"
ALLOWED_PER_UNIT = "allowed_per_unit"
PAID_TO_ALLOWED = "paid_to_allowed"
DENIAL_REASON_MIX = "denial_reason_mix"
METRICS = (DENIAL_RATE, ALLOWED_PER_UNIT, PAID_TO_ALLOWED, DENIAL_REASON_MIX)

# Shrinkage (in lines) of a code's baseline denial rate towards its payer's rate, for
# the payer-wide expectation: a code with few baseline lines borrows its payer's rate.
PAYER_PRIOR_LINES = 20.0
MIN_INDEX_LINES = 5  # baseline lines a code needs for its median to anchor the index

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReasonShift:
    code: str
    baseline_share: float
    current_share: float

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "baseline_share": round(self.baseline_share, 4),
            "current_share": round(self.current_share, 4),
        }


@dataclass(frozen=True)
class DriftTest:
    """One metric of one group, baseline vs current window, with its p-value."""

    payer: int
    cpt: int | None  # None: the payer as a whole
    metric: str
    baseline: float
    current: float
    effect: float  # current - baseline, or the relative change for allowed_per_unit
    n_baseline: int
    n_current: int
    outcome: TestOutcome
    large_enough: bool  # the effect passes the floor, in the direction tested
    top_reasons: tuple[ReasonShift, ...] = ()

    @property
    def direction(self) -> str:
        return "up" if self.effect > 0 else "down"


def all_tests(
    data: DriftData, config: DriftConfig, progress: Progress | None = None
) -> list[DriftTest]:
    steps: list[Callable[[DriftData, DriftConfig], list[DriftTest]]] = [
        denial_rate_tests,
        allowed_tests,
        paid_to_allowed_tests,
        reason_mix_tests,
    ]
    tests: list[DriftTest] = []
    for done, step in enumerate(steps, start=1):
        tests.extend(step(data, config))
        if progress is not None:
            progress(done, len(steps))
    return tests


def _alternative(config: DriftConfig, adverse: Alternative) -> Alternative:
    return adverse if config.adverse_only else "two-sided"


def _passes(effect: FloatArray, floor: float, adverse_sign: int, config: DriftConfig) -> Mask:
    """Which effects pass the floor (in the adverse direction only, unless two-sided)."""
    if config.adverse_only:
        adverse: Mask = effect * adverse_sign >= floor
        return adverse
    either: Mask = np.abs(effect) >= floor
    return either


def _outcome(passes: bool, run: Callable[[], TestOutcome]) -> TestOutcome:
    """The test's outcome, or p = 1 without running it when it cannot become a finding.

    A p-value of 1 is valid (it is never below its nominal level under the null), so
    the run's FDR control holds, and the test still counts towards the multiplicity.
    """
    return run() if passes else TestOutcome(1.0, 0.0, NOT_TESTED)


NOT_TESTED = "not tested: effect below the floor"


# --- denial rate ------------------------------------------------------------------------


def denial_counts(data: DriftData) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Decided and denied lines per cell: (baseline n, baseline denied, current n, denied)."""
    n_cells = data.n_payers * data.n_codes
    denied = data.outcomes.denied
    b, c = data.baseline.decided, data.current.decided
    return (
        grouping.counts(data.cell[b], n_cells),
        grouping.counts(data.cell[b & denied], n_cells),
        grouping.counts(data.cell[c], n_cells),
        grouping.counts(data.cell[c & denied], n_cells),
    )


def denial_rate_tests(data: DriftData, config: DriftConfig) -> list[DriftTest]:
    counts = denial_counts(data)
    nb, db, nc, dc = counts
    eligible = np.flatnonzero(
        (nb >= config.min_decided_baseline)
        & (nc >= config.min_decided_current)
        & (db + dc >= config.min_events)
    )
    before = db[eligible] / nb[eligible]
    after = dc[eligible] / nc[eligible]
    passing = _passes(after - before, config.min_denial_rate_change, +1, config)
    alternative = _alternative(config, "greater")
    tests = []
    for i, cell in enumerate(eligible.tolist()):
        outcome = (
            two_proportions(int(db[cell]), int(nb[cell]), int(dc[cell]), int(nc[cell]), alternative)
            if passing[i]
            else TestOutcome(1.0, 0.0, NOT_TESTED)
        )
        tests.append(
            DriftTest(
                data.payer_of_cell(cell), data.cpt_of_cell(cell), DENIAL_RATE,
                float(before[i]), float(after[i]), float(after[i] - before[i]),
                int(nb[cell]), int(nc[cell]), outcome, bool(passing[i]),
            )
        )  # fmt: skip
    for payer in range(data.n_payers):
        cells = np.arange(payer * data.n_codes, (payer + 1) * data.n_codes)
        test = payer_denial_test(config, payer, counts, cells)
        if test is not None:
            tests.append(test)
    return tests


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


def payer_denial_test(
    config: DriftConfig,
    payer: int,
    counts: tuple[IntArray, IntArray, IntArray, IntArray],
    cells: IntArray,
) -> DriftTest | None:
    """The payer-wide denial test over ``cells`` (all of the payer's, or what is left)."""
    nb, db, nc, dc = counts
    rate, total_b, total_c = expected_denial_rate(nb, db, nc, cells)
    events_c = int(dc[cells].sum())
    if total_b < config.min_decided_baseline or total_c < config.min_decided_current:
        return None
    if int(db[cells].sum()) + events_c < config.min_events:
        return None
    effect = events_c / total_c - rate
    passing = bool(_passes(np.array([effect]), config.min_denial_rate_change, +1, config)[0])
    alternative = _alternative(config, "greater")
    outcome = _outcome(
        passing,
        lambda: two_proportions(round(rate * total_b), total_b, events_c, total_c, alternative),
    )
    return DriftTest(
        payer, None, DENIAL_RATE, rate, events_c / total_c, effect, total_b, total_c, outcome,
        passing,
    )  # fmt: skip


# --- amounts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _AmountGroups:
    """Per group: line counts and a summary value in each window."""

    eligible: IntArray
    n_baseline: IntArray
    n_current: IntArray
    before: FloatArray
    after: FloatArray


def _amount_groups(
    groups: IntArray,
    values: FloatArray,
    b: Mask,
    c: Mask,
    config: DriftConfig,
    summary: Callable[[IntArray, FloatArray, Mask, int], FloatArray],
) -> _AmountGroups:
    n_groups = int(groups.max(initial=-1)) + 1
    nb, nc = grouping.counts(groups[b], n_groups), grouping.counts(groups[c], n_groups)
    eligible = np.flatnonzero(
        (nb >= config.min_amounts_baseline) & (nc >= config.min_amounts_current)
    )
    before = summary(groups, values, b, n_groups)[eligible]
    after = summary(groups, values, c, n_groups)[eligible]
    return _AmountGroups(eligible, nb[eligible], nc[eligible], before, after)


def _medians(groups: IntArray, values: FloatArray, lines: Mask, n_groups: int) -> FloatArray:
    return grouping.medians(groups[lines], values[lines], n_groups)


def _shift_tests(
    groups: IntArray,
    values: FloatArray,
    b: Mask,
    c: Mask,
    wanted: IntArray,
    alternative: Alternative,
) -> dict[int, TestOutcome]:
    """Mann-Whitney outcomes for the ``wanted`` groups only."""
    base = dict(grouping.slices(groups[b], values[b], wanted))
    return {
        g: location_shift(base[g], cur, alternative)
        for g, cur in grouping.slices(groups[c], values[c], wanted)
    }


def _amount_tests(
    data: DriftData,
    config: DriftConfig,
    metric: str,
    groups: IntArray,
    values: FloatArray,
    b: Mask,
    c: Mask,
    is_cell: bool,
) -> list[DriftTest]:
    if metric == ALLOWED_PER_UNIT:
        found = _amount_groups(groups, values, b, c, config, _medians)
        effect = found.after / found.before - 1.0
        floor = config.min_allowed_change
    else:
        found = _amount_groups(groups, data.paid_to_allowed, b, c, config, _pooled(data))
        effect = found.after - found.before
        floor = config.min_paid_to_allowed_change
    passing = _passes(effect, floor, -1, config)
    outcomes = _shift_tests(
        groups, values, b, c, found.eligible[passing], _alternative(config, "less")
    )
    tests = []
    for i, group in enumerate(found.eligible.tolist()):
        tests.append(
            DriftTest(
                data.payer_of_cell(group) if is_cell else group,
                data.cpt_of_cell(group) if is_cell else None,
                metric, float(found.before[i]), float(found.after[i]), float(effect[i]),
                int(found.n_baseline[i]), int(found.n_current[i]),
                outcomes.get(group, TestOutcome(1.0, 0.0, NOT_TESTED)), bool(passing[i]),
            )
        )  # fmt: skip
    return tests


def _pooled(data: DriftData) -> Callable[[IntArray, FloatArray, Mask, int], FloatArray]:
    """Summary for paid-to-allowed: the group's paid dollars over its allowed dollars."""

    def pooled(groups: IntArray, _values: FloatArray, lines: Mask, n_groups: int) -> FloatArray:
        cols = data.cols
        paid = grouping.sums(groups[lines], cols.paid_cents[lines].astype(np.float64), n_groups)
        allowed = grouping.sums(
            groups[lines], cols.allowed_cents[lines].astype(np.float64), n_groups
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio: FloatArray = np.where(allowed > 0, paid / allowed, 0.0)
        return ratio

    return pooled


def allowed_tests(data: DriftData, config: DriftConfig) -> list[DriftTest]:
    """Allowed per unit: the median per cell; payer-wide, the index against code medians."""
    b, c = data.baseline.amounts, data.current.amounts
    tests = _amount_tests(
        data, config, ALLOWED_PER_UNIT, data.cell, data.allowed_per_unit, b, c, True
    )
    index = allowed_index(data)
    known = ~np.isnan(index)
    payers = data.cols.payer.astype(np.int64)
    tests += _amount_tests(
        data, config, ALLOWED_PER_UNIT, payers, index, b & known, c & known, False
    )
    return tests


def allowed_index(data: DriftData) -> FloatArray:
    """Each amounts line's allowed per unit over its code's baseline median (NaN if none)."""
    n_cells = data.n_payers * data.n_codes
    b = data.baseline.amounts
    medians = grouping.medians(data.cell[b], data.allowed_per_unit[b], n_cells)
    enough = grouping.counts(data.cell[b], n_cells) >= MIN_INDEX_LINES
    anchor = np.where(enough, medians, np.nan)
    index: FloatArray = data.allowed_per_unit / anchor[data.cell]
    return index


def paid_to_allowed_tests(data: DriftData, config: DriftConfig) -> list[DriftTest]:
    """Paid over allowed: per-line ratios are tested, the pooled ratio is reported."""
    b, c = data.baseline.ratios, data.current.ratios
    ratio = data.paid_to_allowed
    payers = data.cols.payer.astype(np.int64)
    return _amount_tests(data, config, PAID_TO_ALLOWED, data.cell, ratio, b, c, True) + (
        _amount_tests(data, config, PAID_TO_ALLOWED, payers, ratio, b, c, False)
    )


def payer_amount_test(
    data: DriftData, config: DriftConfig, metric: str, payer: int, keep: Mask
) -> DriftTest | None:
    """A payer-wide amounts test over the lines in ``keep`` only (e.g. without some codes)."""
    if metric == ALLOWED_PER_UNIT:
        values = allowed_index(data)
        b, c = data.baseline.amounts, data.current.amounts
    else:
        values = data.paid_to_allowed
        b, c = data.baseline.ratios, data.current.ratios
    mine = (data.cols.payer == payer) & keep & ~np.isnan(values)
    groups = np.where(mine, 0, 1).astype(np.int64)  # group 0: the kept lines of the payer
    tests = _amount_tests(data, config, metric, groups, values, b & mine, c & mine, False)
    return replace(tests[0], payer=payer) if tests else None


# --- denial reasons --------------------------------------------------------------------


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
    moved = np.argsort(-np.abs(share_c - share_b), kind="stable")[:limit]
    return tuple(
        ReasonShift(codes[i], float(share_b[i]), float(share_c[i]))
        for i in moved.tolist()
        if share_b[i] != share_c[i]
    )


def reason_mix_tests(data: DriftData, config: DriftConfig) -> list[DriftTest]:
    tests = []
    codes = data.cols.reason_codes
    n_cells = data.n_payers * data.n_codes
    payer_groups = data.cols.payer.astype(np.int64)
    for groups, n_groups, is_cell in (
        (data.cell, n_cells, True),
        (payer_groups, data.n_payers, False),
    ):
        b_counts = reason_counts(data, data.baseline.reasons, groups, n_groups)
        c_counts = reason_counts(data, data.current.reasons, groups, n_groups)
        eligible = (b_counts.sum(axis=1) >= config.min_denied_baseline) & (
            c_counts.sum(axis=1) >= config.min_denied_current
        )
        for group in np.flatnonzero(eligible).tolist():
            payer = data.payer_of_cell(group) if is_cell else group
            cpt = data.cpt_of_cell(group) if is_cell else None
            test = _reason_test(payer, cpt, codes, b_counts[group], c_counts[group], config)
            if test is not None:
                tests.append(test)
    return tests


def _reason_test(
    payer: int,
    cpt: int | None,
    codes: tuple[str, ...],
    baseline: IntArray,
    current: IntArray,
    config: DriftConfig,
) -> DriftTest | None:
    nb, nc = int(baseline.sum()), int(current.sum())
    # Total variation distance between the two mixes (0 = same, 1 = disjoint).
    distance = 0.5 * float(np.abs(baseline / nb - current / nc).sum())
    passing = distance >= config.min_reason_mix_shift
    outcome = TestOutcome(1.0, 0.0, NOT_TESTED)
    moves: tuple[ReasonShift, ...] = ()
    if passing:
        present = np.flatnonzero(baseline + current).tolist()
        shift = category_shift(
            [codes[i] for i in present], baseline[present].tolist(), current[present].tolist()
        )
        if shift is None:
            return None
        outcome = shift.outcome
        moves = top_reasons(codes, baseline, current, config.top_reasons)
    leading = moves[0] if moves else None
    up = leading is None or leading.current_share > leading.baseline_share
    return DriftTest(
        payer, cpt, DENIAL_REASON_MIX,
        leading.baseline_share if leading else 0.0,
        leading.current_share if leading else 0.0,
        distance if up else -distance, nb, nc, outcome, passing, moves,
    )  # fmt: skip


def payer_reason_test(
    data: DriftData, config: DriftConfig, payer: int, keep: Mask
) -> DriftTest | None:
    """The payer-wide reason-mix test over the lines in ``keep`` only."""
    mine = (data.cols.payer == payer) & keep
    zero = np.zeros(len(mine), np.int64)
    baseline = reason_counts(data, data.baseline.reasons & mine, zero, 1)[0]
    current = reason_counts(data, data.current.reasons & mine, zero, 1)[0]
    if baseline.sum() < config.min_denied_baseline or current.sum() < config.min_denied_current:
        return None
    return _reason_test(payer, None, data.cols.reason_codes, baseline, current, config)
