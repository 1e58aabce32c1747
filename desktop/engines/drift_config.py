"""DriftWatch's settings: what counts as enough data and as a change worth reading.

A finding needs all three: a q-value at or below ``q_level`` (Benjamini-Hochberg over
every test of the run), the minimum volume in both windows (checked before testing),
and an effect at least the floor of its metric, so that a significant but trivial
change (a 1 % fee update on a busy code) is not a finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from desktop.errors import InvalidInput


@dataclass(frozen=True)
class DriftConfig:
    q_level: float = 0.05
    # Only changes that cost the office (denials up, amounts down) are tested, one-sided;
    # False tests both directions.
    adverse_only: bool = True
    # Minimum volume, per group and window.
    min_decided_baseline: int = 60  # decided lines (denial rate)
    min_decided_current: int = 30
    min_events: int = 5  # denials in both windows together
    min_amounts_baseline: int = 30  # paid lines with an allowed amount
    min_amounts_current: int = 15
    min_denied_baseline: int = 20  # denied lines with a reason (reason mix)
    min_denied_current: int = 15
    # Minimum effect.
    min_denial_rate_change: float = 0.03  # absolute: 3 points
    min_allowed_change: float = 0.05  # relative change of the median allowed per unit
    min_paid_to_allowed_change: float = 0.03  # absolute change of paid / allowed
    min_reason_mix_shift: float = 0.15  # total variation distance between the mixes
    top_reasons: int = 3
    # Severity from the estimated revenue impact per month (dollars).
    high_impact: float = 5_000.0
    medium_impact: float = 1_000.0

    def __post_init__(self) -> None:
        if not 0.0 < self.q_level < 1.0:
            raise InvalidInput(f"q_level is between 0 and 1, not {self.q_level}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise InvalidInput(f"{f.name} cannot be negative ({value})")

    def updated(self, overrides: Mapping[str, Any]) -> DriftConfig:
        """A copy with ``overrides`` applied; unknown names are refused, not ignored."""
        return replace(self, **checked_overrides(self, overrides))

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def checked_overrides(config: Any, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``overrides`` for a config dataclass, each name known and each value of its type."""
    known = {f.name: type(getattr(config, f.name)) for f in fields(config)}
    out: dict[str, Any] = {}
    for name, given in overrides.items():
        if name not in known:
            raise InvalidInput(f"unknown analysis setting {name!r}; known: {sorted(known)}")
        wanted = known[name]
        value = given
        if wanted is float and isinstance(given, int) and not isinstance(given, bool):
            value = float(given)
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            raise InvalidInput(f"analysis setting {name} must be {wanted.__name__}, not {given!r}")
        out[name] = value
    return out
