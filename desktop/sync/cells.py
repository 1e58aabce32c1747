"""Aggregate cells: claim lines summed per ISO week x canonical payer x procedure code.

Pure numpy over ``ClaimColumns`` (no SQL, no Qt). Each (week, payer) also gets a
payer-wide cell (``cpt`` None) over all its lines. A line whose code is not a wire
procedure code (five digits or capitals) counts in the payer-wide cell only; the
suppression step treats those lines as one cell that is never sent.

Week is the ISO week of the date of service. Days to pay is paid date minus submitted
date for lines paid by as-of (the delay engine's measure), so the quantiles describe
payments that had arrived when the run looked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.engines.columns import MISSING, ClaimColumns
from desktop.engines.windows import AnalysisWindows, from_day
from desktop.store.models.claims import ClaimStatus

WIRE_CODE = re.compile(r"^[0-9A-Z]{5}$")
MAX_DAYS = 3650.0
# 1970-01-01 was a Thursday: day d is a Monday when (d + 3) % 7 == 0.
_MONDAY_OFFSET = 3


@dataclass(frozen=True)
class Cell:
    """One aggregate cell; ``cpt`` None is the payer-wide cell of its week and payer."""

    week: str
    payer: str
    cpt: str | None
    lines: int
    denied_lines: int
    billed: float
    allowed: float
    paid: float
    days_to_pay_p50: float | None
    days_to_pay_p90: float | None

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.week, self.payer, self.cpt)


@dataclass(frozen=True)
class WeekCells:
    """The cells of one week and payer: its payer-wide cell and its code cells.

    ``unsendable_lines`` counts lines whose code cannot go on the wire: they are in
    the payer-wide cell and in no code cell.
    """

    payer_wide: Cell
    codes: tuple[Cell, ...]
    unsendable_lines: int


def iso_week(day: int) -> str:
    year, week, _ = from_day(day).isocalendar()
    return f"{year}-W{week:02d}"


def week_span(windows: AnalysisWindows) -> tuple[int, int]:
    """Whole ISO weeks covering both windows: partial weeks would send partial totals."""
    first = windows.baseline.start - (windows.baseline.start + _MONDAY_OFFSET) % 7
    last = windows.current.end + 6 - (windows.current.end + _MONDAY_OFFSET) % 7
    return first, last


def build_cells(cols: ClaimColumns, windows: AnalysisWindows) -> list[WeekCells]:
    """Every (week, payer) with lines in the run's weeks, with its cells."""
    first, last = week_span(windows)
    dos = cols.date_of_service
    inside = (dos != MISSING) & (dos >= first) & (dos <= last)
    picked = np.flatnonzero(inside)
    if len(picked) == 0:
        return []
    week_no = (dos[picked] - first) // 7  # 0-based week number in the span
    payer = cols.payer[picked].astype(np.int64)
    code_ok = np.array([bool(WIRE_CODE.match(c)) for c in cols.cpt_codes] + [False], dtype=bool)
    cpt_raw = cols.cpt[picked]
    cpt = np.where((cpt_raw >= 0) & code_ok[np.clip(cpt_raw, 0, len(code_ok) - 1)], cpt_raw, -1)
    n_codes = len(cols.cpt_codes) + 1
    group_key = (week_no.astype(np.int64) * len(cols.payer_names) + payer) * n_codes
    wide = _sums(cols, picked, group_key, windows.as_of)
    code_sums = _sums(cols, picked, group_key + (cpt + 1), windows.as_of)
    by_group: dict[int, list[Cell]] = {}
    unsendable: dict[int, int] = {}
    for key, values in code_sums.items():
        code_index = key % n_codes - 1
        if code_index < 0:
            unsendable[key - key % n_codes] = values.lines
            continue
        by_group.setdefault(key - key % n_codes, []).append(
            values.cell(*_names(cols, key, n_codes, first), cols.cpt_codes[code_index])
        )
    result: list[WeekCells] = []
    for key in sorted(wide):
        week, payer_name = _names(cols, key, n_codes, first)
        codes = tuple(sorted(by_group.get(key, []), key=lambda c: str(c.cpt)))
        result.append(
            WeekCells(wide[key].cell(week, payer_name, None), codes, unsendable.get(key, 0))
        )
    return result


