"""Header names and aliases of the claims-CSV contract."""

from __future__ import annotations

import pytest

from desktop.ingest.fields import COLUMNS, column_for_header, normalise_header


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Claim #", "claim_id"),
        ("Claim No.", "claim_id"),
        (" CLAIM-ID ", "claim_id"),
        ("claim id", "claim_id"),
        ("Payer Name", "payer"),
        ("CPT Code", "cpt"),
        ("DOS", "date_of_service"),
        ("Billed", "billed_amount"),
        ("Denial Code", "carc_codes"),
        ("Patient Control Number", "claim_id"),
        ("Mod 1", "modifiers"),
        ("Modifier4", "modifiers"),
        ("Rendering Provider NPI", "rendering_npi"),
        ("Check Date", "paid_date"),
        ("Patient Name", None),
        ("Favourite colour", None),
    ],
)
def test_headers(header: str, column: str | None) -> None:
    assert column_for_header(header) == column


def test_contract_names_map_to_themselves() -> None:
    for name in COLUMNS:
        assert column_for_header(name) == name
        assert column_for_header(name.upper().replace("_", " ")) == name


def test_normalisation() -> None:
    assert normalise_header("  Claim  #  ") == "claim"
    assert normalise_header("CPT-Code") == "cpt_code"
