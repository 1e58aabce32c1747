"""The file-format quirks of real payer files, each in a small hand-written file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from desktop.ingest.x12 import balance_checks, read_x12, sniff

from .builders import interchange, read_segments, remittance, render, rows_of, write

CLAIM = (
    "CLP*C100*1*150.00*100.00*20.00*12*PCN100",
    "SVC*HC:99213:25*150.00*100.00**1",
    "DTM*472*20240101",
    "CAS*CO*45*30.00",
    "CAS*PR*2*20.00",
    "AMT*B6*120.00",
)


def only_row(path: Path) -> dict[str, str | None]:
    x12 = read_x12(path)
    (row,) = rows_of(x12)
    return row.values


def expected_line(values: dict[str, str | None]) -> None:
    assert values["claim_id"] == "C100"
    assert (values["cpt"], values["modifiers"]) == ("99213", "25")
    assert values["billed_amount"] == "150.00"
    assert values["allowed_amount"] == "120.00"
    assert values["paid_amount"] == "100.00"
    assert values["carc_codes"] == "CO-45;PR-2"
    assert values["status"] == "paid"
    assert values["date_of_service"] == "2024-01-01"


def test_reference_file_reads_cleanly(tmp_path: Path) -> None:
    x12 = read_segments(tmp_path, remittance(*CLAIM))
    assert x12.warnings == ()
    expected_line(rows_of(x12)[0].values)


def test_file_starting_at_st_without_envelope(tmp_path: Path) -> None:
    segments = remittance(*CLAIM)[2:-2]  # ST .. SE
    assert segments[0].startswith("ST*835")
    path = write(tmp_path, render(segments))
    assert sniff(path.read_bytes()) == "835"
    x12 = read_x12(path)
    assert x12.warnings == ()
    assert x12.version == "005010X221A1"  # from ST03
    expected_line(only_row(path))


def test_isa_not_padded_to_fixed_width(tmp_path: Path) -> None:
    segments = remittance(*CLAIM)
    segments[0] = "ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*240105*1200*^*00501*1*0*P*:"
    path = write(tmp_path, render(segments))
    assert sniff(path.read_bytes()) == "835"
    expected_line(only_row(path))


def test_pipe_element_and_caret_component_separators(tmp_path: Path) -> None:
    segments = [s.replace("*", "|").replace(":", "^") for s in remittance(*CLAIM)]
    # ISA11 is the repetition separator in 005010; use a distinct one here.
    segments[0] = segments[0].replace("|^|00501|", "|!|00501|")
    path = write(tmp_path, render(segments))
    assert sniff(path.read_bytes()) == "835"
    x12 = read_x12(path)
    assert x12.warnings == ()
    expected_line(rows_of(x12)[0].values)


def test_pipe_and_caret_without_envelope_learns_the_component_separator(tmp_path: Path) -> None:
    segments = [s.replace("*", "|").replace(":", "^") for s in remittance(*CLAIM)[2:-2]]
    x12 = read_segments(tmp_path, segments)
    assert x12.warnings == ()
    expected_line(rows_of(x12)[0].values)


@pytest.mark.parametrize("envelope", [True, False], ids=["isa", "st"])
def test_control_characters_as_separators(tmp_path: Path, envelope: bool) -> None:
    segments = remittance(*CLAIM)
    segments = segments if envelope else segments[2:-2]
    text = render([s.replace("*", "\x1d").replace(":", "\x1f") for s in segments], "\x1c\r\n")
    path = write(tmp_path, text.replace("\x1d^\x1d", "\x1d!\x1d"))
    assert sniff(path.read_bytes()) == "835"
    x12 = read_x12(path)
    assert x12.warnings == ()
    expected_line(rows_of(x12)[0].values)


@pytest.mark.parametrize(
    "terminator",
    ["~", "~\n", "~\r\n", "\n~", "\r\n~\r\n", "\n"],
    ids=["none", "after-lf", "after-crlf", "before", "both", "newline-is-terminator"],
)
def test_line_breaks_around_the_terminator(tmp_path: Path, terminator: str) -> None:
    path = write(tmp_path, render(remittance(*CLAIM), terminator))
    assert sniff(path.read_bytes()) == "835"
    x12 = read_x12(path)
    assert x12.warnings == ()
    expected_line(rows_of(x12)[0].values)


def test_file_wrapped_at_a_fixed_width(tmp_path: Path) -> None:
    text = render(remittance(*CLAIM), "~")
    wrapped = "\r\n".join(text[i : i + 80] for i in range(0, len(text), 80))
    x12 = read_x12(write(tmp_path, wrapped))
    assert x12.warnings == ()
    expected_line(rows_of(x12)[0].values)


def test_byte_order_mark_and_leading_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "bom.835"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n" + render(remittance(*CLAIM)).encode())
    assert sniff(path.read_bytes()) == "835"
    expected_line(only_row(path))


def test_version_4010_with_correction_group_cr(tmp_path: Path) -> None:
    segments = interchange(
        "835",
        [
            "BPR*I*90.00*C*CHK************20040105",
            "TRN*1*CHK4010*1999999999",
            "DTM*405*20040102",
            "N1*PR*OLD STYLE PAYER",
            "N1*PE*TEST CLINIC*XX*1234567893",
            "LX*1",
            "CLP*C4010*1*100.00*90.00**MC*PCN4010",
            "SVC*HC:99212*100.00*90.00**1",
            "DTM*472*20031220",
            "CAS*CR*45*4.00",
            "CAS*CO*45*6.00",
        ],
        version="004010X091A1",
    )
    segments[0] = segments[0].replace("*^*00501*", "*U*00401*")
    x12 = read_segments(tmp_path, segments)
    assert x12.warnings == ()
    assert x12.version == "004010X091A1"
    (row,) = rows_of(x12)
    assert row.values["carc_codes"] == "CR-45;CO-45"
    assert row.values["status"] == "paid"
    assert row.values["paid_date"] == "2004-01-05"
    assert all(c.balanced for c in balance_checks(x12))


def test_payer_n1_repeated_inside_the_claim_loop(tmp_path: Path) -> None:
    segments = remittance(
        "CLP*C1*1*100.00*80.00**12*PCN1",
        "N1*PR*ACME HEALTH PLAN",
        "SVC*HC:99213*100.00*80.00",
        "CAS*CO*45*20.00",
        "CLP*C2*1*50.00*50.00**12*PCN2",
        "N1*PR*ANOTHER NAME",
        "SVC*HC:99212*50.00*50.00",
        total="130.00",
    )
    x12 = read_segments(tmp_path, segments)
    rows = rows_of(x12)
    assert [(r.values["claim_id"], r.values["cpt"]) for r in rows] == [
        ("C1", "99213"),
        ("C2", "99212"),
    ]
    assert {r.values["payer"] for r in rows} == {"ACME HEALTH PLAN"}
    (warning,) = x12.warnings
    assert "another payer" in warning.message
    assert all(c.balanced for c in balance_checks(x12))


def test_six_adjustment_triplets_in_one_cas(tmp_path: Path) -> None:
    segments = remittance(
        "CLP*C6*1*200.00*140.00*30.00*12*PCN6",
        "SVC*HC:99215*200.00*140.00**1",
        "CAS*CO*45*10.00**59*5.00**253*2.00**42*3.00**131*4.00**94*6.00*1",
        "CAS*PR*1*10.00**2*15.00**3*5.00",
        total="140.00",
    )
    x12 = read_segments(tmp_path, segments)
    assert x12.warnings == ()
    (line,) = x12.remittance_claims[0].lines
    assert len(line.adjustments) == 9
    assert line.adjustments[5].quantity == Decimal(1)
    (row,) = rows_of(x12)
    assert row.values["carc_codes"] == "CO-45;CO-59;CO-253;CO-42;CO-131;CO-94;PR-1;PR-2;PR-3"
    assert all(c.balanced for c in balance_checks(x12))


def test_segment_numbers_count_from_the_first_segment(tmp_path: Path) -> None:
    x12 = read_segments(tmp_path, remittance(*CLAIM))
    (claim,) = x12.remittance_claims
    # ISA GS ST BPR TRN DTM N1 N3 N4 N1 LX CLP SVC
    assert claim.segment == 12
    assert claim.lines[0].segment == 13
    assert x12.remittances[0].bpr_segment == 4
