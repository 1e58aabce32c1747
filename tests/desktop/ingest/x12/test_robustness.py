"""Garbage, truncated and damaged files: warnings or the typed error, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.errors import InvalidInput
from desktop.ingest.x12 import (
    NotX12Error,
    UnsupportedX12Error,
    X12File,
    X12ReadError,
    balance_checks,
    canonical_rows,
    read_x12,
    sniff,
)
from desktop.ingest.x12.elements import WarningLog

from .builders import interchange, messages, read_segments, remittance, render, write

DATA = Path(__file__).resolve().parents[3] / "data" / "x12"
SAMPLE_835 = (DATA / "badX12" / "835" / "X221-multiple-claims-single-check.edi").read_bytes()
SAMPLE_837 = (
    DATA / "linuxforhealth-x12" / "837" / "837_005010X222A2__demo.ambulance.example5.837"
).read_bytes()
SAMPLES = [SAMPLE_835, SAMPLE_837]


def read_bytes_or_typed_error(content: bytes) -> X12File | None:
    """Read ``content``; the only exception allowed is the reader's typed error."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.x12"
        path.write_bytes(content)
        try:
            x12 = read_x12(path)
        except X12ReadError:
            return None
    # whatever was read must also go through the rest of the interface
    list(canonical_rows(x12))
    balance_checks(x12)
    return x12


@pytest.mark.parametrize(
    ("content", "error", "reason"),
    [
        (b"", NotX12Error, "empty"),
        (b"\n\r\n  ", NotX12Error, "empty"),
        (b"claim_id,payer,cpt\nC1,ACME,99213\n", NotX12Error, "does not start"),
        (b"\x00\x01\x02\xff\xfe binary", NotX12Error, "does not start"),
        (b"ISA*00*", NotX12Error, "incomplete"),
        (b"ISA*00*0*00*0*ZZ*S*ZZ*R*240101*1200*^*00501*1*0*P", NotX12Error, "incomplete"),
        (b"ST835", NotX12Error, "element separator"),
        (b"ST*835*0001", NotX12Error, "terminator"),
    ],
)
def test_not_x12_raises_the_typed_error(
    tmp_path: Path, content: bytes, error: type[Exception], reason: str
) -> None:
    with pytest.raises(error, match=reason) as raised:
        read_x12(write(tmp_path, content.decode("latin-1")))
    assert isinstance(raised.value, InvalidInput)
    assert sniff(content) is None


def test_x12_without_835_or_837_raises_the_typed_error(tmp_path: Path) -> None:
    segments = interchange("835", ["BHT*0022*13*X*20240101*1200"])
    segments[1] = segments[1].replace("GS*HP", "GS*HS")
    segments[2] = "ST*270*0001*005010X279A1"
    path = write(tmp_path, render(segments))
    assert sniff(path.read_bytes()) is None
    with pytest.raises(UnsupportedX12Error, match="found: 270"):
        read_x12(path)


def test_envelope_damage_is_reported_not_fatal(tmp_path: Path) -> None:
    segments = remittance("CLP*C1*1*100*100**12*P", "SVC*HC:99213*100*100")
    segments[-3] = "SE*99*9999"  # wrong count and control number
    segments[-2] = "GE*7*1"
    segments[-1] = "IEA*5*000000001"
    x12 = read_segments(tmp_path, segments)
    text = messages(x12)
    for expected in ("SE01", "SE02", "GE01", "IEA01"):
        assert expected in text
    assert len(list(canonical_rows(x12))) == 1


def test_truncated_file_keeps_what_was_read(tmp_path: Path) -> None:
    text = render(remittance("CLP*C1*1*100*100**12*P", "SVC*HC:99213*100*100"), "~")
    cut = text[: text.index("SVC*HC:99213*100*100") + len("SVC*HC:99213*10")]
    x12 = read_x12(write(tmp_path, cut))
    text = messages(x12)
    assert "truncated" in text
    assert "no SE" in text
    (claim,) = x12.remittance_claims
    assert claim.lines == ()  # the cut SVC (charge 10 instead of 100) is not read
    assert list(canonical_rows(x12)) == []


