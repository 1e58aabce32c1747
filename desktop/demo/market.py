"""How each payer behaves in a seeded demo world: volumes, fee schedules, denials, lags.

Everything here is drawn once per seed from the payer's kind, then held fixed for the
whole time span: a stable scenario has no real change anywhere, only noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.demo import catalog
from desktop.demo.catalog import CodeFamily, PayerKind

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Volume share of the head payers by rank; the tail decays from the last of them.
HEAD_SHARES = (0.17, 0.13, 0.13, 0.09, 0.08, 0.06, 0.05, 0.04, 0.04)
MAX_LAG_DAYS = 365


@dataclass(frozen=True)
class Market:
    """Per-payer vectors (length n_payers) and per-cell matrices (n_payers × n_codes)."""

    payers: tuple[catalog.PayerInfo, ...]
    codes: tuple[catalog.ProcedureCode, ...]
    payer_share: FloatArray
    code_given_payer: FloatArray  # rows sum to 1
    fee_cents: FloatArray  # allowed per unit, before per-line noise
    chargemaster_cents: IntArray  # the office's price per unit, per code
    denial_rate: FloatArray  # line-level denial probability per cell
    claim_denial_rate: FloatArray  # whole-claim denial probability per payer
    reason_mix: FloatArray  # n_payers × len(DENIAL_REASONS), rows sum to 1
    claim_reason_mix: FloatArray  # n_payers × len(CLAIM_REASONS)
    partial_rate: FloatArray  # per payer: paid lines reduced by a payer rule
    lag_mu: FloatArray  # log of the median adjudication lag (days) per payer
    lag_sigma: FloatArray
    payment_weekdays: tuple[tuple[int, ...], ...]  # 0 = Monday
    copay_rate: FloatArray  # share of E/M and preventive lines with a copay
    copay_cents: IntArray
    coinsurance_rate: FloatArray
    coinsurance_share: FloatArray
    deductible_rate: FloatArray

    @property
    def cell_denial_rate(self) -> FloatArray:
        """Probability that a line is denied, per cell: its own denial or its claim's."""
        rate: FloatArray = 1.0 - (1.0 - self.claim_denial_rate[:, None]) * (1.0 - self.denial_rate)
        return rate

    @property
    def n_payers(self) -> int:
        return len(self.payers)

    @property
    def n_codes(self) -> int:
        return len(self.codes)


# Reasons that deny a whole claim (every line of it).
CLAIM_REASONS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("CO-16", 0.40, ("MA130", "N290")),
    ("CO-27", 0.25, ("N30",)),
    ("CO-29", 0.20, ("N211",)),
    ("CO-18", 0.15, ("N522",)),
)


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds))


_KIND_PARAMETERS: dict[PayerKind, dict[str, tuple[float, float]]] = {
    PayerKind.COMMERCIAL: {
        "fee": (1.15, 1.6),
        "denial": (0.04, 0.08),
        "lag": (14.0, 25.0),
        "copay": (0.45, 0.7),
        "coins": (0.2, 0.4),
        "deduct": (0.05, 0.1),
    },
    PayerKind.MEDICARE_LIKE: {
        "fee": (0.98, 1.02),
        "denial": (0.04, 0.07),
        "lag": (13.0, 17.0),
        "copay": (0.0, 0.05),
        "coins": (0.8, 0.9),
        "deduct": (0.03, 0.06),
    },
    PayerKind.MEDICAID_LIKE: {
        "fee": (0.6, 0.78),
        "denial": (0.09, 0.14),
        "lag": (28.0, 45.0),
        "copay": (0.05, 0.15),
        "coins": (0.0, 0.02),
        "deduct": (0.0, 0.01),
    },
    PayerKind.REGIONAL: {
        "fee": (0.95, 1.4),
        "denial": (0.05, 0.12),
        "lag": (18.0, 40.0),
        "copay": (0.3, 0.6),
        "coins": (0.15, 0.4),
        "deduct": (0.05, 0.12),
    },
}


def _payer_shares(rng: np.random.Generator, n: int) -> FloatArray:
    shares = np.array(
        [HEAD_SHARES[r] if r < len(HEAD_SHARES) else 0.03 / (r - 7) ** 0.85 for r in range(n)]
    )
    shares *= np.exp(rng.normal(0.0, 0.12, n))
    normalised: FloatArray = shares / shares.sum()
    return normalised


