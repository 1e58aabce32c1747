"""The PHI guard: finds patient identifiers in headers and values, never keeps them.

Detection is best-effort. Headers are matched against a vocabulary of identifier
words (name, date of birth, SSN, member/subscriber id, MRN, address, phone, e-mail);
values of the kept text columns are scanned for identifier patterns. Neither can
prove a file is free of patient data: a name typed into a payer column, or a
format nobody listed, passes. The guard therefore keeps what the contract needs
and nothing else, and reports what it found without ever recording the value.

Values are scanned column-wise: a chunk's distinct values are joined into one text
and each pattern runs once over it (in C), after a cheap test for the characters
the pattern needs. Matches are mapped back to values by offset, and to rows by code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from desktop.ingest.fields import ID_COLUMNS, normalise_header
from desktop.ingest.phi_policy import PhiAction, PhiPolicy

PhiKind = Literal[
    "name",
    "birth_date",
    "ssn",
    "member_id",
    "medicare_mbi",
    "medical_record_number",
    "address",
    "phone",
    "email",
    "age",
    "office_keyword",
    "office_pattern",
]

# Header words that name an identifier wherever they appear in the header.
_HEADER_WORDS: Final[dict[str, PhiKind]] = {
    "ssn": "ssn",
    "social": "ssn",
    "sin": "ssn",
    "dob": "birth_date",
    "birth": "birth_date",
    "birthdate": "birth_date",
    "birthday": "birth_date",
    "mrn": "medical_record_number",
    "chart": "medical_record_number",
    "mbi": "medicare_mbi",
    "hicn": "medicare_mbi",
    "hic": "medicare_mbi",
    "medicaid": "member_id",
    "member": "member_id",
    "subscriber": "member_id",
    "insured": "member_id",
    "beneficiary": "member_id",
    "policyholder": "member_id",
    "guarantor": "name",
    "patient": "name",
    "pt": "name",
    "firstname": "name",
    "lastname": "name",
    "fname": "name",
    "lname": "name",
    "surname": "name",
    "address": "address",
    "addr": "address",
    "street": "address",
    "city": "address",
    "county": "address",
    "zip": "address",
    "zipcode": "address",
    "postal": "address",
    "postcode": "address",
    "phone": "phone",
    "telephone": "phone",
    "tel": "phone",
    "mobile": "phone",
    "cell": "phone",
    "fax": "phone",
    "email": "email",
    "mail": "email",
    "age": "age",
}
# Word pairs that name an identifier together (and are harmless apart).
_HEADER_PAIRS: Final[dict[tuple[str, str], PhiKind]] = {
    ("medical", "record"): "medical_record_number",
    ("record", "number"): "medical_record_number",
    ("account", "number"): "medical_record_number",
    ("account", "no"): "medical_record_number",
    ("acct", "no"): "medical_record_number",
    ("policy", "number"): "member_id",
    ("policy", "no"): "member_id",
    ("policy", "id"): "member_id",
    ("insurance", "id"): "member_id",
    ("insurance", "number"): "member_id",
    ("first", "name"): "name",
    ("last", "name"): "name",
    ("middle", "name"): "name",
    ("full", "name"): "name",
}
_SINGLE_WORD_HEADERS: Final[dict[str, PhiKind]] = {
    "name": "name",
    "account": "medical_record_number",
    "acct": "medical_record_number",
    "state_zip": "address",
}
# "<owner> name" headers that name an organisation or a provider, not a patient.
_NON_PATIENT_OWNERS: Final[frozenset[str]] = frozenset(
    {
        "payer",
        "payor",
        "insurance",
        "carrier",
        "plan",
        "provider",
        "rendering",
        "referring",
        "billing",
        "facility",
        "practice",
        "location",
        "clinic",
        "physician",
        "doctor",
        "company",
        "office",
        "group",
        "file",
        "procedure",
        "service",
    }
)


def classify_header(header: str, policy: PhiPolicy) -> PhiKind | None:
    """The identifier a header names, or None. Only call it for non-contract headers."""
    key = normalise_header(header)
    words = key.split("_") if key else []
    for keyword in policy.header_keywords:
        if normalise_header(keyword) and normalise_header(keyword) in key:
            return "office_keyword"
    if key in _SINGLE_WORD_HEADERS:
        return _SINGLE_WORD_HEADERS[key]
    for word in words:
        if word in _HEADER_WORDS:
            return _HEADER_WORDS[word]
    for pair in zip(words, words[1:], strict=False):
        if pair in _HEADER_PAIRS:
            return _HEADER_PAIRS[pair]
    if "name" in words and not (set(words) & _NON_PATIENT_OWNERS):
        return "name"
    if "e" in words and "mail" in words:
        return "email"
    return None


# --- values ---------------------------------------------------------------------------

_MBI_LETTER = "AC-HJKMNP-RT-Y"


@dataclass(frozen=True)
class _Pattern:
    kind: PhiKind
    regex: re.Pattern[str]
    needs: tuple[str, ...]  # the text must contain one of these for a match to be possible
    id_columns_only: bool = False


_BUILTIN_PATTERNS: Final[tuple[_Pattern, ...]] = (
    _Pattern(
        "ssn",
        re.compile(r"(?<![0-9])[0-9]{3}([- ])[0-9]{2}\1[0-9]{4}(?![0-9])"),
        ("-", " "),
    ),
    _Pattern(
        "medicare_mbi",
        re.compile(
            rf"(?<![0-9A-Za-z])[1-9][{_MBI_LETTER}][{_MBI_LETTER}0-9][0-9]-?"
            rf"[{_MBI_LETTER}][{_MBI_LETTER}0-9][0-9]-?[{_MBI_LETTER}]{{2}}[0-9]{{2}}(?![0-9A-Za-z])"
        ),
        ("",),
    ),
    _Pattern(
        "email",
        re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
        ("@",),
    ),
    _Pattern(
        "phone",
        re.compile(
            r"(?<![0-9])(?:\+?1[-. ]?)?(?:\([0-9]{3}\) ?|[0-9]{3}[-. ])"
            r"[0-9]{3}[-. ][0-9]{4}(?![0-9])"
        ),
        ("-", ".", " ", "("),
    ),
    _Pattern(
        "name",
        re.compile(
            r"^[ \t]*[A-Za-z][A-Za-z'.-]+(?:,[ \t]*|[ \t]+)[A-Za-z][A-Za-z'.-]*"
            r"(?:[ \t]+[A-Za-z][A-Za-z'.-]*)*[ \t]*$",
            re.MULTILINE,
        ),
        (" ", ","),
        id_columns_only=True,
    ),
)


@dataclass(frozen=True)
class ValueHit:
    """Values of one column that look like one kind of identifier (the values are not kept)."""

    column: str
    kind: PhiKind
    rows: int
    first_row: int


@dataclass(frozen=True)
class PhiDetection:
    """One finding of the guard, as reported and audited (never with the value)."""

    column: str
    kind: PhiKind
    found_in: Literal["header", "value"]
    action: PhiAction
    rows: int = 0
    first_row: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "column": self.column,
            "kind": self.kind,
            "found_in": self.found_in,
            "action": self.action,
            "rows": self.rows,
            "first_row": self.first_row,
        }


class ValueScanner:
    """Scans columns of text for identifier patterns, the office's own included."""

    def __init__(self, policy: PhiPolicy) -> None:
        patterns = list(_BUILTIN_PATTERNS)
        if policy.value_keywords:
            alternatives = "|".join(re.escape(k.strip()) for k in policy.value_keywords)
            patterns.append(
                _Pattern("office_keyword", re.compile(alternatives, re.IGNORECASE), ("",))
            )
        patterns.extend(
            _Pattern("office_pattern", re.compile(p), ("",)) for p in policy.value_patterns
        )
        self._patterns = tuple(patterns)

    def scan(
        self,
        column: str,
        codes: npt.NDArray[np.int32],
        distinct: list[str | None],
        rows: npt.NDArray[np.int64],
    ) -> list[ValueHit]:
        """Hits in one column of a chunk, given as a code per row into its distinct values;
        ``rows`` holds each row's source position."""
        texts: list[str] = list(filter(None, distinct))
        if not texts:
            return []
        text = "\n".join(texts)
        lengths = np.fromiter(map(len, texts), np.int64, count=len(texts)) + 1
        starts = np.cumsum(lengths) - lengths
        hits: list[ValueHit] = []
        for pattern in self._patterns:
            if pattern.id_columns_only and column not in ID_COLUMNS:
                continue
            if not any(needle in text for needle in pattern.needs):
                continue
            offsets = [m.start() for m in pattern.regex.finditer(text)]
            if not offsets:
                continue
            owners = np.searchsorted(starts, offsets, side="right") - 1
            leaking = {texts[i] for i in owners}
            matched = np.fromiter((v in leaking for v in distinct), bool, count=len(distinct))
            positions = rows[matched[codes]]
            hits.append(ValueHit(column, pattern.kind, int(positions.size), int(positions.min())))
        return hits

    def scan_texts(self, column: str, texts: list[str]) -> set[int]:
        """Indexes of the ``texts`` that hold something identifier-like."""
        codes = np.arange(len(texts), dtype=np.int32)
        found: set[int] = set()
        for i, text in enumerate(texts):
            if self.scan(column, codes[:1], [text], codes[:1].astype(np.int64)):
                found.add(i)
        return found
