"""Open accounts receivable by age, and claims whose timely-filing window is closing.

Both are read at as-of. *Open* means submitted, not denied and not paid yet (waiting
on the payer). Timely filing counts from the date of service: a line that must be
sent again (denied, or still undecided long after it was sent, as if the payer never
received it) is *due soon* when its payer's limit falls within the warning days, and
*past* when the limit has gone by.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.engines.columns import ClaimColumns
from desktop.engines.delay_config import DelayConfig
from desktop.engines.windows import Mask, Outcomes

FloatArray = npt.NDArray[np.float64]

STALE_AFTER_DAYS = 45  # undecided this long after submission: probably never received


@dataclass(frozen=True)
class AgingBucket:
    label: str
    lines: int
    billed: float  # dollars

    def as_dict(self) -> dict[str, object]:
        return {"bucket": self.label, "lines": self.lines, "billed": self.billed}


@dataclass(frozen=True)
class PayerAging:
    payer: str
    buckets: tuple[AgingBucket, ...]

    @property
    def lines(self) -> int:
        return sum(b.lines for b in self.buckets)

    @property
    def billed(self) -> float:
        return round(sum(b.billed for b in self.buckets), 2)


@dataclass(frozen=True)
class FilingRisk:
    payer: str
    limit_days: int
    due_soon_lines: int
    due_soon_billed: float
    past_lines: int
    past_billed: float

    def as_dict(self) -> dict[str, object]:
        return {
            "payer": self.payer,
            "limit_days": self.limit_days,
            "due_soon": {"lines": self.due_soon_lines, "billed": self.due_soon_billed},
            "past": {"lines": self.past_lines, "billed": self.past_billed},
        }


def bucket_labels(edges: tuple[int, ...]) -> tuple[str, ...]:
    """(30, 60, 90, 120) -> 0-30, 31-60, 61-90, 91-120, 120+."""
    labels = [f"0-{edges[0]}"]
    labels += [f"{a + 1}-{b}" for a, b in zip(edges, edges[1:], strict=False)]
    labels.append(f"{edges[-1]}+")
    return tuple(labels)


def open_ar_aging(cols: ClaimColumns, as_of: int, config: DelayConfig) -> tuple[PayerAging, ...]:
    """Open lines per payer and age bucket (days since submission), with billed dollars."""
    outcomes = Outcomes.at(cols, as_of)
    open_lines = (cols.submitted_date <= as_of) & ~outcomes.denied & ~outcomes.paid
    labels = bucket_labels(config.aging_edges)
    n_payers, n_buckets = len(cols.payer_names), len(labels)
    age = as_of - cols.submitted_date[open_lines]
    bucket = np.searchsorted(np.asarray(config.aging_edges), age, side="left")
    key = cols.payer[open_lines].astype(np.int64) * n_buckets + bucket
    size = n_payers * n_buckets
    counts = np.bincount(key, minlength=size).reshape(n_payers, n_buckets)
    billed = np.bincount(key, weights=cols.billed_cents[open_lines], minlength=size).reshape(
        n_payers, n_buckets
    )
    out = [
        PayerAging(
            name,
            tuple(
                AgingBucket(label, int(c), round(float(b) / 100.0, 2))
                for label, c, b in zip(labels, counts[payer], billed[payer], strict=True)
            ),
        )
        for payer, name in enumerate(cols.payer_names)
        if counts[payer].any()
    ]
    out.sort(key=lambda row: -row.billed)
    return tuple(out)


def timely_filing(cols: ClaimColumns, as_of: int, config: DelayConfig) -> tuple[FilingRisk, ...]:
    """Per payer: lines to send again whose filing limit is near (or gone)."""
    outcomes = Outcomes.at(cols, as_of)
    sent = cols.submitted_date <= as_of
    stale = sent & ~outcomes.decided & (as_of - cols.submitted_date > STALE_AFTER_DAYS)
    to_resend: Mask = (sent & outcomes.denied & ~outcomes.paid) | stale
    limits = np.array([config.filing_limit(name) for name in cols.payer_names], np.int64)
    payer = cols.payer[to_resend].astype(np.int64)
    left = cols.date_of_service[to_resend].astype(np.int64) + limits[payer] - as_of
    billed = cols.billed_cents[to_resend] / 100.0
    due = (left >= 0) & (left <= config.timely_filing_warn_days)
    past = left < 0
    n_payers = len(cols.payer_names)

    def per_payer(mask: Mask, weights: FloatArray | None = None) -> FloatArray:
        counted: FloatArray = np.bincount(
            payer[mask], weights=None if weights is None else weights[mask], minlength=n_payers
        ).astype(np.float64)
        return counted

    due_n, due_billed = per_payer(due), per_payer(due, billed)
    past_n, past_billed = per_payer(past), per_payer(past, billed)
    out = [
        FilingRisk(
            name,
            int(limits[p]),
            int(due_n[p]),
            round(float(due_billed[p]), 2),
            int(past_n[p]),
            round(float(past_billed[p]), 2),
        )
        for p, name in enumerate(cols.payer_names)
        if due_n[p] or past_n[p]
    ]
    out.sort(key=lambda r: (-r.due_soon_billed, -r.past_billed))
    return tuple(out)
