"""837P (005010X222A1): the claims as the office submitted them, one file per day.

Subscriber = patient, with obviously fake names and identifiers (see ``phi_canary``).
Each service line carries its line item control number (REF*6R = claim id and line
number), which the 835 echoes, so both files and the CSV describe the same lines.
"""

from __future__ import annotations

from datetime import date

from desktop.demo import phi_canary
from desktop.demo.x12_format import (
    OFFICE_CITY,
    OFFICE_NAME,
    OFFICE_STATE,
    OFFICE_TAX_ID,
    OFFICE_ZIP,
    SENDER_ID,
    Envelope,
    amount,
    ccyymmdd,
    segment,
    text,
    transaction_set,
)
from desktop.demo.x12_view import X12View

VERSION_837P = "005010X222A1"
DIAGNOSIS = "Z0000"  # encounter for general examination: a valid shape, no patient meaning
OFFICE_ADDRESS = f"N4*{OFFICE_CITY}*{OFFICE_STATE}*{OFFICE_ZIP}"


def line_control_number(claim_id: str, line_number: int) -> str:
    return f"{claim_id}-{line_number}"


def patient_name(patient: int) -> tuple[str, str]:
    """(last, first): obviously fake, and the PHI canary marker for leak tests."""
    return phi_canary.PHI_CANARY_MARKER, f"TESTPATIENT{patient:06d}"


def provider_name(npi_index: int) -> str:
    """NM103*NM104 of a rendering provider: a made-up clinician."""
    return f"DEMOPROVIDER*CLINICIAN{npi_index + 1:02d}"


def claims_837(view: X12View, first_claim: int, stop_claim: int, day: date, control: int) -> str:
    """One 837P interchange with claims ``first_claim:stop_claim`` (all submitted on ``day``)."""
    dataset = view.dataset
    body = [
        segment("BHT", "0019", "00", f"DEMO{control:09d}", ccyymmdd(day), "1200", "CH"),
        f"NM1*41*2*{OFFICE_NAME}*****46*{SENDER_ID}",
        "PER*IC*BILLING DESK*TE*5555550100",
        "NM1*40*2*SYNTHETIC CLEARINGHOUSE*****46*SYNCH01",
        "HL*1**20*1",
        f"NM1*85*2*{OFFICE_NAME}*****XX*{view.organisation_npi}",
        "N3*100 EXAMPLE WAY",
        OFFICE_ADDRESS,
        f"REF*EI*{OFFICE_TAX_ID}",
    ]
    for hl, claim in enumerate(range(first_claim, stop_claim), start=2):
        payer = dataset.payers[view.payer[claim]]
        patient = view.patient[claim]
        last, first = patient_name(patient)
        claim_id = text(view.claim_ids[claim])
        lines = view.lines_of(claim)
        npi_index = view.npi[claim]
        body += [
            f"HL*{hl}*1*22*0",
            f"SBR*P*18*******{payer.filing_indicator}",
            f"NM1*IL*1*{last}*{first}****MI*{phi_canary.member_id(patient)}",
            "N3*1 SYNTHETIC LANE",
            OFFICE_ADDRESS,
            f"DMG*D8*{phi_canary.patient_dob(patient).replace('-', '')}*U",
            f"NM1*PR*2*{text(payer.name)}*****PI*{payer.x12_id}",
            f"CLM*{claim_id}*{amount(sum(view.billed[i] for i in lines))}***"
            f"{view.place[claim]}:B:1*Y*A*Y*Y",
            f"HI*ABK:{DIAGNOSIS}",
            f"NM1*82*1*{provider_name(npi_index)}****XX*{dataset.claims.npis[npi_index]}",
        ]
        for line in lines:
            number = view.line_number[line]
            body += [
                f"LX*{number}",
                f"SV1*{view.procedure[line]}*{amount(view.billed[line])}*UN*{view.units[line]}***1",
                f"DTP*472*D8*{view.service_date[line]}",
                f"REF*6R*{line_control_number(claim_id, number)}",
            ]
    envelope = Envelope(control, "HC", VERSION_837P, day)
    return envelope.wrap(transaction_set("837", VERSION_837P, body))
