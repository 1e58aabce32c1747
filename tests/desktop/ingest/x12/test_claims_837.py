"""837 claims become whole pending lines: payer, provider, place and dates."""

from __future__ import annotations

from pathlib import Path

from desktop.ingest.x12 import balance_checks

from .builders import HEADER_837, interchange, messages, read_segments, rows_of

HEADER = HEADER_837


def subscriber(hl: str, payer: str, payer_id: str, children: str = "0") -> tuple[str, ...]:
    return (
        f"HL*{hl}*1*22*{children}",
        "SBR*P*18*******CI",
        "NM1*IL*1*MEMBER*MAX****MI*MEMBER123",
        f"NM1*PR*2*{payer}*****PI*{payer_id}",
    )


def professional(*body: str) -> list[str]:
    return interchange("837", [*HEADER, *body])


def test_payer_rendering_place_and_dates(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        professional(
            *subscriber("2", "FIRST PLAN", "P1"),
            "CLM*A1*150***11:B:1*Y*A*Y*Y",
            "DTP*472*D8*20240102",
            "NM1*82*1*DOCTOR*DANA****XX*1245319599",
            "SBR*S*01*******CI",
            "NM1*IL*1*MEMBER*MAX****MI*OTHER1",
            "NM1*PR*2*SECOND PLAN*****PI*P2",
            "NM1*82*1*OTHER*DOC****XX*1999999984",
            "LX*1",
            "SV1*HC:99213:25*100*UN*1***1",
            "LX*2",
            "SV1*HC:93000*50*UN*2*22**1",
            "DTP*472*RD8*20240103-20240104",
            "NM1*82*1*LINE*DOC****XX*1376609297",
        ),
    )
    assert x12.warnings == ()
    first, second = rows_of(x12)
    assert first.values["payer"] == "FIRST PLAN" and first.values["payer_id"] == "P1"
    assert first.values["rendering_npi"] == "1245319599"  # 2310B, not the other payer's
    assert first.values["place_of_service"] == "11"  # CLM05-1
    assert first.values["date_of_service"] == "2024-01-02"  # claim-level DTP*472
    assert first.values["submitted_date"] == "2024-01-10"  # BHT04
    assert (first.values["cpt"], first.values["modifiers"]) == ("99213", "25")
    assert second.values["place_of_service"] == "22"  # SV105 overrides CLM05-1
    assert second.values["date_of_service"] == "2024-01-03"
    assert second.values["rendering_npi"] == "1376609297"  # 2420A
    assert second.values["units"] == "2"
    assert all(c.balanced for c in balance_checks(x12))


def test_patient_hl_inherits_its_subscribers_payer(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        professional(
            *subscriber("2", "FIRST PLAN", "P1", children="1"),
            "HL*3*2*23*0",
            "PAT*19",
            "NM1*QC*1*CHILD*CASEY",
            "CLM*A1*100***11:B:1*Y*A*Y*Y",
            "LX*1",
            "SV1*HC:99213*100*UN*1***1",
            "DTP*472*D8*20240102",
            *subscriber("4", "THIRD PLAN", "P3"),
            "CLM*A2*80***11:B:1*Y*A*Y*Y",
            "LX*1",
            "SV1*HC:99212*80*UN*1***1",
            "DTP*472*D8*20240102",
        ),
    )
    rows = rows_of(x12)
    assert [(r.values["claim_id"], r.values["payer"]) for r in rows] == [
        ("A1", "FIRST PLAN"),
        ("A2", "THIRD PLAN"),
    ]


def test_institutional_claim_has_no_place_of_service(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        interchange(
            "837",
            [
                *HEADER,
                *subscriber("2", "FIRST PLAN", "P1"),
                "CLM*I1*300***13:A:1*Y*A*Y*Y",
                "DTP*434*RD8*20240101-20240102",
                "LX*1",
                "SV2*0450*HC:99284*200*UN*1",
                "LX*2",
                "SV2*0300**100*UN*1",
            ],
            version="005010X223A2",
        ),
    )
    first, second = rows_of(x12)
    assert first.values["place_of_service"] is None
    assert first.values["date_of_service"] == "2024-01-01"  # statement start
    assert first.values["cpt"] == "99284"
    assert second.values["cpt"] is None
    assert "revenue code but no procedure code" in messages(x12)


def test_void_claim_gives_no_pending_lines(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        professional(
            *subscriber("2", "FIRST PLAN", "P1"),
            "CLM*V1*100***11:B:8*Y*A*Y*Y",
            "LX*1",
            "SV1*HC:99213*100*UN*1***1",
            "DTP*472*D8*20240102",
        ),
    )
    assert rows_of(x12) == []
    assert "void" in messages(x12)


def test_claim_sent_twice_keeps_the_later_lines(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        professional(
            *subscriber("2", "FIRST PLAN", "P1"),
            "CLM*A1*100***11:B:1*Y*A*Y*Y",
            "LX*1",
            "SV1*HC:99213*100*UN*1***1",
            "DTP*472*D8*20240102",
            "CLM*A1*120***11:B:7*Y*A*Y*Y",
            "LX*1",
            "SV1*HC:99214*120*UN*1***1",
            "DTP*472*D8*20240102",
        ),
    )
    (row,) = rows_of(x12)
    assert (row.values["cpt"], row.values["billed_amount"]) == ("99214", "120.00")
    assert "sent more than once" in messages(x12)


def test_claim_without_payer_or_lines_is_reported(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        professional(
            "HL*2*1*22*0",
            "SBR*P*18*******CI",
            "CLM*A1*100***11:B:1*Y*A*Y*Y",
        ),
    )
    text = messages(x12)
    assert "has no payer" in text
    assert "has no service lines" in text
    assert rows_of(x12) == []


def test_charge_total_check(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        professional(
            *subscriber("2", "FIRST PLAN", "P1"),
            "CLM*A1*999***11:B:1*Y*A*Y*Y",
            "LX*1",
            "SV1*HC:99213*100*UN*1***1",
        ),
    )
    (check,) = balance_checks(x12)
    assert (check.rule, check.balanced, check.segment) == ("x12_claim_charge", False, 13)
    assert str(check.difference) == "899.00"
