"""How payers decide each line: denial and its reason, allowed amount, patient share, payment.

Every line gets a latent decision, even one whose remittance lies after ``as_of``;
censoring (``censor``) then hides what the office cannot know yet. Injected changes
act here, on the lines whose date of service (or submission, for lags) is on or after
their start, and each records the population value of its metric before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.demo import catalog
from desktop.demo.claims import Lines
from desktop.demo.config import ChangeKind, DemoConfig, InjectedChange
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


def _touched(lines: Lines, payer_index: int, code_index: int | None) -> Bools:
    mask: Bools = lines.payer == payer_index
    if code_index is not None:
        mask &= lines.cpt == code_index
    return mask


def decide(
    rng: np.random.Generator,
    config: DemoConfig,
    market: Market,
    claims: ClaimTable,
    lines: Lines,
) -> Decisions:
    n = len(lines.claim)
    reasons, rarc_options = reason_vocabulary(config)
    payer_names = [p.name for p in market.payers]
    code_names = [c.code for c in market.codes]
    line_reason_index = np.array([reasons.index(c) for c, _, _ in catalog.DENIAL_REASONS])
    claim_reason_index = np.array([reasons.index(c) for c, _, _ in CLAIM_REASONS])

    def indexes(change: InjectedChange) -> tuple[int, int | None]:
        code = None if change.cpt is None else code_names.index(change.cpt)
        return payer_names.index(change.payer), code

    def on_or_after(change: InjectedChange) -> Bools:
        day = lines.submitted if change.kind is ChangeKind.PAYMENT_LAG else lines.date_of_service
        return day >= to_day(change.start)

    # Denials: a few whole claims (missing information, coverage ended …), then lines.
    claim_q = market.claim_denial_rate[claims.payer]
    claim_denied = rng.random(len(claims)) < claim_q
    claim_reason = claim_reason_index[draw_by_row(rng, claims.payer, market.claim_reason_mix)]
    line_p = market.denial_rate[lines.payer, lines.cpt]
    line_denied = rng.random(n) < line_p
    line_reason = line_reason_index[draw_by_row(rng, lines.payer, market.reason_mix)]
    by_claim = claim_denied[lines.claim]
    denied = by_claim | line_denied
    reason = np.where(by_claim, claim_reason[lines.claim], np.where(line_denied, line_reason, -1))
    reason = reason.astype(np.int32)
    baseline_rate = 1.0 - (1.0 - claim_q[lines.claim]) * (1.0 - line_p)

    effects: list[ChangeEffect] = []
    for change in config.changes:
        payer_index, code_index = indexes(change)
        touched = _touched(lines, payer_index, code_index)
        active = touched & on_or_after(change)
        u = rng.random(n)
        if change.kind is ChangeKind.DENIAL_RATE:
            if change.size >= 0:
                extra = np.clip(change.size / (1.0 - baseline_rate), 0.0, 1.0)
                newly = active & ~denied & (u < extra)
                denied |= newly
                if change.new_reason is None:
                    reason[newly] = line_reason[newly]
                else:
                    reason[newly] = reasons.index(change.new_reason)
            else:
                drop = np.clip(-change.size / baseline_rate, 0.0, 1.0)
                cleared = active & denied & (u < drop)
                denied &= ~cleared
                reason[cleared] = -1
            weight, cell_rate = _cells(market, payer_index, code_index, market.cell_denial_rate)
            before_rate = float((weight * cell_rate).sum())
            after_rate = float((weight * np.clip(cell_rate + change.size, 0.0, 1.0)).sum())
            effects.append(_effect(change, touched, active, before_rate, after_rate))
        elif change.kind is ChangeKind.DENIAL_REASON_MIX:
            new = reasons.index(change.new_reason or "")
            pool = touched & denied
            share = float((reason[pool] == new).mean()) if pool.any() else 0.0
            reason[active & denied & (u < change.size)] = new
            after_share = share + (1.0 - share) * change.size
            effects.append(_effect(change, touched, active, share, after_share))

    # Amounts for lines that are not denied.
    allowed_factor = np.exp(rng.normal(0.0, config.knobs.allowed_noise, n))
    fee = market.fee_cents[lines.payer, lines.cpt]
    for change in config.changes:
        if change.kind is ChangeKind.ALLOWED_PER_UNIT:
            payer_index, code_index = indexes(change)
            touched = _touched(lines, payer_index, code_index)
            active = touched & on_or_after(change)
            allowed_factor[active] *= 1.0 + change.size
            weight, cell_fee = _cells(market, payer_index, code_index, market.fee_cents)
            fee_before = float((weight * cell_fee).sum()) / 100.0
            effects.append(
                _effect(change, touched, active, fee_before, fee_before * (1.0 + change.size))
            )
    allowed = np.minimum(np.round(fee * lines.units * allowed_factor), lines.billed_cents)
    allowed = allowed.astype(np.int64)
    deductible, copay, coinsurance, remaining = _patient_share(rng, market, lines, allowed)

    partial = ~denied & (rng.random(n) < market.partial_rate[lines.payer])
    reduction_reason = np.where(
        partial, rng.choice(len(catalog.REDUCTION_REASONS), size=n, p=_shares()), -1
    ).astype(np.int32)
    reduction = np.where(partial, np.round(remaining * rng.uniform(0.25, 0.5, n)), 0).astype(
        np.int64
    )
    paid = remaining - reduction

    for change in config.changes:
        if change.kind is ChangeKind.PAID_TO_ALLOWED:
            payer_index, code_index = indexes(change)
            touched = _touched(lines, payer_index, code_index)
            active = touched & on_or_after(change)
            counted = touched & ~denied
            ratio = float(paid[counted].sum() / max(int(allowed[counted].sum()), 1))
            shifted = np.where(active & ~denied, np.round(paid * -change.size), 0).astype(np.int64)
            coinsurance += shifted
            paid -= shifted
            effects.append(_effect(change, touched, active, ratio, ratio * (1.0 + change.size)))

    zero = np.zeros(n, dtype=np.int64)
    return Decisions(
        reasons=reasons,
        rarc_options=rarc_options,
        denied=denied,
        reason=np.where(denied, reason, -1).astype(np.int32),
        reduction_reason=np.where(denied, -1, reduction_reason).astype(np.int32),
        allowed=np.where(denied, zero, allowed),
        paid=np.where(denied, zero, paid),
        deductible=np.where(denied, zero, deductible),
        coinsurance=np.where(denied, zero, coinsurance),
        copay=np.where(denied, zero, copay),
        reduction=np.where(denied, zero, reduction),
        effects=effects,
    )


def _cells(
    market: Market, payer: int, code: int | None, values: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Volume weights and values of a change's cells: one code, or all codes of the payer."""
    if code is not None:
        return np.ones(1), values[payer, code : code + 1]
    return market.code_given_payer[payer], values[payer]


def _effect(
    change: InjectedChange, touched: Bools, active: Bools, before: float, after: float
) -> ChangeEffect:
    return ChangeEffect(change, touched, active, float(before), float(after))


def _shares() -> npt.NDArray[np.float64]:
    shares = np.array([share for _, share, _ in catalog.REDUCTION_REASONS])
    normalised: npt.NDArray[np.float64] = shares / shares.sum()
    return normalised


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
