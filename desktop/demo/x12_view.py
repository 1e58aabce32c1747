"""The demo data as plain Python lists and X12-ready texts, built once for all X12 files.

Writing X12 is segment-by-segment Python work; reading numpy scalars and enums per
value would cost more than the writing itself, so every value a segment needs is
converted (or formatted) here in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.demo.dataset import DemoDataset, from_day
from desktop.demo.npi import npi_from_base
from desktop.demo.x12_format import composite, text


@dataclass(frozen=True)
class X12View:
    dataset: DemoDataset
    organisation_npi: str  # the billing practice's own (type 2) NPI
    # per claim
    claim_ids: list[str]
    payer: list[int]
    patient: list[int]
    first_line: list[int]
    place: list[str]
    npi: list[int]
    submitted: list[str]  # CCYYMMDD
    # per line
    line_number: list[int]
    procedure: list[str]  # SV1/SVC composite, e.g. HC:99213:25
    service_date: list[str]  # CCYYMMDD
    units: list[str]
    billed: list[int]
    allowed: list[int]  # engines.columns.MISSING when not paid
    paid: list[int]  # engines.columns.MISSING when pending
    status: list[int]
    carc: list[str]
    rarc: list[str]
    contractual: list[int]
    deductible: list[int]
    coinsurance: list[int]
    copay: list[int]
    reduction: list[int]

    @classmethod
    def of(cls, dataset: DemoDataset) -> X12View:
        cols, claims, line_text = dataset.columns, dataset.claims, dataset.text
        adjustments = dataset.adjustments
        first_day = int(min(cols.date_of_service.min(initial=0), claims.submitted.min(initial=0)))
        last_day = int(claims.remittance.max(initial=first_day))
        days = [from_day(d).strftime("%Y%m%d") for d in range(first_day, last_day + 1)]

        def day_texts(values: npt.NDArray[np.int32]) -> list[str]:
            return [days[d] for d in (values - first_day).tolist()]

        procedures = {
            key: composite(
                "HC",
                text(cols.cpt_codes[key // len(line_text.modifiers)]),
                *_modifier_list(line_text.modifiers[key % len(line_text.modifiers)]),
            )
            for key in np.unique(
                cols.cpt.astype(np.int64) * len(line_text.modifiers) + line_text.modifier
            ).tolist()
        }
        procedure_key = cols.cpt.astype(np.int64) * len(line_text.modifiers) + line_text.modifier
        prefix = dataset.claim_id_prefix
        return cls(
            dataset=dataset,
            organisation_npi=npi_from_base(f"2{dataset.config.seed % 100_000_000:08d}"),
            claim_ids=[f"{prefix}{c + 1:07d}" for c in range(len(claims))],
            payer=claims.payer.tolist(),
            patient=claims.patient.tolist(),
            first_line=claims.first_line.tolist(),
            place=[claims.places[p] for p in claims.place_of_service.tolist()],
            npi=claims.npi.tolist(),
            submitted=day_texts(claims.submitted),
            line_number=line_text.line_number.tolist(),
            procedure=[procedures[k] for k in procedure_key.tolist()],
            service_date=day_texts(cols.date_of_service),
            units=[f"{u:g}" for u in cols.units.tolist()],
            billed=cols.billed_cents.tolist(),
            allowed=cols.allowed_cents.tolist(),
            paid=cols.paid_cents.tolist(),
            status=cols.status.tolist(),
            carc=[line_text.carc_codes[i] for i in line_text.carc.tolist()],
            rarc=[line_text.rarc_codes[i] for i in line_text.rarc.tolist()],
            contractual=adjustments.contractual.tolist(),
            deductible=adjustments.deductible.tolist(),
            coinsurance=adjustments.coinsurance.tolist(),
            copay=adjustments.copay.tolist(),
            reduction=adjustments.reduction.tolist(),
        )

    def lines_of(self, claim: int) -> range:
        return range(self.first_line[claim], self.first_line[claim + 1])


def _modifier_list(modifiers: str) -> list[str]:
    return [text(m) for m in modifiers.split(";")] if modifiers else []
