"""How payers decide each line: denial and its reason, allowed amount, patient share, payment.

Every line gets a latent decision, even one whose remittance lies after ``as_of``;
``generate`` then hides what the office cannot know yet at ``as_of``. Injected changes
act here, on the lines whose date of service is on or after their start, and each
records the population value of its metric before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.demo import catalog
from desktop.demo.claims import Lines
from desktop.demo.config import ChangeKind, DateBasis, DemoConfig, InjectedChange
from desktop.demo.dataset import I8, I32, I64, Bools, ClaimTable, to_day
from desktop.demo.market import CLAIM_REASONS, Market
from desktop.demo.sampling import draw_by_row
from desktop.store.models.claims import ClaimStatus


@dataclass
class ChangeEffect:
    """What one change touched and the value of its metric there, before and after."""

    change: InjectedChange
    touched: Bools  # lines in the change's cells, any date
    after_start: Bools  # of those, the ones on or after the start
    before_value: float
    after_value: float


@dataclass
class Decisions:
    """Latent per-line outcome (before censoring), amounts in cents."""

    reasons: tuple[str, ...]  # vocabulary of denial reasons
    rarc_options: tuple[tuple[str, ...], ...]  # remark codes that go with each reason
    denied: Bools
    reason: I32  # index into ``reasons`` or -1
    reduction_reason: I32  # index into catalog.REDUCTION_REASONS or -1
    allowed: I64
    paid: I64
    deductible: I64
    coinsurance: I64
    copay: I64
    reduction: I64
    effects: list[ChangeEffect]


def reason_vocabulary(config: DemoConfig) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    options: dict[str, list[str]] = {}
    for code, _, rarcs in (*catalog.DENIAL_REASONS, *CLAIM_REASONS):
        known = options.setdefault(code, [])
        known.extend(r for r in rarcs if r not in known)
    for change in config.changes:
        if change.new_reason is not None:
            options.setdefault(change.new_reason, [])
    return tuple(options), tuple(tuple(v) for v in options.values())


@dataclass(frozen=True)
class _Reach:
    """Where a change acts: its payer and code, its lines, and those from its start on."""

    payer: int
    code: int | None
    touched: Bools
    active: Bools

    @classmethod
    def of(cls, change: InjectedChange, market: Market, claims: ClaimTable, lines: Lines) -> _Reach:
        payer = [p.name for p in market.payers].index(change.payer)
        code = None if change.cpt is None else [c.code for c in market.codes].index(change.cpt)
        touched: Bools = lines.payer == payer
        if code is not None:
            touched &= lines.cpt == code
        day = line_dates(change.basis, claims, lines)
        return cls(payer, code, touched, touched & (day >= to_day(change.start)))

    def effect(self, change: InjectedChange, before: float, after: float) -> ChangeEffect:
        return ChangeEffect(change, self.touched, self.active, float(before), float(after))


def line_dates(basis: DateBasis, claims: ClaimTable, lines: Lines) -> I32:
    """Each line's date on ``basis`` (the decision date is the latent remittance day)."""
    if basis is DateBasis.SUBMITTED_DATE:
        return lines.submitted
    if basis is DateBasis.DECISION_DATE:
        return claims.remittance[lines.claim]
    return lines.date_of_service


@dataclass
class _Denials:
    denied: Bools
    reason: I32  # index into the reason vocabulary, -1 when not denied
    line_reason: I32  # the reason each line would get from its payer's usual mix
    probability: npt.NDArray[np.float64]  # each line's baseline chance of denial


