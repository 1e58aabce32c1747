"""Random scenarios for accuracy benchmarks: a few changes of random kinds, sizes and places.

Each seed gives a different set of changes on the busier payers and codes (so that a
detector has data to find them with), starting 35–75 days before ``as_of``. Sizes are
drawn from ranges a billing office would care about; ``size_scale`` shrinks or grows
them to trace how detection depends on effect size.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from desktop.demo import catalog
from desktop.demo.config import ChangeKind, DemoConfig, InjectedChange, add_months

SIZE_RANGES: dict[ChangeKind, tuple[float, float]] = {
    ChangeKind.DENIAL_RATE: (0.08, 0.2),
    ChangeKind.ALLOWED_PER_UNIT: (-0.25, -0.08),
    ChangeKind.PAID_TO_ALLOWED: (-0.2, -0.08),
    ChangeKind.DENIAL_REASON_MIX: (0.4, 0.8),
    ChangeKind.PAYMENT_LAG: (7.0, 20.0),
}
NEW_REASONS = ("CO-197", "CO-16", "CO-50", "CO-4", "PI-204", "CO-252", "CO-11")
BUSY_PAYERS = 8  # changes go to the payers of the first volume ranks …
BUSY_CODES = 12  # … and, for a single code, to the most common codes


def random_changes(
    seed: int,
    as_of: date,
    *,
    count: int = 3,
    months: int = 12,
    n_payers: int = catalog.DEFAULT_PAYERS,
    n_codes: int = catalog.DEFAULT_CODES,
    size_scale: float = 1.0,
) -> tuple[InjectedChange, ...]:
    """``count`` changes, at most one per payer, drawn from ``seed`` alone."""
    rng = np.random.default_rng([seed, 0x5343454E])  # "SCEN"
    payers = catalog.payer_names(n_payers)[:BUSY_PAYERS]
    codes = catalog.procedure_codes(n_codes)[:BUSY_CODES]
    if count > len(payers):
        raise ValueError(f"at most {len(payers)} changes, one per busy payer, not {count}")
    span = (as_of - add_months(as_of, -months)).days
    kinds = list(ChangeKind)
    changes = []
    for payer in rng.permutation(len(payers))[:count].tolist():
        kind = kinds[int(rng.integers(len(kinds)))]
        low, high = SIZE_RANGES[kind]
        size = round(_valid_size(kind, float(rng.uniform(low, high)) * size_scale), 4)
        days_before = min(int(rng.integers(35, 76)), max(span // 2, 1))
        payer_wide = kind is ChangeKind.PAYMENT_LAG or rng.random() < 0.35
        cpt = None if payer_wide else codes[int(rng.integers(len(codes)))]
        reason = NEW_REASONS[int(rng.integers(len(NEW_REASONS)))]
        changes.append(
            InjectedChange(
                kind,
                payers[payer],
                as_of - timedelta(days=days_before),
                size,
                cpt=cpt,
                new_reason=reason
                if kind in (ChangeKind.DENIAL_RATE, ChangeKind.DENIAL_REASON_MIX)
                else None,
            )
        )
    return tuple(changes)


def _valid_size(kind: ChangeKind, size: float) -> float:
    """A scaled size kept inside what ``InjectedChange.validate`` accepts."""
    if kind is ChangeKind.DENIAL_RATE:
        return min(size, 0.9)
    if kind is ChangeKind.DENIAL_REASON_MIX:
        return min(size, 1.0)
    if kind is ChangeKind.PAYMENT_LAG:
        return min(size, 120.0)
    return max(size, -0.95)


def random_scenario(
    seed: int,
    lines: int = 100_000,
    months: int = 12,
    as_of: date | None = None,
    *,
    count: int = 3,
    n_payers: int = catalog.DEFAULT_PAYERS,
    n_codes: int = catalog.DEFAULT_CODES,
    size_scale: float = 1.0,
) -> DemoConfig:
    """A config whose data and changes both follow from ``seed``."""
    day = as_of or date.today()
    return DemoConfig(
        seed=seed,
        lines=lines,
        months=months,
        as_of=day,
        n_payers=n_payers,
        n_codes=n_codes,
        changes=random_changes(
            seed,
            day,
            count=count,
            months=months,
            n_payers=n_payers,
            n_codes=n_codes,
            size_scale=size_scale,
        ),
    )
