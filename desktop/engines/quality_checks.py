"""The built-in data-quality checks, vectorised over a ``LineBatch``.

Each check returns ``Flag``s: a boolean mask over the batch, the contract column it
concerns and how to word the message for one flagged row (called only for flagged
rows). Code-format checks run once per distinct value (``map_distinct``). Checks
skip empty values: a missing required value is ``required_field``'s to report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np

from desktop.engines.columns import MISSING
from desktop.engines.line_batch import (
    INVALID,
    STATUS_INVALID,
    STATUS_MISSING,
    BoolArray,
    Int32Array,
    Int64Array,
    LineBatch,
    contract_name,
)
from desktop.engines.quality_context import LineContext
from desktop.store.models.claims import ClaimStatus

Describe = Callable[[int], str]


@dataclass(frozen=True)
class Flag:
    field: str | None
    mask: BoolArray
    describe: Describe


Check = Callable[[LineBatch, LineContext], Iterator[Flag]]

CPT_PATTERN: Final = re.compile(r"\d{5}|[A-Z]\d{4}|\d{4}[FTU]")
MODIFIERS_PATTERN: Final = re.compile(r"[A-Z0-9]{2}(?:;[A-Z0-9]{2}){0,3}")
POS_PATTERN: Final = re.compile(r"\d{2}")
CARC_SHAPE: Final = re.compile(r"([A-Z]{2})-([A-Z0-9]{1,3})")
CARC_GROUPS: Final = frozenset({"CO", "PR", "OA", "PI", "CR"})
RARC_PATTERN: Final = re.compile(r"(?:M|MA|N)\d{1,3}")
EPOCH: Final = date(1970, 1, 1)
NOT_A_DATE: Final = "is not a date (use YYYY-MM-DD or MM/DD/YYYY)"
STATUS_WORDS: Final = ", ".join(s.name.lower() for s in ClaimStatus)


def iso(day: int) -> str:
    return (EPOCH + timedelta(days=int(day))).isoformat()


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(int(cents)) // 100}.{abs(int(cents)) % 100:02d}"


def valid_date(days: Int32Array) -> BoolArray:
    ok: BoolArray = days > INVALID
    return ok


# --- checks ---------------------------------------------------------------------------


def row_shape(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    if ctx.row_problems:
        mask = np.zeros(len(batch), bool)
        mask[list(ctx.row_problems)] = True
        yield Flag(None, mask, ctx.row_problems.__getitem__)


def required_field(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    absent = {
        "claim_id": batch.claim_id == "",
        "payer_raw": batch.payer_raw == "",
        "cpt": batch.cpt == "",
        "date_of_service": batch.date_of_service == MISSING,
        "submitted_date": batch.submitted_date == MISSING,
        "billed_cents": batch.billed_cents == MISSING,
        "status": batch.status == STATUS_MISSING,
    }
    for name, mask in absent.items():
        column = contract_name(name)
        if mask.any():
            yield Flag(column, mask, _required_message(column, ctx))


def _required_message(column: str, ctx: LineContext) -> Describe:
    def describe(i: int) -> str:
        if ctx.unmatched_remittance[i]:
            return (
                f"{column} is required: no stored claim line matches this remittance line, "
                "and the 835 does not give it (import the claims first)"
            )
        return f"{column} is empty; it is required"

    return describe


def line_number_format(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    yield Flag(
        "line_number",
        batch.line_number == INVALID,
        lambda i: "line_number must be a whole number of at least 1",
    )


def cpt_format(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    bad = batch.map_distinct("cpt", lambda c: bool(c) and not CPT_PATTERN.fullmatch(c), bool)
    yield Flag(
        "cpt",
        bad,
        lambda i: (
            f"cpt {_shown(batch.cpt[i])} is not a CPT/HCPCS code "
            "(5 digits, a letter and 4 digits, or 4 digits and F, T or U)"
        ),
    )


def modifier_format(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    bad = batch.map_distinct(
        "modifiers", lambda m: bool(m) and not MODIFIERS_PATTERN.fullmatch(m), bool
    )
    yield Flag(
        "modifiers",
        bad,
        lambda i: (
            f"modifiers {_shown(batch.modifiers[i])} are not up to four "
            "2-character modifiers separated by ';'"
        ),
    )


def units_range(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    with np.errstate(invalid="ignore"):
        bad = np.isnan(batch.units) | (batch.units <= 0)
    yield Flag("units", bad, lambda i: "units must be a number greater than 0")


def place_of_service_format(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    bad = batch.map_distinct(
        "place_of_service", lambda p: bool(p) and not POS_PATTERN.fullmatch(p), bool
    )
    yield Flag(
        "place_of_service",
        bad,
        lambda i: f"place_of_service {_shown(batch.place_of_service[i])} is not a 2-digit code",
    )


def date_format(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    for name in ("date_of_service", "submitted_date", "decision_date", "paid_date"):
        yield Flag(name, getattr(batch, name) == INVALID, _fixed(f"{name} {NOT_A_DATE}"))


# Each pair must be in order when both dates are known; a missing decision date is
# skipped over, so submitted <= paid is still checked.
_ORDER_PAIRS: Final = (
    ("date_of_service", "submitted_date"),
    ("submitted_date", "decision_date"),
    ("decision_date", "paid_date"),
)


def date_order(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    pairs = [*_ORDER_PAIRS]
    no_decision = ~valid_date(batch.decision_date)
    for earlier, later in pairs:
        a, b = getattr(batch, earlier), getattr(batch, later)
        bad = valid_date(a) & valid_date(b) & (b < a)
        yield Flag(later, bad, _order_message(batch, earlier, later))
    a, b = batch.submitted_date, batch.paid_date
    bad = no_decision & valid_date(a) & valid_date(b) & (b < a)
    yield Flag("paid_date", bad, _order_message(batch, "submitted_date", "paid_date"))


def _order_message(batch: LineBatch, earlier: str, later: str) -> Describe:
    def describe(i: int) -> str:
        first, second = getattr(batch, earlier)[i], getattr(batch, later)[i]
        return f"{later} {iso(second)} is before {earlier} {iso(first)}"

    return describe


def date_in_future(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    for name in ("date_of_service", "submitted_date", "decision_date", "paid_date"):
        days = getattr(batch, name)
        yield Flag(name, valid_date(days) & (days > ctx.today), _future_message(name, days))


def amount_format(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    for name in ("billed_cents", "allowed_cents", "paid_cents"):
        column = contract_name(name)
        yield Flag(
            column,
            getattr(batch, name) == INVALID,
            _fixed(f"{column} is not an amount (e.g. 125.00)"),
        )


def amount_negative(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    for name in ("billed_cents", "allowed_cents", "paid_cents"):
        cents = getattr(batch, name)
        column = contract_name(name)
        yield Flag(column, (cents > INVALID) & (cents < 0), _negative_message(column, cents))


def _fixed(text: str) -> Describe:
    return lambda i: text


def _future_message(name: str, days: Int32Array) -> Describe:
    return lambda i: f"{name} {iso(days[i])} is in the future"


def _negative_message(column: str, cents: Int64Array) -> Describe:
    return lambda i: f"{column} {money(cents[i])} is negative"


def status_value(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    yield Flag(
        "status",
        batch.status == STATUS_INVALID,
        lambda i: f"status must be one of {STATUS_WORDS}",
    )


def status_consistency(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    status = batch.status
    denied_paying = (status == ClaimStatus.DENIED) & (batch.paid_cents > 0)
    yield Flag(
        "paid_amount",
        denied_paying,
        lambda i: f"a denied line pays 0, but paid_amount is {money(batch.paid_cents[i])}",
    )
    paid = (status == ClaimStatus.PAID) | (status == ClaimStatus.PARTIAL)
    yield Flag(
        "paid_date",
        paid & (batch.paid_date == MISSING),
        lambda i: "a paid or partially paid line needs a paid_date",
    )
    yield Flag(
        "paid_date",
        (status == ClaimStatus.PENDING) & valid_date(batch.paid_date),
        lambda i: "a pending line has a paid_date; is the status out of date?",
    )


def _carc_problem(codes: str) -> str | None:
    for code in codes.split(";") if codes else ():
        match = CARC_SHAPE.fullmatch(code)
        if match is None:
            return "format"
    for code in codes.split(";") if codes else ():
        if code[:2] not in CARC_GROUPS:
            return "group"
    return None


def carc_format(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    problem = batch.map_distinct("carc_codes", _carc_problem, object)
    yield Flag(
        "carc_codes",
        problem == "format",
        lambda i: (
            f"carc_codes {_shown(batch.carc_codes[i])} are not GROUP-CODE items "
            "separated by ';' (e.g. CO-45;PR-2)"
        ),
    )


def carc_group(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    problem = batch.map_distinct("carc_codes", _carc_problem, object)
    yield Flag(
        "carc_codes",
        problem == "group",
        lambda i: (
            f"carc_codes {_shown(batch.carc_codes[i])} use a group code other than "
            "CO, PR, OA, PI or CR"
        ),
    )


def rarc_format(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    bad = batch.map_distinct(
        "rarc_codes",
        lambda r: bool(r) and not all(RARC_PATTERN.fullmatch(c) for c in r.split(";")),
        bool,
    )
    yield Flag(
        "rarc_codes",
        bad,
        lambda i: f"rarc_codes {_shown(batch.rarc_codes[i])} are not remark codes (e.g. N30;M127)",
    )


def npi_is_valid(npi: str) -> bool:
    """10 digits whose last is the Luhn check digit of "80840" + the first nine."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    total = 24  # the Luhn sum of the prefix 80840, as the NPI standard gives it
    for position, char in enumerate(reversed(npi[:9])):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def npi_check_digit(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    bad = batch.map_distinct("rendering_npi", lambda n: bool(n) and not npi_is_valid(n), bool)
    yield Flag(
        "rendering_npi",
        bad,
        lambda i: (
            f"rendering_npi {_shown(batch.rendering_npi[i])} is not a valid NPI "
            "(10 digits with a correct check digit)"
        ),
    )


def duplicate_in_file(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    earlier = earlier_occurrence(batch)
    yield Flag(
        "claim_id",
        earlier >= 0,
        lambda i: (
            f"claim {_shown(batch.claim_id[i])} line {batch.line_number[i]} already "
            f"appeared in row {batch.row[earlier[i]]}; this later row replaces it"
        ),
    )
    yield Flag(
        "claim_id",
        ctx.stored_by_this_import & (earlier < 0),
        lambda i: (
            f"claim {_shown(batch.claim_id[i])} line {batch.line_number[i]} already "
            "appeared earlier in this file; this later row replaces it"
        ),
    )


def earlier_occurrence(batch: LineBatch) -> Int64Array:
    """For each row, the batch index of the previous row with the same key, or -1."""
    if "earlier" not in batch.memo:
        batch.memo["earlier"] = _earlier_occurrence(batch)
    result: Int64Array = batch.memo["earlier"]
    return result


def _earlier_occurrence(batch: LineBatch) -> Int64Array:
    n = len(batch)
    previous = np.full(n, -1, np.int64)
    keyed = (batch.claim_id != "") & (batch.line_number > INVALID)
    index = np.flatnonzero(keyed)
    if index.size < 2:
        return previous
    claim_codes = batch.factorized("claim_id")[0][index].astype(np.int64)
    keys = claim_codes * (1 << 31) + batch.line_number[index]
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    same = sorted_keys[1:] == sorted_keys[:-1]
    previous[index[order[1:][same]]] = index[order[:-1][same]]
    return previous


def duplicate_across_files(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
    yield Flag(
        "claim_id",
        ctx.stored_conflict,
        lambda i: (
            f"claim {_shown(batch.claim_id[i])} line {batch.line_number[i]} is already stored "
            "from an earlier file for another payer, cpt or date_of_service"
        ),
    )


def _shown(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


BUILTIN_CHECKS: Final[dict[str, Check]] = {
    "row_shape": row_shape,
    "required_field": required_field,
    "line_number_format": line_number_format,
    "cpt_format": cpt_format,
    "modifier_format": modifier_format,
    "units_range": units_range,
    "place_of_service_format": place_of_service_format,
    "date_format": date_format,
    "date_order": date_order,
    "date_in_future": date_in_future,
    "amount_format": amount_format,
    "amount_negative": amount_negative,
    "status_value": status_value,
    "status_consistency": status_consistency,
    "carc_format": carc_format,
    "carc_group": carc_group,
    "rarc_format": rarc_format,
    "npi_check_digit": npi_check_digit,
    "duplicate_in_file": duplicate_in_file,
    "duplicate_across_files": duplicate_across_files,
}
