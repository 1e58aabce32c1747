"""The lines DriftWatch compares, selected once per run.

Which window a line belongs to: the window that holds its *decision date*. That is
the day its denial, allowed amount and payment became facts, so every line in a
window is fully known; undecided lines are in no window and cannot dilute a denial
rate, and lines decided early (fast denials, say) cannot inflate one, which a window
by date of service restricted to decided lines would allow. A decision-date window
mixes dates of service, so the *start* of a change is estimated separately, on both
date bases (see ``changepoint``).

Per metric, the lines that count:
- ``denial_rate``: decided lines; an event is a denied line.
- ``allowed_per_unit``: decided, not denied, with an allowed amount > 0 and units > 0.
- ``paid_to_allowed``: those of the previous set that carry a paid amount.
- ``denial_reason_mix``: denied lines that carry a reason, each claim and reason once
  (a claim denied as a whole for one reason is one decision, not one per line).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.engines import grouping
from desktop.engines.columns import MISSING, NO_REASON, ClaimColumns
from desktop.engines.windows import AnalysisWindows, Mask, Outcomes

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WindowLines:
    """Masks of the lines of one window, per metric."""

    decided: Mask
    amounts: Mask
    ratios: Mask
    reasons: Mask


@dataclass(frozen=True)
class DriftData:
    cols: ClaimColumns
    windows: AnalysisWindows
    outcomes: Outcomes
    cell: IntArray  # payer * n_codes + cpt, per line
    n_codes: int
    allowed_per_unit: FloatArray  # dollars; NaN where not an amounts line
    paid_to_allowed: FloatArray  # NaN where not a ratios line
    baseline: WindowLines
    current: WindowLines
    # Lines that belong to any window's history (decided by as-of, since the baseline
    # start): what the change date and the weekly series are estimated on.
    history: Mask

    @classmethod
    def prepare(cls, cols: ClaimColumns, windows: AnalysisWindows) -> DriftData:
        outcomes = Outcomes.at(cols, windows.as_of)
        n_codes = max(len(cols.cpt_codes), int(cols.cpt.max(initial=-1)) + 1, 1)
        cell = cols.payer.astype(np.int64) * n_codes + cols.cpt
        allowed_ok = (
            outcomes.decided
            & ~outcomes.denied
            & (cols.allowed_cents != MISSING)
            & (cols.allowed_cents > 0)
            & (cols.units > 0)
        )
        ratio_ok = allowed_ok & (cols.paid_cents != MISSING)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_unit = np.where(allowed_ok, cols.allowed_cents / 100.0 / cols.units, np.nan)
            ratio = np.where(ratio_ok, cols.paid_cents / cols.allowed_cents, np.nan)
        reasons_ok = outcomes.denied & (cols.denial_reason != NO_REASON)
        if cols.claim is not None:
            # A whole claim denied for one reason is one decision, not one per line.
            reasons_ok = grouping.first_of_each(reasons_ok, cols.claim, cols.denial_reason)

        def lines_in(window_mask: Mask) -> WindowLines:
            decided = outcomes.decided & window_mask
            return WindowLines(
                decided=decided,
                amounts=decided & allowed_ok,
                ratios=decided & ratio_ok,
                reasons=decided & reasons_ok,
            )

        decision = cols.decision_date
        return cls(
            cols=cols,
            windows=windows,
            outcomes=outcomes,
            cell=cell,
            n_codes=n_codes,
            allowed_per_unit=per_unit,
            paid_to_allowed=ratio,
            baseline=lines_in(windows.baseline.contains(decision)),
            current=lines_in(windows.current.contains(decision)),
            history=outcomes.decided & (decision >= windows.baseline.start),
        )

    @property
    def n_payers(self) -> int:
        return max(len(self.cols.payer_names), int(self.cols.payer.max(initial=-1)) + 1, 1)

    @property
    def n_reasons(self) -> int:
        return max(len(self.cols.reason_codes), int(self.cols.denial_reason.max(initial=-1)) + 1)

    def payer_of_cell(self, cell: int) -> int:
        return cell // self.n_codes

    def cpt_of_cell(self, cell: int) -> int:
        return cell % self.n_codes
