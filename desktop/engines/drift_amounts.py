"""DriftWatch's amounts tests: allowed per unit and paid to allowed, per cell and payer.

Rank tests (Mann-Whitney), so one outlier weighs one rank and cannot make a finding;
medians are reported. Payer-wide, allowed amounts are compared as an index (each
line's allowed per unit over its code's baseline median), so a shift in the mix of
codes is not mistaken for a change in how the payer pays.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from desktop.engines import grouping
from desktop.engines.drift_config import DriftConfig
from desktop.engines.drift_data import DriftData, FloatArray, IntArray
from desktop.engines.drift_tests import (
    ALLOWED_PER_UNIT,
    NOT_TESTED,
    PAID_TO_ALLOWED,
    DriftTest,
    alternative_for,
    passes_floor,
)
from desktop.engines.stats import Alternative, TestOutcome, location_shift
from desktop.engines.windows import Mask

MIN_INDEX_LINES = 5  # baseline lines a code needs for its median to anchor the index


@dataclass(frozen=True)
class _AmountGroups:
    """Per group: line counts and a summary value in each window."""

    eligible: IntArray
    n_baseline: IntArray
    n_current: IntArray
    before: FloatArray  # one row per summary (e.g. median, 20th, 80th percentile)
    after: FloatArray


# The median, and the quantile on each side that sees a change reach part of the
# lines first: a payer that pays by date of service cuts the latest-served lines of
# a decision-date window before it cuts the median.
AMOUNT_SHARES = (0.5, 0.2, 0.8)


def _amount_groups(
    groups: IntArray, values: FloatArray, b: Mask, c: Mask, config: DriftConfig
) -> _AmountGroups:
    n_groups = int(groups.max(initial=-1)) + 1
    nb, nc = grouping.counts(groups[b], n_groups), grouping.counts(groups[c], n_groups)
    eligible = np.flatnonzero(
        (nb >= config.min_amounts_baseline) & (nc >= config.min_amounts_current)
    )
    is_eligible = np.zeros(n_groups, np.bool_)
    is_eligible[eligible] = True
    wanted = is_eligible[groups]
    before, after = grouping.windowed_quantiles(
        groups, values, (b & wanted, c & wanted), n_groups, AMOUNT_SHARES
    )
    return _AmountGroups(
        eligible, nb[eligible], nc[eligible], before[:, eligible], after[:, eligible]
    )


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
    """Allowed per unit: medians are reported; the floor applies to the median or to
    the 20th (80th) percentile, so a cut that has reached a fifth of the window's lines
    is tested. Paid to allowed: the median of the lines' ratios."""
    if metric == ALLOWED_PER_UNIT:
        found = _amount_groups(groups, values, b, c, config)
        floor = config.min_allowed_change
        # Median, then the tails: the adverse one (20th percentile) always, the other
        # too when both directions are tested. The effect is the median's shift, or
        # the largest shift that passes the floor when the median's does not.
        shifts = (found.after / found.before - 1.0)[: 2 if config.adverse_only else 3]
        passes = np.stack([passes_floor(row, floor, -1, config) for row in shifts])
        passing: Mask = np.asarray(passes.any(axis=0), dtype=np.bool_)
        size = np.where(passes, np.abs(shifts), -1.0)
        size[0] = np.where(passes[0], np.inf, size[0])  # the median first when it passes
        pick = np.argmax(size, axis=0)
        effect = np.where(passing, shifts[pick, np.arange(shifts.shape[1])], shifts[0])
    else:
        # The median line's ratio: what the payer's share does for a typical line. The
        # pooled ratio also swings with a few large deductibles, which are the
        # patients' business, not a change in the payer.
        found = _amount_groups(groups, values, b, c, config)
        effect = found.after[0] - found.before[0]
        floor = config.min_paid_to_allowed_change
        passing = passes_floor(effect, floor, -1, config)
    outcomes = _shift_tests(
        groups, values, b, c, found.eligible[passing], alternative_for(config, "less")
    )
    tests = []
    for i, group in enumerate(found.eligible.tolist()):
        tests.append(
            DriftTest(
                data.payer_of_cell(group) if is_cell else group,
                data.cpt_of_cell(group) if is_cell else None,
                metric, float(found.before[0, i]), float(found.after[0, i]), float(effect[i]),
                int(found.n_baseline[i]), int(found.n_current[i]),
                outcomes.get(group, TestOutcome(1.0, 0.0, NOT_TESTED)), bool(passing[i]),
            )
        )  # fmt: skip
    return tests


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
    return data.allowed_index(MIN_INDEX_LINES)


def paid_to_allowed_tests(data: DriftData, config: DriftConfig) -> list[DriftTest]:
    """Paid over allowed: per-line ratios are tested, their medians reported."""
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
