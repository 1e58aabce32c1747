"""Metrics measured straight from demo columns, the way an analyst would, for the tests."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from desktop.demo import DemoDataset
from desktop.demo.dataset import to_day
from desktop.engines.columns import MISSING
from desktop.store.models.claims import ClaimStatus

Mask = npt.NDArray[np.bool_]


def cell(data: DemoDataset, payer: str, cpt: str | None = None) -> Mask:
    cols = data.columns
    mask: Mask = cols.payer == cols.payer_names.index(payer)
    if cpt is not None:
        mask &= cols.cpt == cols.cpt_codes.index(cpt)
    return mask


def by_service(data: DemoDataset, first: date, last: date) -> Mask:
    days = data.columns.date_of_service
    window: Mask = (days >= to_day(first)) & (days <= to_day(last))
    return window


def decided(data: DemoDataset, mask: Mask) -> int:
    return int((data.columns.status[mask] != ClaimStatus.PENDING).sum())


def denial_rate(data: DemoDataset, mask: Mask) -> float:
    status = data.columns.status[mask]
    decided = status != ClaimStatus.PENDING
    return float((status[decided] == ClaimStatus.DENIED).mean())


def reason_share(data: DemoDataset, mask: Mask, reason: str) -> float:
    cols = data.columns
    denied = mask & (cols.status == ClaimStatus.DENIED)
    return float((cols.denial_reason[denied] == cols.reason_codes.index(reason)).mean())


def top_reason_share(data: DemoDataset, mask: Mask) -> npt.NDArray[np.float64]:
    cols = data.columns
    denied = cols.denial_reason[mask & (cols.status == ClaimStatus.DENIED)]
    counts = np.bincount(denied, minlength=len(cols.reason_codes)).astype(np.float64)
    shares: npt.NDArray[np.float64] = counts / max(counts.sum(), 1.0)
    return shares


def allowed_per_unit(data: DemoDataset, mask: Mask) -> float:
    cols = data.columns
    paid = mask & (cols.allowed_cents != MISSING)
    return float((cols.allowed_cents[paid] / cols.units[paid]).mean() / 100.0)


def paid_to_allowed(data: DemoDataset, mask: Mask) -> float:
    cols = data.columns
    paid = mask & (cols.allowed_cents != MISSING)
    return float(cols.paid_cents[paid].sum() / cols.allowed_cents[paid].sum())


def latent_median_lag(data: DemoDataset, payer: str, first: date, last: date) -> float:
    claims = data.claims
    mask = (
        (claims.payer == data.columns.payer_names.index(payer))
        & (claims.submitted >= to_day(first))
        & (claims.submitted <= to_day(last))
    )
    return float(np.median(claims.days_to_pay[mask]))
