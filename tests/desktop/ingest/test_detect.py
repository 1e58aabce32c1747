"""Format and encoding are told from the content, never the file name."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from desktop.errors import InvalidInput
from desktop.ingest.readers import inspect

from .claims_files import csv_text, lines

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "data" / "x12"
TEXT = csv_text(lines(3, payer="Médica Saúde"))


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("latin-1"), "cp1252"),
        (TEXT.replace("Saúde", "Sa\u00fade \u2019").encode("cp1252"), "cp1252"),
        (TEXT.encode("latin-1") + b"\x81", "latin-1"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16-bom",
        "utf16le",
        "utf16be",
        "latin1",
        "cp1252",
        "latin1-undefined-in-cp1252",
    ],
)
def test_text_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "claims.txt"
    path.write_bytes(data)
    facts = inspect(path)
    assert (facts.format, facts.encoding) == ("csv", encoding)
    assert facts.size == len(data)


def test_utf8_sequence_split_across_blocks_is_still_utf8(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    head = TEXT.encode("utf-8")
    filler = b"a" * ((1 << 20) - len(head) - 1)
    path.write_bytes(head + filler + "é".encode() + b"\n")
    assert inspect(path).encoding == "utf-8"


def test_x12_is_recognised_whatever_the_name(tmp_path: Path) -> None:
    remit = next((FIXTURES / "linuxforhealth-x12" / "835").glob("*.835"))
    claim = next((FIXTURES / "linuxforhealth-x12" / "837").glob("*.837"))
    assert inspect(shutil.copy(remit, tmp_path / "export.csv")).format == "835"
    assert inspect(shutil.copy(claim, tmp_path / "claims.txt")).format == "837"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"PK\x03\x04rest of a workbook", "Excel"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"\x00\x01\x02\x00\x00\x10binary", "binary"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(tmp_path: Path, data: bytes, says: str) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(data)
    with pytest.raises(InvalidInput, match=says):
        inspect(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        inspect(tmp_path / "nope.csv")
