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

from desktop.engines.columns import ClaimColumns
from desktop.engines.delay_config import DelayConfig
from desktop.engines.windows import Mask, Outcomes

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
    age = as_of - cols.submitted_date
    bucket = np.searchsorted(np.asarray(config.aging_edges), age, side="left")
    labels = bucket_labels(config.aging_edges)
    n_buckets = len(labels)
    out = []
    for payer, name in enumerate(cols.payer_names):
        mine = open_lines & (cols.payer == payer)
        if not mine.any():
            continue
        counts = np.bincount(bucket[mine], minlength=n_buckets)
        billed = np.bincount(bucket[mine], weights=cols.billed_cents[mine], minlength=n_buckets)
        out.append(
            PayerAging(
                name,
                tuple(
                    AgingBucket(label, int(c), round(float(b) / 100.0, 2))
                    for label, c, b in zip(labels, counts, billed, strict=True)
                ),
            )
        )
    out.sort(key=lambda row: -row.billed)
    return tuple(out)


def timely_filing(cols: ClaimColumns, as_of: int, config: DelayConfig) -> tuple[FilingRisk, ...]:
    """Per payer: lines to send again whose filing limit is near (or gone)."""
    outcomes = Outcomes.at(cols, as_of)
    sent = cols.submitted_date <= as_of
    stale = sent & ~outcomes.decided & (as_of - cols.submitted_date > STALE_AFTER_DAYS)
    to_resend: Mask = (sent & outcomes.denied & ~outcomes.paid) | stale
    out = []
    for payer, name in enumerate(cols.payer_names):
        mine = to_resend & (cols.payer == payer)
        if not mine.any():
            continue
        limit = config.filing_limit(name)
        left = cols.date_of_service[mine].astype(np.int64) + limit - as_of
        billed = cols.billed_cents[mine] / 100.0
        due = (left >= 0) & (left <= config.timely_filing_warn_days)
        past = left < 0
        if due.any() or past.any():
            out.append(
                FilingRisk(
                    name,
                    limit,
                    int(due.sum()),
                    round(float(billed[due].sum()), 2),
                    int(past.sum()),
                    round(float(billed[past].sum()), 2),
                )
            )
    out.sort(key=lambda r: (-r.due_soon_billed, -r.past_billed))
    return tuple(out)
