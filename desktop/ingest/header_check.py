"""Before importing a CSV: can its header be read as claims, or does it need a mapping?

The window asks this first, so that an export with unknown headers opens the mapping
dialog instead of failing after the whole file was read.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.ingest.column_mappings import mapping_for_headers
from desktop.ingest.fields import COLUMNS, REQUIRED, column_for_header, normalise_header
from desktop.ingest.readers import inspect

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class HeaderCheck:
    path: Path
    headers: tuple[str, ...]
    missing: tuple[str, ...]  # required contract columns nothing in the header fills
    mapping_name: str | None  # a saved mapping that matches this header

    @property
    def needs_mapping(self) -> bool:
        return bool(self.missing) and self.mapping_name is None


def check_header(session: Session, path: Path) -> HeaderCheck | None:
    """The header check of a CSV file; None for X12 files (their layout is fixed)."""
    facts = inspect(path)
    if facts.format != "csv":
        return None
    with path.open("r", encoding=facts.encoding, newline="") as handle:
        first = handle.readline(HEAD_BYTES)
    rows = list(csv.reader([first]))
    headers = tuple(h.strip() for h in rows[0]) if rows else ()
    saved = mapping_for_headers(session, headers)
    if saved is not None:
        return HeaderCheck(path, headers, (), saved.name)
    found = {column_for_header(h) for h in headers}
    missing = tuple(c for c in COLUMNS if c in REQUIRED and c not in found)
    return HeaderCheck(path, headers, missing, None)


def suggested_mapping(headers: tuple[str, ...]) -> dict[str, str]:
    """What each header maps to by the contract's names and aliases ("" when unknown)."""
    return {h: column_for_header(h) or "" for h in headers if normalise_header(h)}
