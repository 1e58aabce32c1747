"""Small hand-written X12 files for the reader tests (dummy data only)."""

from __future__ import annotations

from pathlib import Path

from desktop.ingest.x12 import X12File, X12Row, canonical_rows, read_x12

ISA = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
    "*240105*1200*^*00501*000000001*0*P*:"
)
BPR = "BPR*I*{total}*C*ACH*CCP*01*999999999*DA*123456*1234567890**01*999999999*DA*654321*20240105"
PAYER_HEADER = (
    "TRN*1*TRACE0001*1234567890",
    "DTM*405*20240103",
    "N1*PR*ACME HEALTH PLAN*XV*ACME01",
    "N3*1 PAYER WAY",
    "N4*SPRINGFIELD*IL*62701",
    "N1*PE*TEST CLINIC*XX*1234567893",
)

HEADER_837 = (
    "BHT*0019*00*BATCH1*20240110*1200*CH",
    "NM1*41*2*TEST CLINIC*****46*SUB1",
    "NM1*40*2*CLEARING HOUSE*****46*REC1",
    "HL*1**20*1",
    "NM1*85*2*TEST CLINIC*****XX*1234567893",
)


def interchange(kind: str, body: list[str] | tuple[str, ...], version: str = "") -> list[str]:
    """ISA/GS/ST ... SE/GE/IEA around ``body`` with correct counts."""
    group = "HP" if kind == "835" else "HC"
    version = version or ("005010X221A1" if kind == "835" else "005010X222A1")
    return [
        ISA,
        f"GS*{group}*SENDER*RECEIVER*20240105*1200*1*X*{version}",
        f"ST*{kind}*0001*{version}",
        *body,
        f"SE*{len(body) + 2}*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ]


def remittance(*claims: str, total: str = "100.00", plb: tuple[str, ...] = ()) -> list[str]:
    """An 835 interchange paying ``total``: the usual header, ``claims``, then ``plb``."""
    return interchange("835", [BPR.format(total=total), *PAYER_HEADER, "LX*1", *claims, *plb])


def render(segments: list[str], terminator: str = "~\n") -> str:
    return terminator.join(segments) + terminator


def write(tmp_path: Path, text: str, name: str = "file.x12") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def read_segments(tmp_path: Path, segments: list[str], terminator: str = "~\n") -> X12File:
    return read_x12(write(tmp_path, render(segments, terminator)))


def rows_of(x12: X12File) -> list[X12Row]:
    return list(canonical_rows(x12))


def messages(x12: X12File) -> str:
    return "\n".join(w.message for w in x12.warnings)
