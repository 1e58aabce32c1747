"""``generate(config)``: a whole demo data set in memory, with its truth.

Steps, each with its own module: the market (how each payer behaves), claims and
lines (who, when, what, how much), decisions (denials, amounts, injected changes),
then censoring at ``as_of`` and the text codes a file carries.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from desktop.demo import catalog
from desktop.demo.adjudicate import Decisions, decide, status_of
from desktop.demo.claims import Lines, draw_claims, draw_lines, lines_per_claim
from desktop.demo.config import ChangeKind, DemoConfig
from desktop.demo.dataset import (
    I16,
    I32,
    I64,
    Adjustments,
    Bools,
    ClaimTable,
    DemoDataset,
    LineText,
    to_day,
)
from desktop.demo.market import Market, build_market
from desktop.demo.truth import ChangeTruth, DemoTruth, LagSegment, PayerTruth
from desktop.engines.columns import MISSING, NO_REASON, ClaimColumns, primary_denial_reason
from desktop.store.models.claims import ClaimStatus

METRIC = {
    ChangeKind.DENIAL_RATE: "denial_rate",
    ChangeKind.ALLOWED_PER_UNIT: "allowed_per_unit",
    ChangeKind.PAID_TO_ALLOWED: "paid_to_allowed",
    ChangeKind.DENIAL_REASON_MIX: "denial_reason_mix",
    ChangeKind.PAYMENT_LAG: "days_to_pay_median",
}
RARC_SHARE_DENIED = 0.8  # denied lines that carry a remark code
RARC_SHARE_REDUCED = 0.6


def generate(config: DemoConfig) -> DemoDataset:
    """Generate the data set ``config`` describes; the same config gives the same data."""
    config.validate()
    market = build_market(
        config.seed,
        config.n_payers,
        config.n_codes,
        denial_rate_scale=config.knobs.denial_rate_scale,
        lag_scale=config.knobs.lag_scale,
    )
    rng = np.random.default_rng([config.seed, 0x434C4D53])  # "CLMS"
    counts = lines_per_claim(rng, config)
    claims = draw_claims(rng, config, market, counts)
    lines = draw_lines(rng, market, claims, counts)
    decisions = decide(rng, config, market, claims, lines)

    decided = claims.remittance[lines.claim] <= to_day(config.as_of)
    carc, carc_codes = _adjustment_codes(decisions, lines, decided)
    rarc, rarc_codes = _remark_codes(
        np.random.default_rng([config.seed, 0x52415243]), decisions, decided
    )
    columns = _columns(market, claims, lines, decisions, decided, carc, carc_codes)
    paid_line = decided & ~decisions.denied

    def when(mask: Bools, values: I64) -> I64:
        return np.where(mask, values, 0).astype(np.int64)

    return DemoDataset(
        config=config,
        columns=columns,
        text=LineText(
            claim=lines.claim,
            line_number=lines.line_number,
            modifier=lines.modifier,
            carc=carc,
            rarc=rarc,
            modifiers=catalog.MODIFIERS,
            carc_codes=carc_codes,
            rarc_codes=rarc_codes,
        ),
        adjustments=Adjustments(
            contractual=when(paid_line, lines.billed_cents - decisions.allowed),
            deductible=when(paid_line, decisions.deductible),
            coinsurance=when(paid_line, decisions.coinsurance),
            copay=when(paid_line, decisions.copay),
            reduction=when(paid_line, decisions.reduction),
        ),
        claims=claims,
        payers=market.payers,
        truth=_truth(config, market, claims, lines, decisions),
    )


def _adjustment_codes(
    decisions: Decisions,
    lines: Lines,
    decided: Bools,
) -> tuple[I32, tuple[str, ...]]:
    """Each decided line's ``GROUP-CODE;…`` text: denial or reduction first, then CO-45, PR-*."""
    paid_line = decided & ~decisions.denied
    n_reductions = len(catalog.REDUCTION_REASONS)
    denial = np.where(decided, decisions.reason, -1) + 1
    reduction = np.where(paid_line, decisions.reduction_reason, -1) + 1
    flags = (
        (paid_line & (decisions.allowed < lines.billed_cents)) * 8
        + (paid_line & (decisions.deductible > 0)) * 4
        + (paid_line & (decisions.coinsurance > 0)) * 2
        + (paid_line & (decisions.copay > 0)) * 1
    )
    key = (denial * (n_reductions + 1) + reduction) * 16 + flags
    unique, inverse = np.unique(key, return_inverse=True)
    table = []
    for value in unique.tolist():
        rest, flag = divmod(value, 16)
        denial_index, reduction_index = divmod(rest, n_reductions + 1)
        parts = []
        if denial_index:
            parts.append(decisions.reasons[denial_index - 1])
        if reduction_index:
            parts.append(catalog.REDUCTION_REASONS[reduction_index - 1][0])
        for bit, code in (
            (8, catalog.CONTRACTUAL),
            (4, catalog.DEDUCTIBLE),
            (2, catalog.COINSURANCE),
            (1, catalog.COPAY),
        ):
            if flag & bit:
                parts.append(code)
        table.append(";".join(parts))
    return inverse.astype(np.int32).reshape(-1), tuple(table)


