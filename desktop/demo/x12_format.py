"""X12 5010 building blocks: delimiters, values, and the ISA/GS … GE/IEA envelope.

Segments end with ``~`` and a newline (readers commonly accept, and people can read,
one segment per line); elements are separated by ``*``, components by ``:`` and
repetitions by ``^``. The interchange is flagged as test data (ISA15 = ``T``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
SEGMENT_END = "~\n"
DELIMITERS = frozenset("*:^~\n\r")

SENDER_ID = "UPSTREAMDEMO"
RECEIVER_ID = "SYNCLEARHOUSE"
OFFICE_NAME = "DEMO FAMILY PRACTICE"
OFFICE_TAX_ID = "990000001"  # prefix 99: not a real employer identification number
OFFICE_CITY, OFFICE_STATE, OFFICE_ZIP = "DEMO CITY", "OH", "43004"


def text(value: str) -> str:
    """An element value; refuses delimiters rather than writing an unreadable file."""
    if DELIMITERS & set(value):
        raise ValueError(f"{value!r} contains an X12 delimiter")
    return value


@functools.lru_cache(maxsize=1 << 16)  # amounts repeat a lot: fees, copays, zero
def amount(cents: int) -> str:
    """X12 decimal: no trailing zeros after the point (12500 -> "125", 12550 -> "125.5")."""
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    if fraction == 0:
        return f"{sign}{whole}"
    if fraction % 10 == 0:
        return f"{sign}{whole}.{fraction // 10}"
    return f"{sign}{whole}.{fraction:02d}"


def ccyymmdd(day: date) -> str:
    return day.strftime("%Y%m%d")


def segment(*elements: str) -> str:
    """One segment: trailing empty elements are dropped, as X12 requires."""
    values = list(elements)
    while values and values[-1] == "":
        values.pop()
    return ELEMENT.join(values)


def composite(*components: str) -> str:
    values = list(components)
    while values and values[-1] == "":
        values.pop()
    return COMPONENT.join(values)


@dataclass(frozen=True)
class Envelope:
    """One interchange with one functional group holding one transaction set."""

    control: int  # ISA13/IEA02, also used for GS06/GE02
    functional_id: str  # GS01: HC (837) or HP (835)
    version: str  # GS08, e.g. 005010X222A1
    day: date
    sender: str = SENDER_ID
    receiver: str = RECEIVER_ID

    def wrap(self, transaction: Sequence[str]) -> str:
        """ISA, GS, the transaction (ST … SE), GE and IEA as the file's text."""
        isa = segment(
            "ISA", "00", " " * 10, "00", " " * 10,
            "ZZ", f"{self.sender:<15}", "ZZ", f"{self.receiver:<15}",
            self.day.strftime("%y%m%d"), "1200", REPETITION, "00501",
            f"{self.control:09d}", "0", "T", COMPONENT,
        )  # fmt: skip
        gs = segment(
            "GS", self.functional_id, self.sender, self.receiver, ccyymmdd(self.day), "1200",
            str(self.control), "X", self.version,
        )  # fmt: skip
        ge = segment("GE", "1", str(self.control))
        iea = segment("IEA", "1", f"{self.control:09d}")
        return SEGMENT_END.join([isa, gs, *transaction, ge, iea]) + SEGMENT_END


def transaction_set(code: str, version: str, body: Sequence[str]) -> list[str]:
    """ST, the body and SE, whose first element counts every segment from ST to SE."""
    st = segment("ST", code, "0001", version)
    se = segment("SE", str(len(body) + 2), "0001")
    return [st, *body, se]
