"""What an 835 decision becomes in rows: statuses, codes, dates, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.ingest.x12 import balance_checks

from .builders import interchange, messages, read_segments, remittance, rows_of


def one_line(tmp_path: Path, *claim: str, total: str = "0") -> dict[str, str | None]:
    x12 = read_segments(tmp_path, remittance(*claim, total=total))
    (row,) = rows_of(x12)
    return row.values


@pytest.mark.parametrize(
    ("claim", "status"),
    [
        # claim denied as a whole
        (("CLP*D1*4*100*0**12*P", "SVC*HC:99213*100*0", "CAS*CO*197*100"), "denied"),
        # line paid nothing for a denial reason
        (("CLP*D2*1*100*0**12*P", "SVC*HC:99213*100*0", "CAS*CO*50*100"), "denied"),
        (("CLP*D3*1*100*0**12*P", "SVC*HC:99213*100*0", "CAS*OA*18*100"), "denied"),
        (("CLP*D4*1*100*0**12*P", "SVC*HC:99213*100*0", "CAS*PI*204*100"), "denied"),
        # paid nothing, but only a contractual write-down or the patient's share
        (("CLP*P1*1*100*0**12*P", "SVC*HC:99213*100*0", "CAS*CO*45*100"), "paid"),
        (("CLP*P2*1*100*0*100*12*P", "SVC*HC:99213*100*0", "CAS*PR*1*100"), "paid"),
        # paid nothing; the denial reason is at claim level
        (("CLP*D5*1*100*0**12*P", "CAS*CO*16*100", "SVC*HC:99213*100*0"), "denied"),
        # paid what the contract says
        (("CLP*P3*1*100*60*20*12*P", "SVC*HC:99213*100*60", "CAS*CO*45*20", "CAS*PR*3*20"), "paid"),
        # paid less than allowed minus patient share: part of it denied
        (
            (
                "CLP*R1*1*100*40*20*12*P",
                "SVC*HC:99213*100*40",
                "CAS*CO*45*20",
                "CAS*PR*3*20",
                "CAS*CO*59*20",
            ),
            "partial",
        ),
        # the same, told by AMT*B6 only
        (("CLP*R2*1*100*40**12*P", "SVC*HC:99213*100*40", "CAS*CO*45*60", "AMT*B6*80"), "partial"),
    ],
    ids=lambda v: v if isinstance(v, str) else v[0].split("*")[1],
)
def test_line_status(tmp_path: Path, claim: tuple[str, ...], status: str) -> None:
    values = one_line(tmp_path, *claim)
    assert values["status"] == status


def test_denied_line_has_no_paid_date_and_says_so(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        remittance("CLP*D1*4*100*0**12*P", "SVC*HC:99213*100*0", "CAS*CO*197*100", total="0"),
    )
    (row,) = rows_of(x12)
    assert row.values["paid_date"] is None
    assert "paid_date" in row.cleared
    assert row.values["decision_date"] == "2024-01-03"
    assert row.values["carc_codes"] == "CO-197"


def test_paid_line_with_nothing_to_say_clears_old_codes(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path, remittance("CLP*C1*1*100*100**12*P", "SVC*HC:99213*100*100", total="100")
    )
    (row,) = rows_of(x12)
    assert row.values["carc_codes"] is None and row.values["rarc_codes"] is None
    assert {"carc_codes", "rarc_codes"} <= row.cleared
    assert row.values["paid_date"] == "2024-01-05"
    # the file does not say these: the stored values stay
    for column in ("allowed_amount", "units", "submitted_date", "place_of_service", "modifiers"):
        assert row.values[column] is None
        assert column not in row.cleared


def test_paid_code_differs_from_billed_code(tmp_path: Path) -> None:
    values = one_line(
        tmp_path,
        "CLP*C1*1*200*80**12*P",
        "SVC*HC:99213*200*80**1*HC:99215:25*2",
        "CAS*CO*45*120",
        total="80",
    )
    assert (values["cpt"], values["modifiers"]) == ("99215", "25")
    assert values["units"] == "2"  # SVC07, the units billed


def test_dates_remarks_rendering_and_allowed(tmp_path: Path) -> None:
    values = one_line(
        tmp_path,
        "CLP*C1*1*100*70*10*12*P",
        "NM1*82*1*DOCTOR*DANA****XX*1234567893",
        "MOA***MA01*N1",
        "DTM*050*20231215",
        "DTM*232*20231201",
        "SVC*HC:99213*100*70**1",
        "DTM*472*20231202",
        "CAS*CO*45*20*1",
        "CAS*PR*2*10",
        "AMT*B6*80",
        "LQ*HE*N130",
        "LQ*HE*M127",
        total="70",
    )
    assert values["submitted_date"] == "2023-12-15"  # DTM*050, received
    assert values["date_of_service"] == "2023-12-02"
    assert values["allowed_amount"] == "80.00"
    assert values["rarc_codes"] == "N130;M127;MA01;N1"  # line remarks, then claim remarks
    assert values["rendering_npi"] == "1234567893"


def test_line_rendering_npi_overrides_the_claim(tmp_path: Path) -> None:
    values = one_line(
        tmp_path,
        "CLP*C1*1*100*100**12*P",
        "NM1*82*1*DOCTOR*DANA****XX*1234567893",
        "SVC*HC:99213*100*100",
        "REF*HPI*1245319599",
        total="100",
    )
    assert values["rendering_npi"] == "1245319599"


def test_claim_date_of_service_falls_back_to_the_statement_period(tmp_path: Path) -> None:
    values = one_line(
        tmp_path,
        "CLP*C1*1*100*100**12*P",
        "DTM*232*20231101",
        "SVC*HC:99213*100*100",
        total="100",
    )
    assert values["date_of_service"] == "2023-11-01"


def test_line_numbers_from_numeric_control_numbers(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        remittance(
            "CLP*C1*1*30*30**12*P",
            "SVC*HC:99213*10*10",
            "REF*6R*7",
            "SVC*HC:99214*20*20",
            "REF*6R*3",
            total="30",
        ),
    )
    assert [r.values["line_number"] for r in rows_of(x12)] == ["7", "3"]
    assert x12.warnings == ()


def test_line_numbers_by_position_when_control_numbers_are_text(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        remittance(
            "CLP*C1*1*30*30**12*P",
            "SVC*HC:99213*10*10",
            "REF*6R*ABC-1",
            "SVC*HC:99214*20*20",
            "REF*6R*ABC-2",
            total="30",
        ),
    )
    assert [r.values["line_number"] for r in rows_of(x12)] == ["1", "2"]
    assert x12.warnings == ()


def test_line_numbers_by_position_when_control_numbers_are_partial(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        remittance(
            "CLP*C1*1*30*30**12*P",
            "SVC*HC:99213*10*10",
            "REF*6R*2",
            "SVC*HC:99214*20*20",
            total="30",
        ),
    )
    assert [r.values["line_number"] for r in rows_of(x12)] == ["1", "2"]
    (warning,) = x12.warnings
    assert warning.segment == 12 and "numbered by position" in warning.message


def test_provider_level_adjustments_are_kept_apart(tmp_path: Path) -> None:
    segments = remittance(
        "CLP*C1*1*100*100**12*P",
        "SVC*HC:99213*100*100",
        total="85.50",
        plb=("PLB*1234567893*20241231*WO:PCN9*20.00*L6*-5.50",),
    )
    x12 = read_segments(tmp_path, segments)
    assert x12.warnings == ()
    first, second = x12.provider_adjustments
    assert (first.reason, first.reference, str(first.amount)) == ("WO", "PCN9", "20.00")
    assert (second.reason, second.reference, str(second.amount)) == ("L6", None, "-5.50")
    (row,) = rows_of(x12)
    assert row.values["paid_amount"] == "100.00"  # PLB never lands on a claim line
    bpr = [c for c in balance_checks(x12) if c.rule == "x12_bpr_balance"]
    assert bpr[0].balanced


def test_payment_date_falls_back_to_the_production_date(tmp_path: Path) -> None:
    body = [
        "BPR*I*100*C*CHK",
        "TRN*1*CHK1*1999999999",
        "DTM*405*20240103",
        "N1*PR*ACME HEALTH PLAN",
        "LX*1",
        "CLP*C1*1*100*100**12*P",
        "SVC*HC:99213*100*100",
    ]
    x12 = read_segments(tmp_path, interchange("835", body))
    (row,) = rows_of(x12)
    assert row.values["paid_date"] == row.values["decision_date"] == "2024-01-03"
    assert "BPR16" in messages(x12)


def test_revenue_code_only_line_does_not_claim_a_cpt(tmp_path: Path) -> None:
    values = one_line(tmp_path, "CLP*C1*1*100*100**12*P", "SVC*NU:0450*100*100", total="100")
    assert values["cpt"] is None  # the stored CPT stays


def test_predetermination_gives_no_rows(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path, remittance("CLP*C1*25*100*0**12*P", "SVC*HC:99213*100*0", total="0")
    )
    assert rows_of(x12) == []
    assert "predetermination" in messages(x12)


def test_debit_remittance_balances_with_a_negative_total(tmp_path: Path) -> None:
    segments = remittance("CLP*C1*22*-100*-100**12*P", "SVC*HC:99213*-100*-100", total="100")
    segments[3] = segments[3].replace("*C*ACH*", "*D*ACH*")
    x12 = read_segments(tmp_path, segments)
    assert all(c.balanced for c in balance_checks(x12))
