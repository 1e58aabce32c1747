"""Reversals (CLP02 = 22) net against the claim they reverse; repeated claims."""

from __future__ import annotations

from pathlib import Path

from desktop.ingest.x12 import X12Row, balance_checks
from desktop.ingest.x12.rows import DECISION_COLUMNS

from .builders import ISA, messages, read_segments, remittance, rows_of

ORIGINAL = (
    "CLP*C1*1*200*150**12*PCN1",
    "SVC*HC:99213*120*90**1",
    "DTM*472*20231201",
    "CAS*CO*45*30",
    "SVC*HC:99214*80*60**1",
    "DTM*472*20231201",
    "CAS*CO*45*20",
)
REVERSAL = (
    "CLP*C1*22*-200*-150**12*PCN1",
    "SVC*HC:99213*-120*-90**1",
    "DTM*472*20231201",
    "CAS*CO*45*-30",
    "SVC*HC:99214*-80*-60**1",
    "DTM*472*20231201",
    "CAS*CO*45*-20",
)
CORRECTION = (
    "CLP*C1*1*200*130**12*PCN2",
    "SVC*HC:99213*120*70**1",
    "DTM*472*20231201",
    "CAS*CO*45*30",
    "CAS*CO*59*20",
    "SVC*HC:99214*80*60**1",
    "DTM*472*20231201",
    "CAS*CO*45*20",
)


def by_line(rows: list[X12Row]) -> dict[str | None, dict[str, str | None]]:
    return {r.values["line_number"]: r.values for r in rows}


def test_paid_and_reversed_in_the_same_file_goes_back_to_pending(tmp_path: Path) -> None:
    x12 = read_segments(tmp_path, remittance(*ORIGINAL, *REVERSAL, total="0"))
    rows = rows_of(x12)
    assert [r.values["status"] for r in rows] == ["pending", "pending"]
    assert all(r.cleared == DECISION_COLUMNS for r in rows)
    first = rows[0].values
    assert (first["cpt"], first["billed_amount"], first["paid_amount"]) == ("99213", "120.00", None)
    assert "paid (segment 12) and reversed in this file" in messages(x12)
    assert all(c.balanced for c in balance_checks(x12))


def test_reversal_of_an_earlier_file_puts_lines_back_to_pending(tmp_path: Path) -> None:
    x12 = read_segments(tmp_path, remittance(*REVERSAL, total="-150"))
    rows = rows_of(x12)
    assert [(r.values["line_number"], r.values["status"]) for r in rows] == [
        ("1", "pending"),
        ("2", "pending"),
    ]
    assert rows[1].values["billed_amount"] == "80.00"
    assert all(r.cleared == DECISION_COLUMNS for r in rows)
    (warning,) = x12.warnings
    assert warning.segment == 12
    assert "payment not in this file" in warning.message


def test_reversal_then_correction_leaves_the_correction(tmp_path: Path) -> None:
    x12 = read_segments(tmp_path, remittance(*REVERSAL, *CORRECTION, total="-20"))
    assert x12.warnings == ()
    lines = by_line(rows_of(x12))
    assert lines["1"]["status"] == "partial"  # CO-59 took 20 of what was allowed
    assert lines["1"]["paid_amount"] == "70.00"
    assert lines["1"]["carc_codes"] == "CO-45;CO-59"
    assert lines["2"]["status"] == "paid"
    assert all(c.balanced for c in balance_checks(x12))


def test_original_reversal_and_correction_in_one_file(tmp_path: Path) -> None:
    x12 = read_segments(tmp_path, remittance(*ORIGINAL, *REVERSAL, *CORRECTION, total="130"))
    assert x12.warnings == ()
    lines = by_line(rows_of(x12))
    assert (lines["1"]["paid_amount"], lines["2"]["paid_amount"]) == ("70.00", "60.00")
    assert all(c.balanced for c in balance_checks(x12))


def test_correction_covering_fewer_lines_leaves_the_rest_pending(tmp_path: Path) -> None:
    correction = (
        "CLP*C1*1*120*90**12*PCN2",
        "SVC*HC:99213*120*90**1",
        "CAS*CO*45*30",
    )
    x12 = read_segments(tmp_path, remittance(*REVERSAL, *correction, total="-60"))
    lines = by_line(rows_of(x12))
    assert (lines["1"]["status"], lines["2"]["status"]) == ("paid", "pending")
    assert "back to pending" in messages(x12)


def test_reversal_that_does_not_match_is_netted(tmp_path: Path) -> None:
    partial_reversal = (
        "CLP*C1*22*-200*-50**12*PCN1",
        "SVC*HC:99213*-120*-50**1",
        "CAS*CO*45*-30",
        "CAS*CO*59*-40",
    )
    x12 = read_segments(tmp_path, remittance(*ORIGINAL, *partial_reversal, total="100"))
    assert "does not cancel the claim at segment 12 exactly" in messages(x12)
    lines = by_line(rows_of(x12))
    assert lines["1"]["paid_amount"] == "40.00"
    assert lines["1"]["carc_codes"] == "CO-59"  # CO-45 netted to zero
    assert lines["2"]["paid_amount"] == "60.00"  # untouched by the reversal


def test_reversal_larger_than_the_claim_counts_as_reversed(tmp_path: Path) -> None:
    too_much = ("CLP*C1*22*-100*-300**12*PCN1",)
    x12 = read_segments(tmp_path, remittance(*ORIGINAL, *too_much, total="-150"))
    assert "takes back more" in messages(x12)
    assert {r.values["status"] for r in rows_of(x12)} == {"pending"}


def test_claim_level_reversal_without_lines(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path, remittance("CLP*C9*22*-500*-400**11*PCN9", "CAS*CO*45*-100", total="-400")
    )
    (row,) = rows_of(x12)
    assert row.claim_level
    assert (row.values["line_number"], row.values["status"]) == ("1", "pending")
    assert row.values["billed_amount"] == "500.00"


def test_reversal_in_another_transaction_set_of_the_file(tmp_path: Path) -> None:
    first = remittance(*ORIGINAL, total="150")[2:-2]
    second = remittance(*REVERSAL, total="-150")[2:-2]
    second[0] = second[0].replace("*0001*", "*0002*")
    second[-1] = second[-1].replace("*0001", "*0002")
    segments = [
        ISA,
        "GS*HP*SENDER*RECEIVER*20240105*1200*1*X*005010X221A1",
        *first,
        *second,
        "GE*2*1",
        "IEA*1*000000001",
    ]
    x12 = read_segments(tmp_path, segments)
    assert len(x12.remittances) == 2
    assert {r.values["status"] for r in rows_of(x12)} == {"pending"}


def test_claim_decided_twice_keeps_the_later_decision(tmp_path: Path) -> None:
    again = ("CLP*C1*1*120*100**12*PCN3", "SVC*HC:99213*120*100**1", "CAS*CO*45*20")
    x12 = read_segments(tmp_path, remittance(*ORIGINAL, *again, total="250"))
    lines = by_line(rows_of(x12))
    assert lines["1"]["paid_amount"] == "100.00"
    assert lines["2"]["paid_amount"] == "60.00"  # only decided once
    assert "decided 2 times" in messages(x12)
