"""DelayGuard's settings: cohort sizes, the shifts worth reading, A/R and filing limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from desktop.engines.drift_config import checked_overrides
from desktop.errors import InvalidInput


@dataclass(frozen=True)
class DelayConfig:
    q_level: float = 0.05
    adverse_only: bool = True  # test for slower payment only (one-sided log-rank)
    min_cohort_baseline: int = 50  # lines submitted in the window that can still be paid
    min_cohort_current: int = 30
    min_median_shift_days: float = 4.0
    min_p90_shift_days: float = 7.0
    # A/R buckets by days since submission: upper edges; the last bucket is open.
    aging_edges: tuple[int, ...] = (30, 60, 90, 120)
    timely_filing_days: int = 90  # default filing limit from the date of service
    timely_filing_by_payer: Mapping[str, int] = field(default_factory=dict)
    timely_filing_warn_days: int = 14  # "nearing": the limit falls within this many days
    high_cash_delayed: float = 25_000.0
    medium_cash_delayed: float = 5_000.0
    curve_days: int = 120  # how much of each Kaplan-Meier curve a finding keeps as evidence

    def __post_init__(self) -> None:
        edges = self.aging_edges
        increasing = all(b > a for a, b in zip(edges, edges[1:], strict=False))
        if not edges or not increasing or edges[0] <= 0:
            raise InvalidInput(f"aging edges must be increasing positive days, not {edges}")
        limits = {str(k): int(v) for k, v in self.timely_filing_by_payer.items()}
        if any(v <= 0 for v in limits.values()) or self.timely_filing_days <= 0:
            raise InvalidInput("timely filing limits are positive numbers of days")
        object.__setattr__(self, "timely_filing_by_payer", MappingProxyType(limits))

    def filing_limit(self, payer: str) -> int:
        return self.timely_filing_by_payer.get(payer, self.timely_filing_days)

    def updated(self, overrides: Mapping[str, Any]) -> DelayConfig:
        values = dict(overrides)
        if "aging_edges" in values:
            values["aging_edges"] = tuple(int(v) for v in values["aging_edges"])
        if "timely_filing_by_payer" in values:
            given = values.pop("timely_filing_by_payer")
            if not isinstance(given, Mapping):
                raise InvalidInput("timely_filing_by_payer maps payer names to days")
            return replace(
                self, timely_filing_by_payer=dict(given), **checked_overrides(self, values)
            )
        return replace(self, **checked_overrides(self, values))

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["aging_edges"] = list(self.aging_edges)
        out["timely_filing_by_payer"] = dict(self.timely_filing_by_payer)
        return out
