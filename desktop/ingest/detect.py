"""What a file is, from its content: format, text encoding, size and SHA-256.

The file name says nothing here (exports are renamed, ``.txt`` holds 835s). One pass
over the bytes computes the SHA-256 (for duplicate detection) and, for a claims
CSV, proves the text encoding: UTF-8 (a BOM is allowed), UTF-16 (with a BOM, or
recognised by its zero bytes), else Windows-1252 as practice-management systems on
Windows write it, else Latin-1, which decodes any byte.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from desktop.errors import InvalidInput

FileFormat = Literal["csv", "835", "837"]
X12Sniffer = Callable[[bytes], Literal["835", "837"] | None]

HEAD_BYTES = 64 * 1024
BLOCK_BYTES = 1 << 20

_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook (.xlsx); save the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word file; save the sheet as CSV"),
    (b"%PDF", "a PDF document"),
    (b"SQLite format 3", "a database file"),
)


@dataclass(frozen=True)
class FileFacts:
    path: Path
    size: int
    sha256: str
    format: FileFormat
    encoding: str  # a Python codec name; what X12 text is decoded with is the X12 reader's job


def inspect_file(path: Path, sniff_x12: X12Sniffer) -> FileFacts:
    """Read the file once and say what it is; raise ``InvalidInput`` if it is nothing usable."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})") from exc
    if size == 0 or not head.strip():
        raise InvalidInput(f"{path.name}: the file is empty; there is nothing to import")
    for signature, what in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise InvalidInput(f"{path.name}: this is {what}, not a claims CSV or an X12 file")

    bom_encoding = _bom_encoding(head)
    encoding = bom_encoding or _utf16_without_bom(head)
    if encoding is None and b"\x00" in head:
        raise InvalidInput(f"{path.name}: binary content, not a claims CSV or an X12 file")
    x12 = sniff_x12(_ascii_head(head, encoding))
    if x12 is not None:
        return FileFacts(path, size, _sha256(path), x12, encoding or "ascii")
    if encoding is not None:
        return FileFacts(path, size, _sha256(path), "csv", encoding)
    digest, encoding = _sha256_and_text_encoding(path)
    return FileFacts(path, size, digest, "csv", encoding)


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text of mostly ASCII characters has a zero in every other byte."""
    sample = head[: len(head) - len(head) % 2][:4096]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return None


def _ascii_head(head: bytes, encoding: str | None) -> bytes:
    """The head as single-byte text, for the X12 sniffer (X12 is ASCII)."""
    if encoding is None or encoding == "utf-8-sig":
        return head.removeprefix(codecs.BOM_UTF8)
    text = head.decode(encoding, errors="ignore")
    return text.encode("ascii", errors="replace")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _sha256_and_text_encoding(path: Path) -> tuple[str, str]:
    """One pass: the digest, and UTF-8 if every byte decodes as UTF-8."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    with path.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            digest.update(block)
            # ASCII blocks need no decoding, unless a sequence is still open from the last one.
            if is_utf8 and (not block.isascii() or utf8.getstate()[0]):
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    is_utf8 = False
        if is_utf8:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
    if is_utf8:
        return digest.hexdigest(), "utf-8"
    return digest.hexdigest(), _single_byte_encoding(path)


def _single_byte_encoding(path: Path) -> str:
    """Windows-1252 unless the file uses one of the five bytes it leaves undefined."""
    with path.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            try:
                block.decode("cp1252")
            except UnicodeDecodeError:
                return "latin-1"
    return "cp1252"
