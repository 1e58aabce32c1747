"""Writing small synthetic claims files for the import tests (no real patient data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from desktop.ingest.fields import COLUMNS

GOOD_LINE: dict[str, str] = {
    "claim_id": "C0001",
    "line_number": "1",
    "payer": "Acme Health",
    "payer_id": "ACME1",
    "cpt": "99213",
    "modifiers": "25",
    "units": "1",
    "place_of_service": "11",
    "date_of_service": "2026-01-05",
    "submitted_date": "2026-01-07",
    "decision_date": "2026-01-20",
    "paid_date": "2026-01-25",
    "billed_amount": "125.00",
    "allowed_amount": "90.00",
    "paid_amount": "72.00",
    "status": "paid",
    "carc_codes": "CO-45;PR-2",
    "rarc_codes": "N30",
    "rendering_npi": "1234567893",
}


def line(**changes: str) -> dict[str, str]:
    """A valid claim line with some values changed."""
    return {**GOOD_LINE, **changes}


def lines(count: int, **changes: str) -> list[dict[str, str]]:
    """``count`` valid lines of distinct claims."""
    return [line(claim_id=f"C{i:05d}", **changes) for i in range(1, count + 1)]


def quote(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_text(
    rows: Iterable[Mapping[str, str]],
    header: Iterable[str] = COLUMNS,
    *,
    newline: str = "\n",
    delimiter: str = ",",
) -> str:
    names = list(header)
    out = [delimiter.join(quote(h) for h in names)]
    out.extend(delimiter.join(quote(row.get(h, "")) for h in names) for row in rows)
    return newline.join(out) + newline


def write_csv(
    path: Path,
    rows: Iterable[Mapping[str, str]],
    header: Iterable[str] = COLUMNS,
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
    delimiter: str = ",",
) -> Path:
    path.write_bytes(csv_text(rows, header, newline=newline, delimiter=delimiter).encode(encoding))
    return path