def _names(cols: ClaimColumns, key: int, n_codes: int, first: int) -> tuple[str, str]:
    week_payer = key // n_codes
    week_no, payer = divmod(week_payer, len(cols.payer_names))
    return iso_week(first + 7 * week_no), cols.payer_names[payer]


@dataclass(frozen=True)
class _Sums:
    lines: int
    denied: int
    billed_cents: int
    allowed_cents: int
    paid_cents: int
    p50: float | None
    p90: float | None

    def cell(self, week: str, payer: str, cpt: str | None) -> Cell:
        return Cell(
            week=week,
            payer=payer,
            cpt=cpt,
            lines=self.lines,
            denied_lines=self.denied,
            billed=self.billed_cents / 100,
            allowed=self.allowed_cents / 100,
            paid=self.paid_cents / 100,
            days_to_pay_p50=self.p50,
            days_to_pay_p90=self.p90,
        )


def _sums(
    cols: ClaimColumns, picked: npt.NDArray[np.intp], key: npt.NDArray[np.int64], as_of: int
) -> dict[int, _Sums]:
    keys, group = np.unique(key, return_inverse=True)
    n = len(keys)
    lines = np.bincount(group, minlength=n)
    denied = np.bincount(
        group, weights=(cols.status[picked] == np.int8(ClaimStatus.DENIED)), minlength=n
    )
    money = [_cents_sum(group, getattr(cols, name)[picked], n) for name in _MONEY]
    p50, p90 = _days_quantiles(cols, picked, group, n, as_of)
    return {
        int(k): _Sums(
            int(lines[i]),
            int(denied[i]),
            money[0][i],
            money[1][i],
            money[2][i],
            p50[i],
            p90[i],
        )
        for i, k in enumerate(keys)
    }


_MONEY = ("billed_cents", "allowed_cents", "paid_cents")


def _cents_sum(group: npt.NDArray[np.intp], cents: npt.NDArray[np.int64], n: int) -> list[int]:
    present = cents != MISSING
    total = np.zeros(n, np.int64)
    np.add.at(total, group[present], cents[present])
    return [int(v) for v in total]


def _days_quantiles(
    cols: ClaimColumns,
    picked: npt.NDArray[np.intp],
    group: npt.NDArray[np.intp],
    n: int,
    as_of: int,
) -> tuple[list[float | None], list[float | None]]:
    paid_day = cols.paid_date[picked]
    sent_day = cols.submitted_date[picked]
    ok = (
        (paid_day != MISSING)
        & (sent_day != MISSING)
        & (paid_day <= as_of)
        & (cols.status[picked] != np.int8(ClaimStatus.DENIED))
    )
    days = np.clip((paid_day[ok] - sent_day[ok]).astype(np.float64), 0.0, MAX_DAYS)
    owner = group[ok]
    order = np.lexsort((days, owner))
    days, owner = days[order], owner[order]
    counts = np.bincount(owner, minlength=n)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return _quantile(days, starts, counts, 0.5), _quantile(days, starts, counts, 0.9)


def _quantile(
    days: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    counts: npt.NDArray[np.int64],
    q: float,
) -> list[float | None]:
    """Per-group quantile of sorted values, linear interpolation as ``np.quantile``."""
    out: list[float | None] = []
    for start, count in zip(starts.tolist(), counts.tolist(), strict=True):
        if count == 0:
            out.append(None)
            continue
        pos = q * (count - 1)
        low = int(np.floor(pos))
        high = min(low + 1, count - 1)
        value = days[start + low] + (days[start + high] - days[start + low]) * (pos - low)
        out.append(round(float(value), 3))
    return out
