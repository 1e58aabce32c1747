"""Element values (amounts, dates, composites) and the per-file warning log.

A value that cannot be read raises ``BadElement``; the segment parsers catch it and
turn it into a warning with the segment number. Messages name the element, never
its content: a misaligned or unterminated segment can carry patient text into any
position, and warnings are shown and kept.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

from desktop.ingest.x12.model import ProcedureCode, X12Warning

WARNING_LIMIT = 10_000
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_DATE8 = re.compile(r"\d{8}")
# Characters seen as component separators in the wild, tried when a composite does not
# contain the declared one.
_COMPONENT_CANDIDATES = frozenset(":>^\\!|+`~\x1f")


class BadElement(ValueError):
    """An element whose value cannot be read; the message names the element."""


class WarningLog:
    """Warnings of one file, bounded: past the limit they are counted, not kept."""

    def __init__(self, limit: int = WARNING_LIMIT) -> None:
        self._items: list[X12Warning] = []
        self._limit = limit
        self._dropped = 0
        self._last_segment = 0

    def add(self, segment: int, message: str) -> None:
        self._last_segment = max(self._last_segment, segment)
        if len(self._items) < self._limit:
            self._items.append(X12Warning(segment, message))
        else:
            self._dropped += 1

    def freeze(self) -> tuple[X12Warning, ...]:
        if not self._dropped:
            return tuple(self._items)
        summary = X12Warning(
            self._last_segment,
            f"{self._dropped} more warnings are not listed (only the first "
            f"{self._limit} are kept).",
        )
        return (*self._items, summary)


def element(elements: list[str], index: int) -> str:
    """Element ``index`` (1-based, as in ``CLP01``), stripped; "" when absent."""
    return elements[index].strip() if index < len(elements) else ""


# Amounts and dates repeat a great deal within a file; parsed values are immutable, so
# one object serves every occurrence (faster, and far less memory on large files).
_CACHE_SIZE = 8192
_PROCEDURE_CACHE_SIZE = 4096


@lru_cache(maxsize=_CACHE_SIZE)
def _decimal(text: str) -> Decimal:
    if _NUMBER.fullmatch(text.strip()) is None:
        raise BadElement("not an amount")
    return Decimal(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _date(text: str) -> date:
    digits = text.strip()
    if _DATE8.fullmatch(digits) is None:
        raise BadElement("is not a date (CCYYMMDD)")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise BadElement("is not a calendar date") from None


def amount(text: str, name: str) -> Decimal:
    """A monetary amount (X12 type R: optional minus, digits, optional decimals)."""
    try:
        return _decimal(text)
    except BadElement:
        raise BadElement(f"{name} is not an amount") from None


def optional_amount(text: str, name: str) -> Decimal | None:
    return amount(text, name) if text and not text.isspace() else None


def ccyymmdd(text: str, name: str) -> date:
    """A date written CCYYMMDD."""
    try:
        return _date(text)
    except BadElement as error:
        raise BadElement(f"{name} {error}") from None


def date_period(qualifier: str, text: str, name: str) -> tuple[date, date | None]:
    """A DTP date: D8 (one date), RD8 (``from-to``) or DT (date and time)."""
    if qualifier == "RD8":
        start, _, end = text.partition("-")
        return ccyymmdd(start, name), ccyymmdd(end, name) if end else None
    if qualifier == "DT":
        return ccyymmdd(text[:8], name), None
    if qualifier in ("D8", ""):
        return ccyymmdd(text, name), None
    raise BadElement(f"{name} has a date format other than D8, RD8 or DT")


class Composites:
    """Splits composite elements, learning the component separator when needed.

    Files that start at ST declare no separator: the first composite teaches it.
    Files whose ISA16 declares one separator while the composites use another (seen
    in public samples) are read with the one actually used, with one warning.
    """

    def __init__(self, declared: str | None, element_separator: str, log: WarningLog) -> None:
        self._declared = declared
        self._learnt: str | None = declared
        self._excluded = {element_separator}
        self._log = log
        self._warned: set[str] = set()
        self._procedures: dict[str, ProcedureCode] = {}  # codes repeat: parse each once

    def split(self, text: str, segment: int) -> list[str]:
        learnt = self._learnt
        if learnt is not None and learnt in text:
            return text.split(learnt)
        used = next((c for c in text if c in _COMPONENT_CANDIDATES), None)
        if used is None or used in self._excluded:
            return [text]
        if self._declared is None:
            self._learnt = used
        elif used != self._declared and used not in self._warned:
            self._warned.add(used)
            self._log.add(
                segment,
                f"Composite elements use {used!r} as component separator although ISA16 "
                f"declares {self._declared!r}; they are read with {used!r}.",
            )
        return text.split(used)

    def procedure(self, text: str, segment: int, name: str) -> ProcedureCode:
        """A procedure composite: qualifier, code, up to four modifiers (then a description)."""
        known = self._procedures.get(text)
        if known is not None:
            return known
        parts = [p.strip() for p in self.split(text, segment)]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise BadElement(f"{name} has no procedure code (qualifier and code are required)")
        modifiers = tuple(m for m in parts[2:6] if m)
        procedure = ProcedureCode(qualifier=parts[0], code=parts[1], modifiers=modifiers)
        if len(self._procedures) >= _PROCEDURE_CACHE_SIZE:
            self._procedures.clear()
        self._procedures[text] = procedure
        return procedure