def _remark_codes(
    rng: np.random.Generator,
    decisions: Decisions,
    decided: Bools,
) -> tuple[I16, tuple[str, ...]]:
    vocabulary = [""]
    for options in (*decisions.rarc_options, *(r for _, _, r in catalog.REDUCTION_REASONS)):
        vocabulary.extend(r for r in options if r not in vocabulary)
    n = len(decided)
    rarc = np.zeros(n, dtype=np.int16)
    u, pick = rng.random(n), rng.random(n)
    denied = decided & decisions.denied & (u < RARC_SHARE_DENIED)
    for index, options in enumerate(decisions.rarc_options):
        members = np.flatnonzero(denied & (decisions.reason == index))
        if options and len(members):
            codes = np.array([vocabulary.index(r) for r in options], dtype=np.int16)
            rarc[members] = codes[(pick[members] * len(options)).astype(np.int64)]
    reduced = decided & ~decisions.denied & (u < RARC_SHARE_REDUCED)
    for index, (_, _, options) in enumerate(catalog.REDUCTION_REASONS):
        members = reduced & (decisions.reduction_reason == index)
        rarc[members] = vocabulary.index(options[0])
    return rarc, tuple(vocabulary)


def _columns(
    market: Market,
    claims: ClaimTable,
    lines: Lines,
    decisions: Decisions,
    decided: Bools,
    carc: I32,
    carc_codes: tuple[str, ...],
) -> ClaimColumns:
    paid_line = decided & ~decisions.denied
    remittance = claims.remittance[lines.claim]
    status = np.where(decided, status_of(decisions), np.int8(ClaimStatus.PENDING)).astype(np.int8)
    # The primary reason of each code text, exactly as the store's loader derives it.
    reason_codes: list[str] = []
    reason_of_text = np.full(len(carc_codes), NO_REASON, dtype=np.int32)
    for index, text in enumerate(carc_codes):
        primary = primary_denial_reason(text)
        if primary is not None:
            if primary not in reason_codes:
                reason_codes.append(primary)
            reason_of_text[index] = reason_codes.index(primary)
    return ClaimColumns(
        payer=lines.payer,
        cpt=lines.cpt,
        date_of_service=lines.date_of_service,
        submitted_date=lines.submitted,
        decision_date=np.where(decided, remittance, MISSING).astype(np.int32),
        paid_date=np.where(paid_line, remittance, MISSING).astype(np.int32),
        billed_cents=lines.billed_cents.astype(np.int64),
        allowed_cents=np.where(paid_line, decisions.allowed, MISSING).astype(np.int64),
        paid_cents=np.where(decided, decisions.paid, MISSING).astype(np.int64),
        units=lines.units.astype(np.float64),
        status=status,
        denial_reason=reason_of_text[carc],
        payer_names=tuple(p.name for p in market.payers),
        cpt_codes=tuple(c.code for c in market.codes),
        reason_codes=tuple(reason_codes),
    )


def _truth(
    config: DemoConfig, market: Market, claims: ClaimTable, lines: Lines, decisions: Decisions
) -> DemoTruth:
    first = to_day(config.start)
    n_days = to_day(config.as_of) - first + 1
    lag_changes = sorted(
        (c for c in config.changes if c.kind is ChangeKind.PAYMENT_LAG), key=lambda c: c.start
    )
    payers = []
    for index, info in enumerate(market.payers):
        mine = claims.payer == index
        base_mu, sigma = float(market.lag_mu[index]), float(market.lag_sigma[index])
        segments = [LagSegment(config.start, base_mu, sigma)]
        for change in lag_changes:
            if change.payer == info.name:
                median = max(float(np.exp(base_mu)) + change.size, 1.0)
                segments.append(LagSegment(change.start, float(np.log(median)), sigma))
        payers.append(
            PayerTruth(
                name=info.name,
                payer_id=info.x12_id,
                kind=str(info.kind),
                claims=int(mine.sum()),
                lines=int((lines.payer == index).sum()),
                payment_weekdays=market.payment_weekdays[index],
                lag_segments=tuple(segments),
                daily_claims=tuple(
                    np.bincount(claims.submitted[mine] - first, minlength=n_days).tolist()
                ),
            )
        )
    truth = DemoTruth(
        seed=config.seed,
        as_of=config.as_of,
        start=config.start,
        lines=config.lines,
        claims=len(claims),
        n_payers=config.n_payers,
        n_codes=config.n_codes,
        changes=(),
        payers=tuple(payers),
    )
    effects = {id(e.change): e for e in decisions.effects}
    code_names = np.array([c.code for c in market.codes])
    changes = []
    for change in config.changes:
        if change.kind is ChangeKind.PAYMENT_LAG:
            payer_index = [p.name for p in market.payers].index(change.payer)
            touched = lines.payer == payer_index
            after = touched & (lines.submitted >= to_day(change.start))
            previous = truth.days_to_pay(
                change.payer, change.start - timedelta(days=90), change.start - timedelta(1)
            )
            following = truth.days_to_pay(change.payer, change.start, config.as_of)
            before_value, after_value = float(previous.median), float(following.median)
        else:
            effect = effects[id(change)]
            touched, after = effect.touched, effect.after_start
            before_value, after_value = effect.before_value, effect.after_value
        changes.append(
            ChangeTruth(
                change=change,
                metric=METRIC[change.kind],
                applies_by=str(change.basis),
                cpts=tuple(sorted(set(code_names[np.unique(lines.cpt[after])].tolist()))),
                expected_before=round(before_value, 6),
                expected_after=round(after_value, 6),
                lines_before=int((touched & ~after).sum()),
                lines_after=int(after.sum()),
            )
        )
    return DemoTruth(**{**truth.__dict__, "changes": tuple(changes)})
