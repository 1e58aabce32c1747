"""The vocabulary of the demo office: valid identifiers, invented payer names."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest

from desktop.demo import catalog
from desktop.demo.config import add_months
from desktop.demo.npi import is_valid_npi, luhn_check_digit, npi_from_base, synthetic_npis

CPT = re.compile(r"^(\d{5}|[A-Z]\d{4}|\d{4}[FTU])$")


def test_npi_check_digit_follows_the_standard() -> None:
    # The worked example of the NPI standard: 123456789 -> check digit 3.
    assert npi_from_base("123456789") == "1234567893"
    assert is_valid_npi("1234567893")
    assert not is_valid_npi("1234567890")
    assert not is_valid_npi("123456789")
    assert luhn_check_digit("7992739871") == 3  # the classic Luhn example


def test_synthetic_npis_are_valid_and_distinct() -> None:
    npis = synthetic_npis(np.random.default_rng(1), 200)
    assert len(set(npis)) == 200
    assert all(is_valid_npi(n) and n.startswith("1") for n in npis)


def test_all_codes_have_a_valid_shape_and_are_distinct() -> None:
    codes = catalog.procedure_codes(catalog.MAX_CODES)
    assert len(set(codes)) == len(codes)
    assert all(CPT.match(c) for c in codes)
    shapes = {("5" if c.isdigit() else "L" if c[0].isalpha() else c[-1]) for c in codes}
    assert shapes >= {"5", "L", "T", "U"}


def test_payers_are_distinct_and_invented() -> None:
    payers = catalog.payers(catalog.MAX_PAYERS)
    assert len({p.name for p in payers}) == len(payers)
    assert len({p.x12_id for p in payers}) == len(payers)
    real = ("aetna", "cigna", "humana", "united", "anthem", "blue cross", "kaiser", "molina")
    assert not any(r in p.name.lower() for p in payers for r in real)
    kinds = {p.kind for p in payers[:9]}
    assert kinds == set(catalog.PayerKind) - {catalog.PayerKind.REGIONAL}


def test_names_do_not_depend_on_the_seed() -> None:
    assert catalog.payer_names(5) == catalog.payer_names(50)[:5]
    assert catalog.procedure_codes(10) == catalog.procedure_codes(100)[:10]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 10, 31), -12, date(2025, 10, 31)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
