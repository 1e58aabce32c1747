"""What a DriftWatch finding shows: when the change began, its weekly series, its cost.

The change date is estimated on the group's lines since the baseline began, on two
date bases: date of service (payer policies and fee schedules usually take effect by
date of service) and decision date (edits the payer switches on while processing).
The basis on which the change is the sharper step (smaller Pettitt p-value) wins, and
the evidence says which it was. The weekly series is the one the date was read from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop.engines.changepoint import (
    ChangePoint,
    Direction,
    WeeklySeries,
    rank_change_point,
    weekly_series,
)
from desktop.engines.columns import MISSING
from desktop.engines.drift_amounts import allowed_index
from desktop.engines.drift_data import DriftData, FloatArray
from desktop.engines.drift_tests import (
    ALLOWED_PER_UNIT,
    DENIAL_RATE,
    DENIAL_REASON_MIX,
    PAID_TO_ALLOWED,
    DriftTest,
)
from desktop.engines.windows import Mask

BASES = ("date_of_service", "decision_date")


@dataclass(frozen=True)
class DriftEvidence:
    method: str  # the scipy test behind the p-value
    change_day: int | None
    change_basis: str | None  # date_of_service | decision_date
    change_p_value: float | None
    weekly: WeeklySeries | None
    cells: tuple[int, ...]  # codes (indexes) folded into a payer-wide finding
    companions: tuple[DriftTest, ...] = ()  # other metrics of the group this change moved
    view: str = "decision_date"  # which dates put the lines in the windows


def _series_values(data: DriftData, test: DriftTest) -> tuple[Mask, FloatArray, str]:
    """The lines behind the metric since the baseline began, and one value per line."""
    cols = data.cols
    mine = cols.payer == test.payer
    if test.cpt is not None:
        mine = data.cell == test.payer * data.n_codes + test.cpt
    lines = data.history & mine
    if test.metric == DENIAL_RATE:
        return lines, data.outcomes.denied.astype(np.float64), "mean"
    if test.metric == ALLOWED_PER_UNIT:
        values = data.allowed_per_unit if test.cpt is not None else allowed_index(data)
        return lines & ~np.isnan(values), values, "median"
    if test.metric == PAID_TO_ALLOWED:
        ratio = data.paid_to_allowed
        return lines & ~np.isnan(ratio), ratio, "mean"
    leading = test.top_reasons[0].code if test.top_reasons else None
    reasons = cols.reason_codes
    code = reasons.index(leading) if leading in reasons else -2
    with_reason = lines & data.outcomes.denied & (cols.denial_reason >= 0)
    return with_reason, (cols.denial_reason == code).astype(np.float64), "mean"


def evidence_for(
    data: DriftData,
    test: DriftTest,
    cells: tuple[int, ...],
    companions: tuple[DriftTest, ...] = (),
) -> DriftEvidence:
    lines, values, statistic = _series_values(data, test)
    direction: Direction = "up" if test.effect > 0 else "down"
    if test.metric == DENIAL_REASON_MIX:
        direction = "up"  # the share of the leading reason
    best: tuple[ChangePoint, str] | None = None
    for basis in BASES:
        days = getattr(data.cols, basis)[lines]
        point = rank_change_point(days, values[lines], direction)
        if point is not None and (best is None or point.p_value < best[0].p_value):
            best = (point, basis)
    basis = best[1] if best else "decision_date"
    weekly = weekly_series(
        getattr(data.cols, basis)[lines],
        values[lines],
        first_day=data.windows.baseline.start,
        last_day=data.windows.as_of,
        statistic="median" if statistic == "median" else "mean",
    )
    return DriftEvidence(
        method=test.outcome.method,
        change_day=min(best[0].day, data.windows.as_of) if best else None,
        change_basis=basis if best else None,
        change_p_value=best[0].p_value if best else None,
        weekly=weekly,
        cells=cells,
        companions=companions,
        view=test.view,
    )


def revenue_impact(data: DriftData, test: DriftTest) -> float:
    """Dollars per month the change costs the office at current volume (negative: gains).

    Denial rate: extra denied lines a month times what a paid line of the group paid
    in the baseline. Allowed per unit: what the current month's allowed would have
    been at baseline rates, minus what it is. Paid-to-allowed: the lost share of the
    current month's allowed dollars. A reason-mix shift alone moves no money.
    """
    cols = data.cols
    mine = cols.payer == test.payer
    if test.cpt is not None:
        mine = data.cell == test.payer * data.n_codes + test.cpt
    months = data.windows.months_per_current
    current = mine & data.all_decided_in(data.windows.current)
    if test.metric == DENIAL_RATE:
        paid_lines = mine & data.all_decided_in(data.windows.baseline) & data.outcomes.paid
        per_line = float(cols.paid_cents[paid_lines].mean()) / 100.0 if paid_lines.any() else 0.0
        return round(test.effect * int(current.sum()) / months * per_line, 2)
    allowed = current & ~data.outcomes.denied & (cols.allowed_cents != MISSING)
    monthly = float(cols.allowed_cents[allowed].sum()) / 100.0 / months
    if test.metric == ALLOWED_PER_UNIT:
        return round(-test.effect / (1.0 + test.effect) * monthly, 2)
    if test.metric == PAID_TO_ALLOWED:
        return round(-test.effect * monthly, 2)
    return 0.0