def test_garbage_between_segments_and_bad_values(tmp_path: Path) -> None:
    x12 = read_segments(
        tmp_path,
        remittance(
            "CLP*C1*1*100*80**12*P",
            "12345 not a segment",
            "SVC*HC:99213*1OO*80",  # letter O in the charge
            "CAS*CO*45*20",
            "SVC*HC:99214*100*80",
            "DTM*472*20231345",  # month 13
            "CAS*XX*45*20",  # not a group
            "CAS*CO*45*20",
            total="80",
        ),
    )
    warnings = {w.segment: w.message for w in x12.warnings}
    assert "Not a segment" in warnings[13]
    assert "SVC02 (charge) is not an amount" in warnings[14]
    assert "DTM*472 is not a calendar date" in warnings[17]
    assert "CAS01 is not an adjustment group" in warnings[18]
    (claim,) = x12.remittance_claims
    (line,) = claim.lines
    assert line.procedure.code == "99214"
    assert [a.code for a in line.adjustments] == ["CO-45"]  # the first CAS went with its SVC
    assert claim.skipped_lines == 1


def test_text_without_terminators_is_skipped_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ingest.x12 import reader, segments

    monkeypatch.setattr(reader, "HEAD_CHARS", 200)
    monkeypatch.setattr(segments, "CHUNK_CHARS", 64)
    monkeypatch.setattr(segments, "MAX_SEGMENT_CHARS", 100)
    body = remittance("CLP*C1*1*100*100**12*P", "SVC*HC:99213*100*100")
    text = render(body[:-5], "~") + "Z" * 5000 + "~" + render(body[-5:], "~")
    x12 = read_x12(write(tmp_path, text))
    assert "far longer than any segment" in messages(x12)
    (claim,) = x12.remittance_claims
    assert claim.claim_id == "C1"


def test_warnings_are_bounded() -> None:
    log = WarningLog(limit=3)
    for number in range(10):
        log.add(number, "bad")
    warnings = log.freeze()
    assert len(warnings) == 4
    assert "7 more warnings" in warnings[-1].message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_bytes_never_crash(content: bytes) -> None:
    read_bytes_or_typed_error(content)
    sniff(content)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SAMPLES), st.data())
def test_truncated_samples_never_crash(sample: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    read_bytes_or_typed_error(sample[:cut])
    sniff(sample[:cut])


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SAMPLES),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=4000), st.binary(min_size=0, max_size=8)),
        min_size=1,
        max_size=6,
    ),
)
def test_damaged_samples_never_crash(sample: bytes, edits: list[tuple[int, bytes]]) -> None:
    content = bytearray(sample)
    for position, replacement in edits:
        at = position % (len(content) + 1)
        content[at : at + len(replacement) or at + 1] = replacement
    x12 = read_bytes_or_typed_error(bytes(content))
    if x12 is not None:
        assert x12.kind in ("835", "837")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "CLP*C1*1*100*80**12*P",
                "CLP*C2*22*-100*-80**12*P",
                "CLP**4*0*0",
                "SVC*HC:99213*100*80**1",
                "SVC*HC*100",
                "SVC*NU:0450*50*0",
                "CAS*CO*45*20",
                "CAS*PR*1*10**2*5**3",
                "CAS*CO",
                "DTM*472*20240101",
                "DTM*472*2024",
                "AMT*B6*80",
                "LQ*HE*N130",
                "REF*6R*1",
                "REF*6R*X",
                "MOA***MA01",
                "NM1*82*1*DOC****XX*1234567893",
                "PLB*1234567893*20241231*WO:1*10",
                "PLB*1234567893",
                "LX*1",
                "SE*1*1",
                "ST*835*2",
                "N1*PR*OTHER",
            ]
        ),
        max_size=40,
    )
)
def test_any_sequence_of_remittance_segments_never_crashes(body: list[str]) -> None:
    x12 = read_bytes_or_typed_error(render(remittance(*body)).encode())
    assert x12 is not None and x12.kind == "835"
