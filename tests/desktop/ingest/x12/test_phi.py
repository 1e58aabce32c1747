"""Patient segments never reach a result object, a row or a warning.

Canary values sit in every patient segment (NM1*QC/IL/74, DMG, N3/N4, REF, PAT,
PER). They must not appear in the repr of the ``X12File``, its rows, its balance
checks or its warnings, also when a lost terminator glues a patient segment onto
the segment before it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.ingest.x12 import X12File, X12ReadError, balance_checks, canonical_rows, read_x12

from .builders import HEADER_837, interchange, remittance, render, write

CANARIES = ("ZZLAST", "ZZFIRST", "918273645", "ZZSTREET", "ZZTOWN", "19010203", "1901-02-03")

REMITTANCE = remittance(
    "CLP*PCN1*1*100*70*10*12*PAYERREF1",
    "CAS*CO*45*20",
    "NM1*QC*1*ZZLAST*ZZFIRST****MI*918273645",
    "NM1*IL*1*ZZLAST*ZZFIRST****MI*918273645",
    "NM1*74*1*ZZLAST*ZZFIRST****C*918273645",
    "REF*1W*918273645",
    "REF*EA*918273645",
    "MOA***MA01",
    "DTM*050*20231215",
    "SVC*HC:99213*100*70**1",
    "DTM*472*20231202",
    "CAS*PR*2*10",
    "AMT*B6*80",
    "LQ*HE*N130",
    total="70",
)
SUBMISSION = interchange(
    "837",
    [
        *HEADER_837,
        "HL*2*1*22*1",
        "SBR*P*18*******CI",
        "NM1*IL*1*ZZLAST*ZZFIRST****MI*918273645",
        "N3*1 ZZSTREET",
        "N4*ZZTOWN*IL*62701",
        "DMG*D8*19010203*F",
        "REF*SY*918273645",
        "NM1*PR*2*FIRST PLAN*****PI*P1",
        "HL*3*2*23*0",
        "PAT*19",
        "NM1*QC*1*ZZLAST*ZZFIRST",
        "N3*1 ZZSTREET",
        "N4*ZZTOWN*IL*62701",
        "DMG*D8*19010203*M",
        "REF*Y4*918273645",
        "PER*IC*ZZLAST*TE*918273645",
        "CLM*PCN2*100***11:B:1*Y*A*Y*Y",
        "LX*1",
        "SV1*HC:99213*100*UN*1***1",
        "DTP*472*D8*20240102",
    ],
)


def everything(x12: X12File) -> str:
    rows = list(canonical_rows(x12))
    return "\n".join((repr(x12), repr(rows), repr(balance_checks(x12))))


def assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


@pytest.mark.parametrize("segments", [REMITTANCE, SUBMISSION], ids=["835", "837"])
def test_patient_segments_are_not_copied(tmp_path: Path, segments: list[str]) -> None:
    x12 = read_x12(write(tmp_path, render(segments)))
    rows = list(canonical_rows(x12))
    assert rows and rows[0].values["claim_id"] in ("PCN1", "PCN2")
    assert x12.warnings == ()
    assert_no_canary(everything(x12))


@pytest.mark.parametrize("segments", [REMITTANCE, SUBMISSION], ids=["835", "837"])
def test_lost_terminators_never_carry_patient_text(tmp_path: Path, segments: list[str]) -> None:
    # Glue each segment onto the one before it, one junction at a time.
    for junction in range(1, len(segments)):
        glued = [
            *segments[: junction - 1],
            segments[junction - 1] + segments[junction],
            *segments[junction + 1 :],
        ]
        try:
            x12 = read_x12(write(tmp_path, render(glued)))
        except X12ReadError:
            continue
        assert_no_canary(everything(x12))
