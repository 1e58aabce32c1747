"""835 (005010X221A1): one remittance per payer and payment day, balanced to the cent.

Every service line balances (billed - adjustments = paid), every claim sums its lines,
and the payment (BPR02) is the claims' payments less the provider-level adjustments
(PLB: an occasional interest payment or overpayment recovery).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from desktop.demo import catalog, phi_canary
from desktop.demo.dataset import DemoDataset, from_day
from desktop.demo.x12_837 import line_control_number, organisation_npi, procedure
from desktop.demo.x12_format import (
    OFFICE_CITY,
    OFFICE_NAME,
    OFFICE_STATE,
    OFFICE_TAX_ID,
    OFFICE_ZIP,
    Envelope,
    amount,
    ccyymmdd,
    composite,
    segment,
    text,
    transaction_set,
)
from desktop.store.models.claims import ClaimStatus

VERSION_835 = "005010X221A1"
CLAIM_PROCESSED_AS_PRIMARY = "1"
CLAIM_DENIED = "4"
MAX_CAS_TRIPLES = 6
INTEREST_SHARE = 0.06  # remittances that add late-payment interest (PLB L6)
RECOVERY_SHARE = 0.04  # remittances that take back an earlier overpayment (PLB WO)


def line_adjustments(dataset: DemoDataset, line: int) -> list[tuple[str, str, int]]:
    """(group, reason, cents) of a decided line, in the order of its CARC text."""
    codes = dataset.text.carc_codes[int(dataset.text.carc[line])]
    if not codes:
        return []
    cols, adj = dataset.columns, dataset.adjustments
    if cols.status[line] == ClaimStatus.DENIED:
        group, reason = codes.split("-", 1)
        return [(group, reason, int(cols.billed_cents[line]))]
    by_code = {
        catalog.CONTRACTUAL: int(adj.contractual[line]),
        catalog.DEDUCTIBLE: int(adj.deductible[line]),
        catalog.COINSURANCE: int(adj.coinsurance[line]),
        catalog.COPAY: int(adj.copay[line]),
    }
    result = []
    for code in codes.split(";"):
        group, reason = code.split("-", 1)
        result.append((group, reason, by_code.get(code, int(adj.reduction[line]))))
    return result


def cas_segments(adjustments: Sequence[tuple[str, str, int]]) -> list[str]:
    """One CAS per group code, at most six reason/amount pairs each."""
    groups: dict[str, list[tuple[str, int]]] = {}
    for group, reason, cents in adjustments:
        groups.setdefault(group, []).append((reason, cents))
    segments = []
    for group, pairs in groups.items():
        for start in range(0, len(pairs), MAX_CAS_TRIPLES):
            elements = [group]
            for reason, cents in pairs[start : start + MAX_CAS_TRIPLES]:
                elements += [reason, amount(cents), ""]
            segments.append(segment("CAS", *elements))
    return segments


def _claim_segments(dataset: DemoDataset, claim: int) -> tuple[list[str], int]:
    """The CLP loop of one claim and its payment in cents."""
    cols, claims, line_text = dataset.columns, dataset.claims, dataset.text
    payer = dataset.payers[int(claims.payer[claim])]
    patient = int(claims.patient[claim])
    claim_id = dataset.claim_id(claim)
    first, stop = int(claims.first_line[claim]), int(claims.first_line[claim + 1])
    billed = int(cols.billed_cents[first:stop].sum())
    paid = int(cols.paid_cents[first:stop].sum())
    lines: list[str] = []
    patient_share = 0
    for line in range(first, stop):
        number = int(line_text.line_number[line])
        adjustments = line_adjustments(dataset, line)
        patient_share += sum(c for g, _, c in adjustments if g == "PR")
        denied = cols.status[line] == ClaimStatus.DENIED
        lines += [
            segment(
                "SVC",
                procedure(
                    cols.cpt_codes[int(cols.cpt[line])],
                    line_text.modifiers[int(line_text.modifier[line])],
                ),
                amount(int(cols.billed_cents[line])),
                amount(int(cols.paid_cents[line])),
                "",
                f"{cols.units[line]:g}",
            ),
            segment("DTM", "472", ccyymmdd(from_day(int(cols.date_of_service[line])))),
            *cas_segments(adjustments),
            segment("REF", "6R", line_control_number(claim_id, number)),
        ]
        if not denied:
            lines.append(segment("AMT", "B6", amount(int(cols.allowed_cents[line]))))
        remarks = line_text.rarc_codes[int(line_text.rarc[line])]
        lines += [segment("LQ", "HE", code) for code in remarks.split(";") if code]
    all_denied = bool((cols.status[first:stop] == ClaimStatus.DENIED).all())
    header = [
        segment(
            "CLP",
            text(claim_id),
            CLAIM_DENIED if all_denied else CLAIM_PROCESSED_AS_PRIMARY,
            amount(billed),
            amount(paid),
            amount(patient_share),
            payer.filing_indicator,
            dataset.payer_claim_number(claim),
            claims.places[int(claims.place_of_service[claim])],
            "1",
        ),
        segment(
            "NM1",
            "QC",
            "1",
            phi_canary.PHI_CANARY_MARKER,
            f"TESTPATIENT{patient:06d}",
            "",
            "",
            "",
            "MI",
            phi_canary.member_id(patient),
        ),  # fmt: skip
        segment("DTM", "050", ccyymmdd(from_day(int(claims.submitted[claim])))),
    ]
    return header + lines, paid


def provider_adjustments(
    dataset: DemoDataset, payer: int, day: date, claims_paid: int
) -> list[tuple[str, str, int]]:
    """(code, reference, cents) PLB entries; positive cents reduce the payment."""
    rng = np.random.default_rng([dataset.config.seed, payer, day.toordinal(), 0x504C42])
    entries = []
    if claims_paid > 0 and rng.random() < INTEREST_SHARE:
        interest = max(1, int(claims_paid * rng.uniform(0.002, 0.01)))
        entries.append(("L6", f"INT{day:%Y%m%d}", -interest))
    if claims_paid > 5_000 and rng.random() < RECOVERY_SHARE:
        recovered = min(claims_paid // 4, int(rng.integers(2_000, 15_000)))
        entries.append(("WO", f"RCP{int(rng.integers(10**8, 10**9))}", recovered))
    return entries


def remittance_835(
    dataset: DemoDataset, payer_index: int, day: date, claim_numbers: Sequence[int], control: int
) -> str:
    """One 835 interchange: the payer's remittance on ``day`` for ``claim_numbers``."""
    payer = dataset.payers[payer_index]
    payer_tax_id = f"98{payer_index + 1:07d}"
    org_npi = organisation_npi(dataset)
    claim_loops: list[str] = [segment("LX", "1")]
    claims_paid = 0
    for claim in claim_numbers:
        segments, paid = _claim_segments(dataset, claim)
        claim_loops += segments
        claims_paid += paid
    plb = provider_adjustments(dataset, payer_index, day, claims_paid)
    payment = claims_paid - sum(cents for _, _, cents in plb)
    if payment > 0:
        bpr = segment(
            "BPR", "I", amount(payment), "C", "ACH", "CCP", "01", "999999992", "DA",
            "000123456", f"1{payer_tax_id}", "", "01", "999999993", "DA", "000654321",
            ccyymmdd(day),
        )  # fmt: skip
    else:
        bpr = segment("BPR", "H", amount(payment), "C", "NON", *([""] * 11), ccyymmdd(day))
    trace = f"{payer.x12_id}{day:%Y%m%d}{control:06d}"
    body = [
        bpr,
        segment("TRN", "1", trace, f"1{payer_tax_id}"),
        segment("DTM", "405", ccyymmdd(day)),
        segment("N1", "PR", text(payer.name)),
        segment("N3", "PO BOX 1000"),
        segment("N4", OFFICE_CITY, OFFICE_STATE, OFFICE_ZIP),
        segment("PER", "BL", "PROVIDER SERVICES", "TE", "5555550199"),
        segment("N1", "PE", OFFICE_NAME, "XX", org_npi),
        segment("REF", "TJ", OFFICE_TAX_ID),
        *claim_loops,
        *(
            segment("PLB", org_npi, f"{day.year}1231", composite(code, ref), amount(cents))
            for code, ref, cents in plb
        ),
    ]
    envelope = Envelope(control, "HP", VERSION_835, day, sender=payer.x12_id)
    return envelope.wrap(transaction_set("835", VERSION_835, body))
