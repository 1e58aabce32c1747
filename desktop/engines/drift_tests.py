"""What DriftWatch tests, and the record of one test.

The tests themselves live in ``drift_denials`` (denial rate and reasons, one combined
test per group) and ``drift_amounts`` (allowed per unit, paid to allowed). A group
(payer x code cell, or payer) is tested on a metric only when it has the minimum
volume in both windows; a test that cannot reach significance would only make every
other test pay for multiplicity. Nothing here decides what is a finding: ``drift``
applies the false discovery rate over every test of the run, the effect-size floors
and the roll-ups.

A test whose effect is below its metric's floor is not run: it gets p = 1, which is a
valid p-value (never below its nominal level under no change), so the run's FDR
control holds and the test still counts towards the multiplicity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop.engines.drift_config import DriftConfig
from desktop.engines.drift_data import FloatArray
from desktop.engines.stats import Alternative, TestOutcome
from desktop.engines.windows import Mask

DENIAL_RATE = "denial_rate"
ALLOWED_PER_UNIT = "allowed_per_unit"
PAID_TO_ALLOWED = "paid_to_allowed"
DENIAL_REASON_MIX = "denial_reason_mix"
METRICS = (DENIAL_RATE, ALLOWED_PER_UNIT, PAID_TO_ALLOWED, DENIAL_REASON_MIX)


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
    view: str = "decision_date"  # which dates put the lines in the windows

    @property
    def direction(self) -> str:
        return "up" if self.effect > 0 else "down"


def alternative_for(config: DriftConfig, adverse: Alternative) -> Alternative:
    return adverse if config.adverse_only else "two-sided"


def passes_floor(effect: FloatArray, floor: float, adverse_sign: int, config: DriftConfig) -> Mask:
    """Which effects pass the floor (in the adverse direction only, unless two-sided)."""
    if config.adverse_only:
        adverse: Mask = effect * adverse_sign >= floor
        return adverse
    either: Mask = np.abs(effect) >= floor
    return either


NOT_TESTED = "not tested: effect below the floor"