def decide(
    rng: np.random.Generator,
    config: DemoConfig,
    market: Market,
    claims: ClaimTable,
    lines: Lines,
) -> Decisions:
    reasons, rarc_options = reason_vocabulary(config)
    denials = _baseline_denials(rng, market, claims, lines, reasons)
    effects = [
        _change_denials(
            rng, change, _Reach.of(change, market, claims, lines), market, denials, reasons
        )
        for change in config.changes
        if change.kind in (ChangeKind.DENIAL_RATE, ChangeKind.DENIAL_REASON_MIX)
    ]
    denied = denials.denied

    allowed_factor = np.exp(rng.normal(0.0, config.knobs.allowed_noise, len(denied)))
    for change in config.changes:
        if change.kind is ChangeKind.ALLOWED_PER_UNIT:
            reach = _Reach.of(change, market, claims, lines)
            allowed_factor[reach.active] *= 1.0 + change.size
            weight, fee = _cells(market, reach.payer, reach.code, market.fee_cents)
            before = float((weight * fee).sum()) / 100.0
            effects.append(reach.effect(change, before, before * (1.0 + change.size)))
    fee_cents = market.fee_cents[lines.payer, lines.cpt]
    allowed = np.minimum(np.round(fee_cents * lines.units * allowed_factor), lines.billed_cents)
    allowed = allowed.astype(np.int64)
    deductible, copay, coinsurance, remaining = _patient_share(rng, market, lines, allowed)
    reduction_reason, reduction = _reductions(rng, market, lines, denied, remaining)
    paid = remaining - reduction

    for change in config.changes:
        if change.kind is ChangeKind.PAID_TO_ALLOWED:
            reach = _Reach.of(change, market, claims, lines)
            counted = reach.touched & ~denied
            ratio = float(paid[counted].sum() / max(int(allowed[counted].sum()), 1))
            # The payer pays less of what it allows; the patient is billed the rest.
            shifted = np.round(paid * -change.size).astype(np.int64)
            shifted[~(reach.active & ~denied)] = 0
            coinsurance += shifted
            paid -= shifted
            effects.append(reach.effect(change, ratio, ratio * (1.0 + change.size)))

    def unless_denied(values: I64) -> I64:
        kept: I64 = np.where(denied, 0, values).astype(np.int64)
        return kept

    return Decisions(
        reasons=reasons,
        rarc_options=rarc_options,
        denied=denied,
        reason=np.where(denied, denials.reason, -1).astype(np.int32),
        reduction_reason=np.where(denied, -1, reduction_reason).astype(np.int32),
        allowed=unless_denied(allowed),
        paid=unless_denied(paid),
        deductible=unless_denied(deductible),
        coinsurance=unless_denied(coinsurance),
        copay=unless_denied(copay),
        reduction=unless_denied(reduction),
        effects=effects,
    )


def _baseline_denials(
    rng: np.random.Generator,
    market: Market,
    claims: ClaimTable,
    lines: Lines,
    reasons: tuple[str, ...],
) -> _Denials:
    """A few whole claims are denied (missing information, coverage ended …), then lines."""
    line_reasons = np.array([reasons.index(c) for c, _, _ in catalog.DENIAL_REASONS])
    claim_reasons = np.array([reasons.index(c) for c, _, _ in CLAIM_REASONS])
    claim_q = market.claim_denial_rate[claims.payer]
    claim_denied = rng.random(len(claims)) < claim_q
    claim_reason = claim_reasons[draw_by_row(rng, claims.payer, market.claim_reason_mix)]
    line_p = market.denial_rate[lines.payer, lines.cpt]
    line_denied = rng.random(len(lines.claim)) < line_p
    line_reason = line_reasons[draw_by_row(rng, lines.payer, market.reason_mix)]
    by_claim = claim_denied[lines.claim]
    reason = np.where(by_claim, claim_reason[lines.claim], np.where(line_denied, line_reason, -1))
    return _Denials(
        denied=by_claim | line_denied,
        reason=reason.astype(np.int32),
        line_reason=line_reason.astype(np.int32),
        probability=1.0 - (1.0 - claim_q[lines.claim]) * (1.0 - line_p),
    )


