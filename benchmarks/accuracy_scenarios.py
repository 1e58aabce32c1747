"""Seeded scenarios for the detection-quality benchmark, and how to score a detector.

A *change* scenario injects seven changes on seven different payers: two denial-rate
jumps on single codes (three in ten of them a new claim edit that applies by decision
date, the others a policy by date of service), two allowed-amount cuts (a code,
sometimes a whole payer), a paid-to-allowed drop, a reason-mix shift and a payment-lag
increase, each of a size drawn from several, starting 4 to 12 weeks before as-of. A
*stable* scenario has the same office and no change at all. Cells are picked by volume
from the seed's market, half of them busy (150+ lines a month), half quieter (40-150).

A detection is a (payer, code or None for payer-wide, metric) triple. Scoring:
- a change is *found* when a detection has its payer and metric, on its code, or, for
  a payer-wide change, on the payer or any of its codes; a payer-wide detection that
  lists the changed code among its codes also finds a code change;
- a detection is *true* when it finds some change, or is a side effect of one (the
  reason mix of a denial-rate jump that brought a new reason; the paid-to-allowed
  ratio of an allowed cut, which fixed copays lower); otherwise it is false.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from desktop.demo import ChangeKind, DemoConfig, DemoDataset, InjectedChange, generate
from desktop.demo.catalog import DENIAL_REASONS, payer_names, procedure_codes
from desktop.demo.config import DateBasis
from desktop.demo.market import build_market

N_PAYERS, N_CODES = 24, 120
LINES, MONTHS = 400_000, 7
BUSY = 150.0  # lines a month
QUIET = 40.0
DELAY_METRICS = ("days_to_pay_median", "days_to_pay_p90")


@dataclass(frozen=True)
class Truth:
    payer: str
    cpt: str | None
    metric: str
    size: float
    start: date
    monthly_lines: float  # of the cell (or payer) before the change
    brings_reason: bool  # a denial-rate jump with its own new reason

    @property
    def target(self) -> bool:
        """The changes offices care about most (the brief's F1 target set)."""
        big = (self.metric == "denial_rate" and self.size >= 0.10) or (
            self.metric == "allowed_per_unit" and self.size <= -0.10
        )
        return big and self.monthly_lines >= BUSY


@dataclass(frozen=True)
class Detection:
    payer: str
    cpt: str | None
    metric: str
    codes: tuple[str, ...] = ()  # codes folded into a payer-wide detection
    change_date: date | None = None


def as_of_for(seed: int) -> date:
    return date(2026, 10, 31) - timedelta(days=seed % 7)


def monthly_volumes(seed: int) -> np.ndarray:
    market = build_market(seed, N_PAYERS, N_CODES)
    per_month = LINES / MONTHS
    volumes: np.ndarray = market.payer_share[:, None] * market.code_given_payer * per_month
    return volumes


def change_config(seed: int) -> DemoConfig:
    rng = np.random.default_rng([seed, 0xACC])
    as_of = as_of_for(seed)
    payers, codes = payer_names(N_PAYERS), procedure_codes(N_CODES)
    volumes = monthly_volumes(seed)
    used: set[int] = set()

    def cell(busy: bool) -> tuple[str, str]:
        lo, hi = (BUSY, np.inf) if busy else (QUIET, BUSY)
        options = [
            (p, c)
            for p, c in zip(*np.nonzero((volumes >= lo) & (volumes < hi)), strict=True)
            if p not in used
        ]
        p, c = options[int(rng.integers(len(options)))]
        used.add(int(p))
        return payers[p], codes[c]

    def payer() -> str:
        free = [p for p in range(12) if p not in used]  # payers big enough to see
        p = free[int(rng.integers(len(free)))]
        used.add(p)
        return payers[p]

    def start() -> date:
        return as_of - timedelta(days=int(rng.integers(28, 85)))

    def pick(options: tuple[float, ...]) -> float:
        return float(options[int(rng.integers(len(options)))])

    reasons = [code for code, _, _ in DENIAL_REASONS]
    changes = []
    for busy in (True, bool(rng.random() < 0.5)):
        p, c = cell(busy)
        new_reason = rng.choice(["CO-197", "CO-50", "CO-97", "none"])
        by_decision = rng.random() < 0.3  # a new claim edit, not a policy by date of service
        changes.append(
            InjectedChange(
                ChangeKind.DENIAL_RATE, p, start(), pick((0.05, 0.10, 0.15, 0.20)), cpt=c,
                new_reason=None if new_reason == "none" else str(new_reason),
                applies_by=DateBasis.DECISION_DATE if by_decision else None,
            )
        )  # fmt: skip
    for wide in (False, bool(rng.random() < 0.3)):
        size = pick((-0.05, -0.10, -0.15, -0.25))
        if wide:
            changes.append(InjectedChange(ChangeKind.ALLOWED_PER_UNIT, payer(), start(), size))
        else:
            p, c = cell(bool(rng.random() < 0.6))
            changes.append(InjectedChange(ChangeKind.ALLOWED_PER_UNIT, p, start(), size, cpt=c))
    size = pick((-0.05, -0.10, -0.15))
    if rng.random() < 0.5:
        changes.append(InjectedChange(ChangeKind.PAID_TO_ALLOWED, payer(), start(), size))
    else:
        p, c = cell(True)
        changes.append(InjectedChange(ChangeKind.PAID_TO_ALLOWED, p, start(), size, cpt=c))
    new_reason = reasons[int(rng.integers(len(reasons)))]
    share = pick((0.3, 0.5, 0.7))
    if rng.random() < 0.5:
        changes.append(
            InjectedChange(
                ChangeKind.DENIAL_REASON_MIX, payer(), start(), share, new_reason=new_reason
            )
        )
    else:
        p, c = cell(True)
        changes.append(
            InjectedChange(
                ChangeKind.DENIAL_REASON_MIX, p, start(), share, cpt=c, new_reason=new_reason
            )
        )
    changes.append(InjectedChange(ChangeKind.PAYMENT_LAG, payer(), start(), pick((5, 10, 15))))
    return DemoConfig(
        seed=seed, lines=LINES, months=MONTHS, as_of=as_of, n_payers=N_PAYERS, n_codes=N_CODES
    ).with_changes(*changes)


def stable_config(seed: int) -> DemoConfig:
    return DemoConfig.stable(
        seed=seed, lines=LINES, months=MONTHS, as_of=as_of_for(seed), n_payers=N_PAYERS,
        n_codes=N_CODES,
    )  # fmt: skip


def dataset(config: DemoConfig) -> DemoDataset:
    """The generated data, with each line's claim (as the store's loader provides it)."""
    ds = generate(config)
    claims = ds.text.claim.astype(np.int64)
    return dataclasses.replace(ds, columns=dataclasses.replace(ds.columns, claim=claims))


def truths(ds: DemoDataset) -> list[Truth]:
    cols = ds.columns
    out = []
    for change in ds.truth.changes:
        c = change.change
        mine = cols.payer == cols.payer_names.index(c.payer)
        if c.cpt is not None:
            mine &= cols.cpt == cols.cpt_codes.index(c.cpt)
        day = (c.start - date(1970, 1, 1)).days
        before = mine & (cols.date_of_service >= day - 61) & (cols.date_of_service < day)
        out.append(
            Truth(
                payer=c.payer,
                cpt=c.cpt,
                metric=change.metric,
                size=c.size,
                start=c.start,
                monthly_lines=float(before.sum()) / 2.0,
                brings_reason=c.kind is ChangeKind.DENIAL_RATE and c.new_reason is not None,
            )
        )
    return out


def _same_metric(truth: Truth, metric: str) -> bool:
    if truth.metric in DELAY_METRICS:
        return metric in DELAY_METRICS
    return truth.metric == metric


def finds(d: Detection, t: Truth) -> bool:
    if d.payer != t.payer or not _same_metric(t, d.metric):
        return False
    if t.cpt is None:
        return True
    return d.cpt == t.cpt or (d.cpt is None and t.cpt in d.codes)


def explained(d: Detection, truths_: list[Truth]) -> bool:
    """True detection: it finds a change, or is a side effect of one."""
    for t in truths_:
        if finds(d, t):
            return True
        same_place = d.payer == t.payer and (d.cpt == t.cpt or d.cpt is None or t.cpt is None)
        # A denial jump with its own reason moves the reason mix; an allowed cut raises
        # the patient's share of fixed copays and so lowers paid-to-allowed.
        side_effect = same_place and (
            (t.brings_reason and d.metric == "denial_reason_mix")
            or (t.metric == "allowed_per_unit" and d.metric == "paid_to_allowed")
        )
        if side_effect:
            return True
    return False
