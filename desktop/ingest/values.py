"""Parsing one text value of the claims-CSV contract into what the store keeps.

Each function takes the text of one cell (already known not to be empty) and returns
the stored value or a sentinel saying it is not valid; callers apply them once per
distinct value of a column, so their speed matters little and their clarity much.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Final

from desktop.engines.line_batch import INVALID, STATUS_INVALID
from desktop.store.models.claims import ClaimStatus

EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
# Cells that exports write for "no value".
NULL_WORDS: Final = frozenset({"", "null", "none", "n/a", "na", "#n/a", "nan", "nil", "(null)"})
LONGEST_NULL_WORD: Final = max(map(len, NULL_WORDS))

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_PLAIN_AMOUNT = re.compile(r"(\d*)(?:\.(\d*))?")
_GROUPED_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_LINE_NUMBER = re.compile(r"0*([1-9]\d{0,8})(?:\.0+)?")
_SPLIT_CODES = re.compile(r"[;,\s]+")

STATUS_WORDS: Final = {status.name.lower(): int(status) for status in ClaimStatus}


def clean(text: str) -> str:
    """Trimmed text, or "" for an empty or NULL-like cell."""
    stripped = text.strip()
    return "" if stripped.casefold() in NULL_WORDS else stripped


def parse_date(text: str) -> int:
    """Days since 1970-01-01 of ``YYYY-MM-DD`` or ``MM/DD/YYYY``; ``INVALID`` otherwise."""
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US_DATE.fullmatch(text)
        if not match:
            return INVALID
        month, day, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).toordinal() - EPOCH_ORDINAL
    except ValueError:
        return INVALID


def plain_cents(cell: str) -> int | None:
    """Cents of the commonest shapes, ``123`` and ``123.45``, else None (cheap to try first)."""
    whole, dot, fraction = cell.partition(".")
    if not whole.isdigit() or not whole.isascii() or len(whole) > 13:
        return None
    if not dot:
        return int(whole) * 100
    if len(fraction) == 2 and fraction.isdigit() and fraction.isascii():
        return int(whole) * 100 + int(fraction)
    return None


def plain_date(cell: str) -> int | None:
    """Days since 1970-01-01 of a well-formed ``YYYY-MM-DD``, else None (cheap to try first)."""
    if len(cell) == 10 and cell[4] == "-" and cell[7] == "-":
        try:
            return date.fromisoformat(cell).toordinal() - EPOCH_ORDINAL
        except ValueError:
            return None
    return None


def parse_cents(text: str) -> int:
    """Integer cents of a decimal amount (``$1,234.50``, ``(12.00)`` and ``-3`` included).

    More than two decimals is ``INVALID`` unless the extra digits are zeros: amounts
    are kept exactly, never rounded.
    """
    body = text
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body.startswith("-"):
        negative, body = not negative, body[1:].strip()
    body = body.removeprefix("$").strip()
    if body.startswith("-") and not negative:
        negative, body = True, body[1:].strip()
    if "," in body:
        if not _GROUPED_AMOUNT.fullmatch(body):
            return INVALID
        body = body.replace(",", "")
    match = _PLAIN_AMOUNT.fullmatch(body)
    if not match or not (match.group(1) or match.group(2)):
        return INVALID
    whole, fraction = match.group(1) or "0", (match.group(2) or "").rstrip("0")
    if len(fraction) > 2 or len(whole) > 13:
        return INVALID
    cents = int(whole) * 100 + int(fraction.ljust(2, "0"))
    return -cents if negative else cents


def parse_line_number(text: str) -> int:
    match = _LINE_NUMBER.fullmatch(text)
    return int(match.group(1)) if match else INVALID


def parse_units(text: str) -> float:
    """A positive number of units; NaN when not a finite number."""
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def parse_status(text: str) -> int:
    return STATUS_WORDS.get(text.lower(), STATUS_INVALID)


def normalise_codes(text: str) -> str:
    """``"co-45; pr-2"`` -> ``"CO-45;PR-2"``: upper case, ``;`` between codes."""
    return ";".join(part for part in _SPLIT_CODES.split(text.upper()) if part)


def normalise_place_of_service(text: str) -> str:
    """Two digits; spreadsheets drop the leading zero of ``02``, so one digit is padded."""
    return text.zfill(2) if len(text) == 1 and text.isdigit() else text
