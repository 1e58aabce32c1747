"""Claims and their lines before adjudication: who was seen, when, for what, billed how much.

Claims are drawn in submission order; each carries a payer, a rendering provider, a
place of service, a date of service a few days before submission, and the payer's
latent remittance day (known even when it lies beyond ``as_of``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.demo import catalog
from desktop.demo.config import ChangeKind, DemoConfig
from desktop.demo.dataset import I16, I32, I64, ClaimTable, to_day
from desktop.demo.market import MAX_LAG_DAYS, Market
from desktop.demo.npi import synthetic_npis
from desktop.demo.sampling import draw_by_row

# 1970-01-01 was a Thursday: weekday (Monday = 0) of an epoch day is (day + 3) % 7.
EPOCH_WEEKDAY = 3


def weekday_of(days: I32) -> I32:
    weekday: I32 = (days + EPOCH_WEEKDAY) % 7
    return weekday


@dataclass(frozen=True)
class Lines:
    """One entry per line, before adjudication."""

    claim: I32
    line_number: I16
    payer: I32
    cpt: I32
    units: I32
    modifier: I16
    submitted: I32
    date_of_service: I32
    billed_cents: I64


def lines_per_claim(rng: np.random.Generator, config: DemoConfig) -> I64:
    """Line counts of consecutive claims that add up to exactly ``config.lines``."""
    shares = np.array(config.knobs.lines_per_claim)
    shares /= shares.sum()
    sizes = np.arange(1, len(shares) + 1)
    mean = float((shares * sizes).sum())
    counts = rng.choice(sizes, size=int(config.lines / mean * 1.05) + 16, p=shares)
    while counts.sum() < config.lines:
        counts = np.concatenate([counts, rng.choice(sizes, size=len(counts) // 10 + 16, p=shares)])
    total = np.cumsum(counts)
    n_claims = int(np.searchsorted(total, config.lines)) + 1
    counts = counts[:n_claims].astype(np.int64)
    counts[-1] -= int(total[n_claims - 1]) - config.lines
    return counts


def submission_days(rng: np.random.Generator, config: DemoConfig, n_claims: int) -> I32:
    """Sorted submission days: weekdays busy, weekends quiet, every day a little noisy."""
    first, last = to_day(config.start), to_day(config.as_of)
    days = np.arange(first, last + 1, dtype=np.int32)
    weight = np.array(config.knobs.weekday_volume)[weekday_of(days)]
    weight = weight * np.exp(rng.normal(0.0, config.knobs.daily_volume_noise, len(days)))
    chosen = rng.choice(days, size=n_claims, p=weight / weight.sum())
    return np.sort(chosen).astype(np.int32)


def payment_wait_table(market: Market) -> I32:
    """Days from a day to the payer's next payment weekday: [payer, weekday]."""
    table = np.zeros((market.n_payers, 7), dtype=np.int32)
    for payer, weekdays in enumerate(market.payment_weekdays):
        for weekday in range(7):
            table[payer, weekday] = min((d - weekday) % 7 for d in weekdays)
    return table


def lag_mu_per_claim(
    config: DemoConfig, market: Market, payer: I32, submitted: I32
) -> npt.NDArray[np.float64]:
    mu = market.lag_mu[payer].copy()
    names = [p.name for p in market.payers]
    for change in config.changes:
        if change.kind is not ChangeKind.PAYMENT_LAG:
            continue
        index = names.index(change.payer)
        touched = (payer == index) & (submitted >= to_day(change.start))
        median = float(np.exp(market.lag_mu[index])) + change.size
        mu[touched] = np.log(max(median, 1.0))
    return mu


def draw_claims(
    rng: np.random.Generator, config: DemoConfig, market: Market, counts: I64
) -> ClaimTable:
    n = len(counts)
    knobs = config.knobs
    submitted = submission_days(rng, config, n)
    payer = rng.choice(market.n_payers, size=n, p=market.payer_share).astype(np.int32)

    delay = rng.geometric(0.4, size=n) - 1
    late = rng.random(n) < knobs.late_submission_share
    delay[late] += rng.integers(10, 61, size=int(late.sum()))
    date_of_service = (submitted - delay).astype(np.int32)

    provider_weight = 1.0 / np.arange(1, knobs.providers + 1) ** 0.6
    npi = rng.choice(knobs.providers, size=n, p=provider_weight / provider_weight.sum())
    places = tuple(code for code, _ in catalog.PLACES_OF_SERVICE)
    place_share = np.array([share for _, share in catalog.PLACES_OF_SERVICE])
    place = rng.choice(len(places), size=n, p=place_share / place_share.sum())

    mu = lag_mu_per_claim(config, market, payer, submitted)
    latent = np.exp(mu + market.lag_sigma[payer] * rng.standard_normal(n))
    lag = np.clip(np.ceil(latent), 1, MAX_LAG_DAYS).astype(np.int32)
    ready = submitted + lag
    remittance = ready + payment_wait_table(market)[payer, weekday_of(ready)]

    npis = tuple(synthetic_npis(np.random.default_rng([config.seed, 0x4E5049]), knobs.providers))
    patients = np.random.default_rng([config.seed, 0x50415449]).integers(0, max(n // 3, 1), n)
    return ClaimTable(
        first_line=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        payer=payer,
        submitted=submitted,
        date_of_service=date_of_service,
        remittance=remittance.astype(np.int32),
        patient=patients.astype(np.int32),
        npi=npi.astype(np.int16),
        place_of_service=place.astype(np.int16),
        npis=npis,
        places=places,
    )


def draw_lines(rng: np.random.Generator, market: Market, claims: ClaimTable, counts: I64) -> Lines:
    n_lines = int(counts.sum())
    claim = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    line_number = (np.arange(n_lines) - claims.first_line[:-1][claim] + 1).astype(np.int16)
    payer = claims.payer[claim]
    cpt = draw_by_row(rng, payer, market.code_given_payer)

    families = list(catalog.CodeFamily)
    family_of_code = np.array([families.index(c.family) for c in market.codes], dtype=np.int32)
    family = family_of_code[cpt]

    units = np.ones(n_lines, dtype=np.int32)
    for fam, (values, unit_shares) in catalog.UNITS_MIX.items():
        members = np.flatnonzero(family == families.index(fam))
        units[members] = rng.choice(np.array(values), size=len(members), p=np.array(unit_shares))

    mix = np.zeros((len(families), len(catalog.MODIFIERS)))
    for fam, shares in catalog.MODIFIER_MIX.items():
        row = families.index(fam)
        for text, share in shares.items():
            mix[row, catalog.MODIFIERS.index(text)] = share
        mix[row, 0] = 1.0 - mix[row].sum()
    modifier = draw_by_row(rng, family, mix).astype(np.int16)
    telehealth = np.isin(
        np.array(claims.places)[claims.place_of_service[claim]],
        list(catalog.TELEHEALTH_PLACES),
    ) & (family == families.index(catalog.CodeFamily.EVALUATION))
    with_25 = modifier == catalog.MODIFIERS.index("25")
    modifier[telehealth] = catalog.MODIFIERS.index("95")
    modifier[telehealth & with_25] = catalog.MODIFIERS.index("25;95")

    return Lines(
        claim=claim,
        line_number=line_number,
        payer=payer,
        cpt=cpt,
        units=units,
        modifier=modifier,
        submitted=claims.submitted[claim],
        date_of_service=claims.date_of_service[claim],
        billed_cents=market.chargemaster_cents[cpt] * units,
    )
