"""Every public sample file (tests/data/x12, see its README) reads, with the right values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.ingest.x12 import COLUMNS, balance_checks, canonical_rows, read_x12, sniff

from .builders import messages, rows_of

DATA = Path(__file__).resolve().parents[3] / "data" / "x12"
SAMPLES = sorted(
    p for p in DATA.rglob("*") if p.is_file() and p.name not in ("LICENSE", "README.md")
)
LFH = DATA / "linuxforhealth-x12"
BAD = DATA / "badX12"


def expected_kind(path: Path) -> str:
    return path.parent.name


def by_line(path: Path) -> dict[tuple[str, str], dict[str, str | None]]:
    return {
        (r.values["claim_id"] or "", r.values["line_number"] or ""): r.values
        for r in canonical_rows(read_x12(path))
    }


def test_all_samples_and_licences_are_present() -> None:
    assert len(SAMPLES) == 43
    assert (LFH / "LICENSE").is_file()
    assert (BAD / "LICENSE").is_file()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_reads_as_its_kind_with_contract_rows(path: Path) -> None:
    kind = expected_kind(path)
    assert sniff(path.read_bytes()[:4096]) == kind
    x12 = read_x12(path)
    assert x12.kind == kind
    assert x12.version is not None and x12.version.startswith("00501")
    rows = rows_of(x12)
    for row in rows:
        assert tuple(row.values) == COLUMNS
        assert row.values["claim_id"]
        assert int(row.values["line_number"] or "0") >= 1
        assert row.cleared <= set(COLUMNS)
    if kind == "837":
        assert rows
        assert {r.values["status"] for r in rows} == {"pending"}
        assert all(r.values["paid_amount"] is None for r in rows)
        assert all(r.values["submitted_date"] for r in rows)
    else:
        assert x12.trace_numbers
        assert {r.values["status"] for r in rows} <= {"paid", "denied", "partial", "pending"}


@pytest.mark.parametrize(
    "path", [p for p in SAMPLES if expected_kind(p) == "835"], ids=lambda p: p.name
)
def test_every_sample_remittance_balances_against_its_bpr(path: Path) -> None:
    checks = [c for c in balance_checks(read_x12(path)) if c.rule == "x12_bpr_balance"]
    assert checks and all(c.balanced for c in checks), checks


def test_managed_care_lines_claim_adjustments_and_bad_bpr16() -> None:
    x12 = read_x12(LFH / "835" / "835_005010X221A1__managed-care.835")
    assert "BPR16 (payment date) is missing or not a calendar date" in messages(x12)
    assert len(x12.warnings) == 1
    (remittance,) = x12.remittances
    assert remittance.payment_total == Decimal("945.00")
    assert remittance.payment_date is None
    assert remittance.trace_number == "7170066655"
    lines = by_line(LFH / "835" / "835_005010X221A1__managed-care.835")
    first = lines[("5554555444", "1")]
    assert first["cpt"] == "99211"
    assert first["date_of_service"] == "2002-03-01"  # DTM*150 (service period start)
    assert first["decision_date"] == first["paid_date"] == "2002-03-14"
    assert first["billed_amount"] == "800.00"
    assert first["paid_amount"] == "500.00"
    assert first["carc_codes"] == "PR-1;CO-A2"  # the line's own, then the claim's
    assert first["status"] == "paid"
    assert all(c.balanced for c in balance_checks(x12))


def test_medicare_part_a_claims_without_lines_and_plb_kept_apart() -> None:
    x12 = read_x12(LFH / "835" / "835_005010X221A1__medicare-part-a.835")
    assert x12.warnings == ()
    (plb,) = x12.provider_adjustments
    assert (plb.provider_id, plb.reason, plb.reference, plb.amount) == (
        "6543210903",
        "CV",
        "CP",
        Decimal("-1.27"),
    )
    assert plb.fiscal_period_end == date(2002, 12, 31)
    rows = rows_of(x12)
    assert [r.claim_level for r in rows] == [True, True]
    assert rows[1].values["rarc_codes"] == "MA02"  # MOA remark
    assert rows[0].values["payer_id"] == "999"  # REF*2U of the payer loop
    assert all(c.balanced for c in balance_checks(x12))


def test_dental_sample_reads_rendering_npi_and_allowed() -> None:
    lines = by_line(BAD / "835" / "X221-era-sample.edi")
    assert len(lines) == 5
    line = lines[("7722337", "2")]
    assert line["cpt"] == "D0220"
    assert line["allowed_amount"] == "14.00"
    assert line["rendering_npi"] == "1811901945"
    assert line["paid_date"] == "2014-03-31"  # BPR16
    assert line["decision_date"] == "2014-03-31"  # no DTM*405: BPR16


def test_secondary_payment_modifiers_and_prior_payer_share_is_not_partial() -> None:
    lines = by_line(BAD / "835" / "X221-secondary-payments.edi")
    first = lines[("0001000053", "1")]
    assert (first["cpt"], first["modifiers"]) == ("12345", "26")
    # allowed 150, prior payer paid its share (OA-23 136.50): 30 is what was owed
    assert first["status"] == "paid"
    second = lines[("0001000053", "2")]
    assert second["carc_codes"] == "PR-1;PR-2;CO-42"


def test_wrong_component_separator_is_read_with_one_warning() -> None:
    x12 = read_x12(LFH / "835" / "835_005010X221A1__secondary-payment.835")
    separator_warnings = [w for w in x12.warnings if "component separator" in w.message]
    assert len(separator_warnings) == 1
    lines = by_line(LFH / "835" / "835_005010X221A1__secondary-payment.835")
    assert lines[("0001000053", "2")]["modifiers"] == "26"


def test_tertiary_sample_damaged_svc_is_a_warning_not_a_row() -> None:
    x12 = read_x12(LFH / "835" / "835_005010X221A1__tertiary-payment.835")
    (svc_warning,) = [w for w in x12.warnings if "SVC" in w.message]
    assert svc_warning.segment == 20
    (claim,) = x12.remittance_claims
    assert claim.lines == () and claim.skipped_lines == 1
    assert rows_of(x12) == []
    claim_check = [c for c in balance_checks(x12) if c.rule == "x12_claim_balance"]
    assert claim_check[0].balanced is False  # the lost line shows in the arithmetic


def test_837_payer_is_the_subscriber_payer_not_the_other_payer() -> None:
    # 2010BB names GREAT PRAIRIES; loop 2330B later names KEY INSURANCE COMPANY.
    lines = by_line(LFH / "837" / "837_005010X222A2__demo.cob.example3.B.837")
    assert {v["payer"] for v in lines.values()} == {"GREAT PRAIRIES HEALTH"}
    assert {v["payer_id"] for v in lines.values()} == {"567890"}
    # NM1*82 of loop 2310B; the 2330 rendering provider (no NPI) is not taken
    assert {v["rendering_npi"] for v in lines.values()} == {"1999996666"}


def test_837_payer_of_the_subscriber_applies_to_the_patient_hl() -> None:
    lines = by_line(BAD / "837" / "X222-commercial-health-insurance.edi")
    assert len(lines) == 4
    line = lines[("26463774", "3")]
    assert line["payer"] == "KEY INSURANCE COMPANY"
    assert line["payer_id"] == "999996666"
    assert line["submitted_date"] == "2006-10-15"
    assert line["date_of_service"] == "2006-10-10"
    assert line["place_of_service"] == "11"


def test_837_line_control_numbers_become_line_numbers() -> None:
    lines = by_line(LFH / "837" / "837_005010X222A2__demo.ambulance.example5.837")
    assert sorted(n for _, n in lines) == ["1001", "1002", "1003", "1004"]
    assert lines[("051068", "1002")]["units"] == "21"
    assert lines[("051068", "1002")]["place_of_service"] == "41"


def test_837_anesthesia_modifiers_minutes_and_rendering() -> None:
    line = by_line(BAD / "837" / "X222-anesthesia.edi")[("153829140", "1")]
    assert (line["cpt"], line["modifiers"]) == ("00142", "QK;QS;P1")
    assert line["units"] == "61"
    assert line["place_of_service"] == "22"
    assert line["rendering_npi"] == "5678912345"


def test_837_institutional_has_no_place_of_service() -> None:
    x12 = read_x12(LFH / "837" / "837_005010X223A3__two-claims-single-provider.837i")
    rows = rows_of(x12)
    assert [(r.values["claim_id"], r.values["cpt"]) for r in rows] == [
        ("756048Q", "85025"),
        ("756048Q", "93005"),
        ("756049Q", "85087"),
    ]
    assert {r.values["place_of_service"] for r in rows} == {None}
    assert rows[1].values["units"] == "3"
    claim = x12.submitted_claims[0]
    assert claim.lines[0].revenue_code == "0305"
    assert claim.facility_qualifier == "A"
    assert all(c.balanced for c in balance_checks(x12))


def test_837_date_range_takes_its_start() -> None:
    lines = by_line(LFH / "837" / "837_005010X222A2__demo.drug.example10.2.837")
    assert lines[("CLMNO12345", "1")]["date_of_service"] == "2004-02-01"
    assert lines[("CLMNO12345", "1")]["units"] == "7"
