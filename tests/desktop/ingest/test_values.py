"""Parsing one cell of the claims-CSV contract."""

from __future__ import annotations

import math
from datetime import date

import pytest

from desktop.engines.line_batch import INVALID, STATUS_INVALID
from desktop.ingest import values as v
from desktop.ingest.convert import quick_cents
from desktop.store.models.claims import ClaimStatus


def days(year: int, month: int, day: int) -> int:
    return (date(year, month, day) - date(1970, 1, 1)).days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", days(2026, 1, 5)),
        ("2026-1-5", days(2026, 1, 5)),
        ("01/05/2026", days(2026, 1, 5)),
        ("1/5/2026", days(2026, 1, 5)),
        ("2026-01-05 00:00:00", days(2026, 1, 5)),
        ("2026-02-30", INVALID),
        ("13/01/2026", INVALID),
        ("2026/01/05", INVALID),
        ("yesterday", INVALID),
        ("20260105", INVALID),
    ],
)
def test_dates(text: str, expected: int) -> None:
    assert v.parse_date(text) == expected
    quick = v.plain_date(text)
    assert quick is None or quick == expected


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("125.00", 12500),
        ("125", 12500),
        ("0.05", 5),
        (".50", 50),
        ("12.5", 1250),
        ("$1,234.56", 123456),
        ("1,234", 123400),
        ("(12.00)", -1200),
        ("-3", -300),
        ("$-3.10", -310),
        ("12.3400", 1234),
        ("12.345", INVALID),
        ("1,23.00", INVALID),
        ("12a", INVALID),
        ("$", INVALID),
        ("1e5", INVALID),
    ],
)
def test_amounts_are_exact_cents(text: str, cents: int) -> None:
    assert v.parse_cents(text) == cents
    quick = v.plain_cents(text)
    assert quick is None or quick == cents
    column = quick_cents([text, "1.00"])
    assert column is None or column.tolist() == [cents, 100]


def test_a_column_of_plain_amounts_is_parsed_at_once() -> None:
    column = quick_cents(["12.34", "", "5", "-3.10", "0.07", "19.99"])
    assert column is not None
    assert column.tolist() == [1234, INVALID - 1, 500, -310, 7, 1999]
    assert quick_cents(["12.34", "nan"]) is None  # NULL-like text: the exact parser
    assert quick_cents(["12.34", "$5.00"]) is None
    assert quick_cents(["12.345"]) is None
    assert quick_cents(["inf"]) is None


def test_line_numbers_units_and_status() -> None:
    assert v.parse_line_number("1") == 1
    assert v.parse_line_number("007") == 7
    assert v.parse_line_number("2.0") == 2
    assert v.parse_line_number("0") == INVALID
    assert v.parse_line_number("-1") == INVALID
    assert v.parse_units("2.5") == 2.5
    assert math.isnan(v.parse_units("two"))
    assert math.isnan(v.parse_units("inf"))
    assert v.parse_status("PAID") == ClaimStatus.PAID
    assert v.parse_status("Denied") == ClaimStatus.DENIED
    assert v.parse_status("rejected") == STATUS_INVALID


@pytest.mark.parametrize("cell", ["", "  ", "NULL", "null", "None", "N/A", "#N/A", "nan", "NA"])
def test_null_like_cells_are_empty(cell: str) -> None:
    assert v.clean(cell) == ""


def test_codes_and_place_of_service_are_normalised() -> None:
    assert v.normalise_codes("co-45; pr-2") == "CO-45;PR-2"
    assert v.normalise_codes("25,59") == "25;59"
    assert v.normalise_place_of_service("2") == "02"
    assert v.normalise_place_of_service("11") == "11"