def _weekdays(rng: np.random.Generator, kind: PayerKind) -> tuple[int, ...]:
    if kind is PayerKind.MEDICAID_LIKE:
        return (int(rng.integers(0, 5)),)  # one weekly payment cycle
    if kind is PayerKind.REGIONAL and rng.random() < 0.5:
        return (1, 3)  # Tuesday and Thursday runs
    return (0, 1, 2, 3, 4)


def build_market(
    seed: int,
    n_payers: int,
    n_codes: int,
    *,
    denial_rate_scale: float = 1.0,
    lag_scale: float = 1.0,
) -> Market:
    rng = np.random.default_rng([seed, 0x4D41524B])  # its own stream: "MARK"
    payers = catalog.payers(n_payers)
    codes = catalog.codes(n_codes)
    family = [c.family for c in codes]
    rates = np.array([c.rate for c in codes])
    weights = np.array([c.weight for c in codes])
    params = [_KIND_PARAMETERS[p.kind] for p in payers]

    code_weight = weights * np.exp(rng.normal(0.0, 0.25, n_codes))
    affinity = np.exp(rng.normal(0.0, 0.45, (n_payers, n_codes)))
    for row, payer in enumerate(payers):
        if payer.kind is PayerKind.MEDICARE_LIKE:
            affinity[row, [f is CodeFamily.VACCINE for f in family]] *= 1.6
        if payer.kind is PayerKind.MEDICAID_LIKE:
            affinity[row, [f is CodeFamily.PREVENTIVE for f in family]] *= 1.5
    cell = code_weight[None, :] * affinity
    code_given_payer = cell / cell.sum(axis=1, keepdims=True)

    fee_factor = np.array([_uniform(rng, p["fee"]) for p in params])
    fee = rates[None, :] * 100.0 * fee_factor[:, None]
    fee *= np.exp(rng.normal(0.0, 0.06, (n_payers, n_codes)))
    fee = np.round(fee)
    # The chargemaster sits above every payer's allowed amount for the code.
    markup = rng.uniform(1.15, 1.6, n_codes)
    chargemaster = np.ceil(fee.max(axis=0) * markup / 100.0) * 100.0

    payer_denial = np.array([_uniform(rng, p["denial"]) for p in params])
    code_factor = np.array([catalog.DENIAL_FACTOR[f] for f in family])
    denial = payer_denial[:, None] * code_factor[None, :]
    denial *= np.exp(rng.normal(0.0, 0.3, (n_payers, n_codes)))
    denial = np.clip(denial * denial_rate_scale, 0.003, 0.4)

    base_mix = np.array([share for _, share, _ in catalog.DENIAL_REASONS])
    reason_mix = rng.dirichlet(base_mix * 12.0, n_payers)
    claim_base = np.array([share for _, share, _ in CLAIM_REASONS])
    claim_reason_mix = rng.dirichlet(claim_base * 10.0, n_payers)

    lag_median = np.array([_uniform(rng, p["lag"]) for p in params])
    return Market(
        payers=payers,
        codes=codes,
        payer_share=_payer_shares(rng, n_payers),
        code_given_payer=code_given_payer,
        fee_cents=fee,
        chargemaster_cents=chargemaster.astype(np.int64),
        denial_rate=denial,
        claim_denial_rate=rng.uniform(0.004, 0.015, n_payers),
        reason_mix=reason_mix,
        claim_reason_mix=claim_reason_mix,
        partial_rate=rng.uniform(0.01, 0.04, n_payers),
        lag_mu=np.log(lag_median * lag_scale),
        lag_sigma=rng.uniform(0.35, 0.6, n_payers),
        payment_weekdays=tuple(_weekdays(rng, p.kind) for p in payers),
        copay_rate=np.array([_uniform(rng, p["copay"]) for p in params]),
        copay_cents=np.where(
            [p.kind is PayerKind.MEDICAID_LIKE for p in payers],
            rng.choice(np.array([100, 200, 300, 400]), n_payers),
            rng.choice(np.array([1500, 2000, 2500, 3000, 4000]), n_payers),
        ),
        coinsurance_rate=np.array([_uniform(rng, p["coins"]) for p in params]),
        coinsurance_share=np.where(
            [p.kind is PayerKind.MEDICARE_LIKE for p in payers],
            0.2,
            rng.choice(np.array([0.1, 0.15, 0.2, 0.3]), n_payers),
        ),
        deductible_rate=np.array([_uniform(rng, p["deduct"]) for p in params]),
    )
