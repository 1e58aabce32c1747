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
from desktop.demo.x12_837 import (
    OFFICE_ADDRESS,
    line_control_number,
    patient_name,
    provider_name,
)
from desktop.demo.x12_format import (
    OFFICE_NAME,
    OFFICE_TAX_ID,
    Envelope,
    amount,
    ccyymmdd,
    segment,
    text,
    transaction_set,
)
from desktop.demo.x12_view import X12View
from desktop.store.models.claims import ClaimStatus

VERSION_835 = "005010X221A1"
CLAIM_PROCESSED_AS_PRIMARY = "1"
CLAIM_DENIED = "4"
MAX_CAS_PAIRS = 6
INTEREST_SHARE = 0.06  # remittances that add late-payment interest (PLB L6)
RECOVERY_SHARE = 0.04  # remittances that take back an earlier overpayment (PLB WO)
DENIED = int(ClaimStatus.DENIED)

Adjustment = tuple[str, str, int]  # (group, reason, cents)


def line_adjustments(view: X12View, line: int) -> list[Adjustment]:
    """The adjustments of a decided line, in the order of its CARC text."""
    codes = view.carc[line]
    if not codes:
        return []
    if view.status[line] == DENIED:
        group, reason = codes.split("-", 1)
        return [(group, reason, view.billed[line])]
    result = []
    for code in codes.split(";"):
        group, reason = code.split("-", 1)
        if code == catalog.CONTRACTUAL:
            cents = view.contractual[line]
        elif code == catalog.DEDUCTIBLE:
            cents = view.deductible[line]
        elif code == catalog.COINSURANCE:
            cents = view.coinsurance[line]
        elif code == catalog.COPAY:
            cents = view.copay[line]
        else:
            cents = view.reduction[line]
        result.append((group, reason, cents))
    return result


def cas_segments(adjustments: Sequence[Adjustment]) -> list[str]:
    """One CAS per group code, at most six reason/amount pairs each."""
    groups: dict[str, list[str]] = {}
    for group, reason, cents in adjustments:
        groups.setdefault(group, []).append(f"{reason}*{amount(cents)}")
    segments = []
    for group, pairs in groups.items():
        for start in range(0, len(pairs), MAX_CAS_PAIRS):
            segments.append(f"CAS*{group}*" + "**".join(pairs[start : start + MAX_CAS_PAIRS]))
    return segments


def claim_payment(view: X12View, claim: int) -> tuple[list[str], int]:
    """The CLP loop of one decided claim, and what it pays in cents."""
    dataset = view.dataset
    payer = dataset.payers[view.payer[claim]]
    claim_id = text(view.claim_ids[claim])
    billed = paid = patient_share = 0
    all_denied = True
    lines: list[str] = []
    for line in view.lines_of(claim):
        adjustments = line_adjustments(view, line)
        patient_share += sum(cents for group, _, cents in adjustments if group == "PR")
        billed += view.billed[line]
        paid += view.paid[line]
        denied = view.status[line] == DENIED
        all_denied &= denied
        lines += [
            f"SVC*{view.procedure[line]}*{amount(view.billed[line])}*{amount(view.paid[line])}"
            f"**{view.units[line]}",
            f"DTM*472*{view.service_date[line]}",
            *cas_segments(adjustments),
            f"REF*6R*{line_control_number(claim_id, view.line_number[line])}",
        ]
        if not denied:
            lines.append(f"AMT*B6*{amount(view.allowed[line])}")
        lines += [f"LQ*HE*{code}" for code in view.rarc[line].split(";") if code]
    last, first = patient_name(view.patient[claim])
    npi_index = view.npi[claim]
    header = [
        f"CLP*{claim_id}*{CLAIM_DENIED if all_denied else CLAIM_PROCESSED_AS_PRIMARY}"
        f"*{amount(billed)}*{amount(paid)}*{amount(patient_share)}*{payer.filing_indicator}"
        f"*{dataset.payer_claim_number(claim)}*{view.place[claim]}*1",
        f"NM1*QC*1*{last}*{first}****MI*{phi_canary.member_id(view.patient[claim])}",
        f"NM1*82*1*{provider_name(npi_index)}****XX*{dataset.claims.npis[npi_index]}",
        f"DTM*050*{view.submitted[claim]}",
    ]
    return header + lines, paid


def provider_adjustments(
    seed: int, payer: int, day: date, claims_paid: int
) -> list[tuple[str, str, int]]:
    """(code, reference, cents) PLB entries; positive cents reduce the payment."""
    rng = np.random.default_rng([seed, payer, day.toordinal(), 0x504C42])
    entries = []
    if claims_paid > 0 and rng.random() < INTEREST_SHARE:
        interest = max(1, int(claims_paid * rng.uniform(0.002, 0.01)))
        entries.append(("L6", f"INT{day:%Y%m%d}", -interest))
    if claims_paid > 5_000 and rng.random() < RECOVERY_SHARE:
        recovered = min(claims_paid // 4, int(rng.integers(2_000, 15_000)))
        entries.append(("WO", f"RCP{int(rng.integers(10**8, 10**9))}", recovered))
    return entries


def remittance_835(
    view: X12View, payer_index: int, day: date, claims: Sequence[int], control: int
) -> str:
    """One 835 interchange: the payer's remittance on ``day`` for the decided ``claims``."""
    payer = view.dataset.payers[payer_index]
    payer_tax_id = f"98{payer_index + 1:07d}"
    claim_loops: list[str] = ["LX*1"]
    claims_paid = 0
    for claim in claims:
        segments, paid = claim_payment(view, claim)
        claim_loops += segments
        claims_paid += paid
    plb = provider_adjustments(view.dataset.config.seed, payer_index, day, claims_paid)
    payment = claims_paid - sum(cents for _, _, cents in plb)
    if payment > 0:
        bpr = segment(
            "BPR", "I", amount(payment), "C", "ACH", "CCP", "01", "999999992", "DA",
            "000123456", f"1{payer_tax_id}", "", "01", "999999993", "DA", "000654321",
            ccyymmdd(day),
        )  # fmt: skip
    else:  # nothing to pay (every claim denied): a notification only
        bpr = segment("BPR", "H", "0", "C", "NON", *[""] * 11, ccyymmdd(day))
    body = [
        bpr,
        f"TRN*1*{payer.x12_id}{day:%Y%m%d}{control:06d}*1{payer_tax_id}",
        f"DTM*405*{ccyymmdd(day)}",
        f"N1*PR*{text(payer.name)}",
        "N3*PO BOX 1000",
        OFFICE_ADDRESS,
        f"REF*2U*{payer.x12_id}",
        "PER*BL*PROVIDER SERVICES*TE*5555550199",
        f"N1*PE*{OFFICE_NAME}*XX*{view.organisation_npi}",
        f"REF*TJ*{OFFICE_TAX_ID}",
        *claim_loops,
        *(
            f"PLB*{view.organisation_npi}*{day.year}1231*{code}:{ref}*{amount(cents)}"
            for code, ref, cents in plb
        ),
    ]
    envelope = Envelope(control, "HP", VERSION_835, day, sender=payer.x12_id)
    return envelope.wrap(transaction_set("835", VERSION_835, body))
