"""837P (005010X222A1): the claims as the office submitted them, one file per day.

Subscriber = patient, with obviously fake names and identifiers (see ``phi_canary``).
Each service line carries its line item control number (REF*6R = claim id and line
number), which the 835 echoes, so both files and the CSV describe the same lines.
"""

from __future__ import annotations

from datetime import date

from desktop.demo import phi_canary
from desktop.demo.dataset import DemoDataset, from_day
from desktop.demo.npi import npi_from_base
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
    composite,
    segment,
    text,
    transaction_set,
)

VERSION_837P = "005010X222A1"
DIAGNOSIS = "Z0000"  # encounter for general examination: a valid shape, no patient meaning


def line_control_number(claim_id: str, line_number: int) -> str:
    return f"{claim_id}-{line_number}"


def procedure(cpt: str, modifiers: str) -> str:
    return composite("HC", cpt, *(modifiers.split(";") if modifiers else ()))


def provider_name(index: int) -> tuple[str, str]:
    return "DEMOPROVIDER", f"CLINICIAN{index + 1:02d}"


def claims_837(
    dataset: DemoDataset, first_claim: int, stop_claim: int, day: date, control: int
) -> str:
    """One 837P interchange with claims ``first_claim:stop_claim`` (all submitted on ``day``)."""
    cols, claims, line_text = dataset.columns, dataset.claims, dataset.text
    body = [
        segment("BHT", "0019", "00", f"DEMO{control:09d}", ccyymmdd(day), "1200", "CH"),
        segment("NM1", "41", "2", OFFICE_NAME, "", "", "", "", "46", SENDER_ID),
        segment("PER", "IC", "BILLING DESK", "TE", "5555550100"),
        segment("NM1", "40", "2", "SYNTHETIC CLEARINGHOUSE", "", "", "", "", "46", "SYNCH01"),
        segment("HL", "1", "", "20", "1"),
        segment("NM1", "85", "2", OFFICE_NAME, "", "", "", "", "XX", organisation_npi(dataset)),
        segment("N3", "100 EXAMPLE WAY"),
        segment("N4", OFFICE_CITY, OFFICE_STATE, OFFICE_ZIP),
        segment("REF", "EI", OFFICE_TAX_ID),
    ]
    for hl, claim in enumerate(range(first_claim, stop_claim), start=2):
        payer = dataset.payers[int(claims.payer[claim])]
        patient = int(claims.patient[claim])
        claim_id = dataset.claim_id(claim)
        first, stop = int(claims.first_line[claim]), int(claims.first_line[claim + 1])
        total = int(cols.billed_cents[first:stop].sum())
        place = claims.places[int(claims.place_of_service[claim])]
        npi_index = int(claims.npi[claim])
        last_name, first_name = provider_name(npi_index)
        body += [
            segment("HL", str(hl), "1", "22", "0"),
            segment("SBR", "P", "18", "", "", "", "", "", "", payer.filing_indicator),
            segment(
                "NM1",
                "IL",
                "1",
                phi_canary.PHI_CANARY_MARKER,
                f"TESTPATIENT{patient:06d}",
                "",
                "",
                "",
                "MI",
                phi_canary.member_id(patient),
            ),  # fmt: skip
            segment("N3", "1 SYNTHETIC LANE"),
            segment("N4", OFFICE_CITY, OFFICE_STATE, OFFICE_ZIP),
            segment("DMG", "D8", phi_canary.patient_dob(patient).replace("-", ""), "U"),
            segment("NM1", "PR", "2", text(payer.name), "", "", "", "", "PI", payer.x12_id),
            segment(
                "CLM",
                text(claim_id),
                amount(total),
                "",
                "",
                composite(place, "B", "1"),
                "Y",
                "A",
                "Y",
                "Y",
            ),  # fmt: skip
            segment("HI", composite("ABK", DIAGNOSIS)),
            segment(
                "NM1",
                "82",
                "1",
                last_name,
                first_name,
                "",
                "",
                "",
                "XX",
                claims.npis[npi_index],
            ),  # fmt: skip
        ]
        for line in range(first, stop):
            number = int(line_text.line_number[line])
            body += [
                segment("LX", str(number)),
                segment(
                    "SV1",
                    procedure(
                        cols.cpt_codes[int(cols.cpt[line])],
                        line_text.modifiers[int(line_text.modifier[line])],
                    ),
                    amount(int(cols.billed_cents[line])),
                    "UN",
                    f"{cols.units[line]:g}",
                    "",
                    "",
                    "1",
                ),
                segment("DTP", "472", "D8", ccyymmdd(from_day(int(cols.date_of_service[line])))),
                segment("REF", "6R", line_control_number(claim_id, number)),
            ]
    envelope = Envelope(control, "HC", VERSION_837P, day)
    return envelope.wrap(transaction_set("837", VERSION_837P, body))


def organisation_npi(dataset: DemoDataset) -> str:
    """The billing practice's own (type 2) NPI."""
    return npi_from_base(f"2{dataset.config.seed % 100_000_000:08d}")