def _change_denials(
    rng: np.random.Generator,
    change: InjectedChange,
    reach: _Reach,
    market: Market,
    denials: _Denials,
    reasons: tuple[str, ...],
) -> ChangeEffect:
    """Apply a denial-rate or reason-mix change to ``denials`` in place."""
    u = rng.random(len(denials.denied))
    denied, reason = denials.denied, denials.reason
    if change.kind is ChangeKind.DENIAL_REASON_MIX:
        new = reasons.index(change.new_reason or "")
        pool = reach.touched & denied
        share = float((reason[pool] == new).mean()) if pool.any() else 0.0
        reason[reach.active & denied & (u < change.size)] = new
        return reach.effect(change, share, share + (1.0 - share) * change.size)
    if change.size >= 0:
        # Deny more of the lines the payer used to accept, so the rate rises by ``size``.
        extra = np.clip(change.size / (1.0 - denials.probability), 0.0, 1.0)
        newly = reach.active & ~denied & (u < extra)
        denied |= newly
        if change.new_reason is None:
            reason[newly] = denials.line_reason[newly]
        else:
            reason[newly] = reasons.index(change.new_reason)
    else:
        drop = np.clip(-change.size / denials.probability, 0.0, 1.0)
        cleared = reach.active & denied & (u < drop)
        denied &= ~cleared
        reason[cleared] = -1
    weight, rate = _cells(market, reach.payer, reach.code, market.cell_denial_rate)
    before = float((weight * rate).sum())
    return reach.effect(change, before, float((weight * np.clip(rate + change.size, 0, 1)).sum()))


def _reductions(
    rng: np.random.Generator, market: Market, lines: Lines, denied: Bools, remaining: I64
) -> tuple[I32, I64]:
    """A few paid lines are cut by a payer rule (status partial): reason index and cents."""
    n = len(denied)
    chance = rng.random(n) < market.partial_rate[lines.payer]
    partial = ~denied & chance & (remaining > 0)  # a cut needs something left to cut
    shares = np.array([share for _, share, _ in catalog.REDUCTION_REASONS])
    drawn = rng.choice(len(shares), size=n, p=shares / shares.sum())
    reason = np.where(partial, drawn, -1).astype(np.int32)
    cut = np.clip(np.round(remaining * rng.uniform(0.25, 0.5, n)), 1, None).astype(np.int64)
    return reason, np.where(partial, np.minimum(cut, remaining), 0).astype(np.int64)


def _cells(
    market: Market, payer: int, code: int | None, values: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Volume weights and values of a change's cells: one code, or all codes of the payer."""
    if code is not None:
        return np.ones(1), values[payer, code : code + 1]
    return market.code_given_payer[payer], values[payer]


def _patient_share(
    rng: np.random.Generator, market: Market, lines: Lines, allowed: I64
) -> tuple[I64, I64, I64, I64]:
    """Deductible (PR-1), copay (PR-3), coinsurance (PR-2), and what is left for the payer."""
    n = len(allowed)
    payer = lines.payer
    remaining = allowed.copy()
    has_deductible = rng.random(n) < market.deductible_rate[payer]
    deductible = np.where(has_deductible, np.round(remaining * rng.uniform(0.3, 1.0, n)), 0).astype(
        np.int64
    )
    remaining -= deductible
    families = np.array([c.family is catalog.CodeFamily.EVALUATION for c in market.codes])
    has_copay = families[lines.cpt] & (rng.random(n) < market.copay_rate[payer])
    copay = np.where(has_copay, np.minimum(market.copay_cents[payer], remaining), 0)
    copay = copay.astype(np.int64)
    remaining -= copay
    has_coinsurance = rng.random(n) < market.coinsurance_rate[payer]
    coinsurance = np.where(
        has_coinsurance, np.round(remaining * market.coinsurance_share[payer]), 0
    ).astype(np.int64)
    remaining -= coinsurance
    return deductible, copay, coinsurance, remaining


def status_of(decisions: Decisions) -> I8:
    """Latent status: denied, partial (a paid line cut by a payer rule) or paid."""
    status = np.full(len(decisions.denied), ClaimStatus.PAID, dtype=np.int8)
    status[decisions.reduction_reason >= 0] = ClaimStatus.PARTIAL
    status[decisions.denied] = ClaimStatus.DENIED
    return status
