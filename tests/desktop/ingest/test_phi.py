"""The PHI guard's detectors: identifier headers and identifier-like values."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.errors import UsageError
from desktop.ingest.phi import ValueScanner, classify_header
from desktop.ingest.phi_policy import PhiPolicy

POLICY = PhiPolicy()


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Patient Name", "name"),
        ("Pt Last Name", "name"),
        ("First Name", "name"),
        ("LNAME", "name"),
        ("Name", "name"),
        ("Guarantor", "name"),
        ("DOB", "birth_date"),
        ("Date of Birth", "birth_date"),
        ("Birthdate", "birth_date"),
        ("SSN", "ssn"),
        ("Social Security #", "ssn"),
        ("Member ID", "member_id"),
        ("Subscriber #", "member_id"),
        ("Insured ID", "member_id"),
        ("Policy Number", "member_id"),
        ("Insurance ID", "member_id"),
        ("MBI", "medicare_mbi"),
        ("HICN", "medicare_mbi"),
        ("MRN", "medical_record_number"),
        ("Medical Record Number", "medical_record_number"),
        ("Chart #", "medical_record_number"),
        ("Account Number", "medical_record_number"),
        ("Address 1", "address"),
        ("Street", "address"),
        ("City", "address"),
        ("Zip Code", "address"),
        ("Phone", "phone"),
        ("Cell", "phone"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Age", "age"),
    ],
)
def test_identifier_headers(header: str, kind: str) -> None:
    assert classify_header(header, POLICY) == kind


@pytest.mark.parametrize(
    "header",
    [
        "Payer Name",
        "Provider Name",
        "Rendering Provider Name",
        "Facility Name",
        "Notes",
        "Plan Name",
        "Place of Service",
        "Aging Bucket",
        "Batch",
        "Adjustment",
    ],
)
def test_other_headers_are_not_identifiers(header: str) -> None:
    assert classify_header(header, POLICY) is None


def test_office_header_keywords() -> None:
    policy = PhiPolicy(header_keywords=("acct",))
    assert classify_header("Guarantor Acct", policy) in ("name", "office_keyword")
    assert classify_header("Acct Ref", policy) == "office_keyword"


def scan(column: str, values: list[str], policy: PhiPolicy = POLICY) -> dict[str, tuple[int, int]]:
    rows = np.arange(1, len(values) + 1, dtype=np.int64)
    distinct: list[str | None] = list(dict.fromkeys(values))
    codes = np.array([distinct.index(v) for v in values], dtype=np.int32)
    hits = ValueScanner(policy).scan(column, codes, distinct, rows)
    return {h.kind: (h.rows, h.first_row) for h in hits}


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("123-45-6789", "ssn"),
        ("ref 123 45 6789", "ssn"),
        ("1EG4-TE5-MK73", "medicare_mbi"),
        ("1EG4TE5MK73", "medicare_mbi"),
        ("jane.doe@example.org", "email"),
        ("(555) 123-4567", "phone"),
        ("555-123-4567", "phone"),
        ("+1 555.123.4567", "phone"),
    ],
)
def test_identifier_values(value: str, kind: str) -> None:
    found = scan("claim_id", ["C0001", value, "C0003", value])
    assert found[kind] == (2, 2)


@pytest.mark.parametrize("value", ["Smith, John", "JOHN SMITH", "Mary Ann O'Neil"])
def test_person_names_in_id_columns(value: str) -> None:
    assert "name" in scan("claim_id", [value])
    assert "name" not in scan("payer", [value])  # payer names look like names by nature


@pytest.mark.parametrize(
    "value",
    [
        "C0001",
        "DM1-0000001",
        "CLM00000001",
        "1234567893",
        "2026-01-05",
        "CO-45;PR-2",
        "99213",
        "Acme Health",
        "12345",
        "1EG4TE5MK7",
        "A1EG4TE5MK73",
        "12-3456789",
    ],
)
def test_ordinary_values_pass(value: str) -> None:
    found = scan("claim_id", [value]) if value != "Acme Health" else scan("payer", [value])
    assert found == {}


def test_office_keywords_and_patterns() -> None:
    policy = PhiPolicy(value_keywords=("zzcanary",), value_patterns=(r"PT\d{6}",))
    found = scan("claim_id", ["C1", "x-ZZCANARY-y", "PT123456"], policy)
    assert found == {"office_keyword": (1, 2), "office_pattern": (1, 3)}


def test_policy_is_validated() -> None:
    with pytest.raises(UsageError):
        PhiPolicy(value_hits="ignore")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="not valid"):
        PhiPolicy(value_patterns=("(unclosed",))
    with pytest.raises(UsageError, match="unknown"):
        PhiPolicy.from_json({"value_hits": "reject_file", "surprise": 1})
    policy = PhiPolicy(value_hits="drop_column", value_keywords=("a",))
    assert PhiPolicy.from_json(policy.to_json()) == policy
