"""The lines DriftWatch compares, selected once per run.

Which window a line belongs to: the window that holds its *decision date*. That is
the day its denial, allowed amount and payment became facts, so every line in a
window is fully known; undecided lines are in no window and cannot dilute a denial
rate, and lines decided early (fast denials, say) cannot inflate one, which a window
by date of service restricted to decided lines would allow. A decision-date window
mixes dates of service, so the *start* of a change is estimated separately, on both
date bases (see ``changepoint``).

Per metric, the lines that count (one line per claim and code when claims are known:
the lines of one claim for one code are decided together, one observation):
- ``denial_rate``: decided lines; an event is a denied line.
- ``allowed_per_unit``: decided, not denied, with an allowed amount > 0 and units > 0.
- ``paid_to_allowed``: those of the previous set that carry a paid amount.
- ``denial_reason_mix``: denied lines that carry a reason; payer-wide, each claim and
  reason once (a claim denied as a whole for one reason is one decision).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from desktop.engines import grouping
from desktop.engines.claim_groups import ClaimGroups
from desktop.engines.columns import MISSING, NO_REASON, ClaimColumns
from desktop.engines.windows import AnalysisWindows, Mask, Outcomes, Window

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WindowLines:
    """Masks of the lines of one window, per metric."""

    decided: Mask
    amounts: Mask
    ratios: Mask
    reasons: Mask  # for a cell's reason mix
    payer_reasons: Mask  # for a payer's: each claim and reason once


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
    # The service-date view of decided lines (see ``service_view``): baseline, current.
    by_service: tuple[Mask, Mask]
    # One decided line per claim: payer-wide denial counts.
    one_per_claim: Mask
    _index_cache: dict[int, FloatArray] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def prepare(
        cls, cols: ClaimColumns, windows: AnalysisWindows, claims: ClaimGroups | None = None
    ) -> DriftData:
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
        # Only lines decided since the baseline began can be in a window (in either view:
        # a line served since then was decided since then).
        recent = outcomes.decided & (cols.decision_date >= windows.baseline.start)
        has_reason = recent & outcomes.denied & (cols.denial_reason != NO_REASON)
        counted, payer_reasons, one_per_claim = recent, has_reason, recent
        if cols.claim is not None:
            # Lines of one claim for one code are decided together (a claim denied as
            # a whole denies them all): they are one observation of that cell. For a
            # payer's reasons, a claim denied for one reason is one decision; and
            # payer-wide, a claim denied as a whole must count once, not once per code.
            groups = claims or ClaimGroups.of(cols)
            content = groups.content
            counted = grouping.one_per_group(
                recent, grouping.fingerprint(cols.claim, cell), content
            )
            payer_reasons = grouping.one_per_group(
                has_reason, grouping.fingerprint(cols.claim, cols.denial_reason), content
            )
            one_per_claim = grouping.one_per_group(recent, groups.claim, content)

        def lines_in(window_mask: Mask) -> WindowLines:
            decided = counted & window_mask
            return WindowLines(
                decided=decided,
                amounts=decided & allowed_ok,
                ratios=decided & ratio_ok,
                reasons=decided & has_reason,
                payer_reasons=outcomes.decided & window_mask & payer_reasons,
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
            by_service=service_view(cols, windows, counted),
            one_per_claim=one_per_claim,
        )

    def allowed_index(self, min_lines: int) -> FloatArray:
        """Each amounts line's allowed per unit over its code's baseline median.

        NaN where the code has fewer than ``min_lines`` baseline lines to anchor it.
        Computed once per run (the payer-wide tests, residuals and evidence share it).
        """
        cached = self._index_cache.get(min_lines)
        if cached is None:
            n_cells = self.n_payers * self.n_codes
            b = self.baseline.amounts
            medians = grouping.medians(self.cell[b], self.allowed_per_unit[b], n_cells)
            enough = grouping.counts(self.cell[b], n_cells) >= min_lines
            anchor = np.where(enough, medians, np.nan)
            cached = self.allowed_per_unit / anchor[self.cell]
            self._index_cache[min_lines] = cached
        return cached

    def all_decided_in(self, window: Window) -> Mask:
        """Every line decided in ``window`` (not one per claim and code): for dollars."""
        inside: Mask = self.outcomes.decided & window.contains(self.cols.decision_date)
        return inside

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


def service_view(cols: ClaimColumns, windows: AnalysisWindows, decided: Mask) -> tuple[Mask, Mask]:
    """Decided lines by date of service, the baseline censored like the current window.

    A payer rule that applies by date of service reaches a decision-date window only
    as fast as the payer decides; in the weeks after it starts, the lines served since
    then are the clearest evidence. The current window's lines by date of service are
    those decided by as-of: the quickly decided ones. So that quickly decided lines
    (say, fast denials) cannot pass for a change, a baseline line counts only if it was
    decided within the days a line at the same place in the current window had: the
    same censoring in both windows.
    """
    base, cur = windows.baseline, windows.current
    served = cols.date_of_service.astype(np.int64)
    relative = (served - base.start) / base.days
    follow_up = windows.as_of - (cur.start + np.floor(relative * cur.days))
    lag = cols.decision_date.astype(np.int64) - served
    baseline = decided & base.contains(cols.date_of_service) & (lag <= follow_up)
    current = decided & cur.contains(cols.date_of_service)
    return baseline, current
