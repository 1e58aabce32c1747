"""Office-defined quality rules of four simple forms, compiled to vectorised checks.

- ``required``: the field must have a value;
- ``range``: the value lies within ``min`` and/or ``max`` (amounts in currency units,
  dates as ``YYYY-MM-DD``);
- ``regex``: a text field matches ``pattern`` in full;
- ``compare``: the field stands in ``op`` (``<``, ``<=``, ``==``, ``!=``, ``>=``, ``>``)
  to the field ``other`` of the same kind.

Rows where the field has no value (or ``other`` has none) are not checked by range,
regex and compare rules: that is what a ``required`` rule is for.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from desktop.engines.line_batch import INVALID, BoolArray, LineBatch
from desktop.engines.quality_checks import Check, Flag, iso, money
from desktop.engines.quality_context import LineContext

FieldKind = Literal["text", "number", "amount", "date", "status"]


class RuleDefinitionError(ValueError):
    """An office rule whose definition cannot be checked (unknown field, bad pattern …)."""


# contract column -> (batch field, kind)
FIELDS: Final[dict[str, tuple[str, FieldKind]]] = {
    "claim_id": ("claim_id", "text"),
    "line_number": ("line_number", "number"),
    "payer": ("payer_raw", "text"),
    "payer_id": ("payer_x12_id", "text"),
    "cpt": ("cpt", "text"),
    "modifiers": ("modifiers", "text"),
    "units": ("units", "number"),
    "place_of_service": ("place_of_service", "text"),
    "date_of_service": ("date_of_service", "date"),
    "submitted_date": ("submitted_date", "date"),
    "decision_date": ("decision_date", "date"),
    "paid_date": ("paid_date", "date"),
    "billed_amount": ("billed_cents", "amount"),
    "allowed_amount": ("allowed_cents", "amount"),
    "paid_amount": ("paid_cents", "amount"),
    "status": ("status", "status"),
    "carc_codes": ("carc_codes", "text"),
    "rarc_codes": ("rarc_codes", "text"),
    "rendering_npi": ("rendering_npi", "text"),
}
OPERATORS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    ">": operator.gt,
}


def field_of(column: str | None) -> tuple[str, FieldKind]:
    if column not in FIELDS:
        raise RuleDefinitionError(f"{column!r} is not a column of the claims format")
    return FIELDS[column]


def has_value(batch: LineBatch, column: str) -> BoolArray:
    name, kind = field_of(column)
    values = getattr(batch, name)
    present: BoolArray
    if kind == "text":
        present = values != ""
    elif kind == "status":
        present = values >= 0
    elif name == "units":
        present = ~np.isnan(values)
    else:
        present = values > INVALID
    return present


def compile_rule(kind: str, column: str | None, params: Mapping[str, Any], message: str) -> Check:
    """A check for one office rule; raises ``RuleDefinitionError`` if it cannot work."""
    if kind == "required":
        return _required(column, message)
    if kind == "range":
        return _range(column, params, message)
    if kind == "regex":
        return _regex(column, params, message)
    if kind == "compare":
        return _compare(column, params, message)
    raise RuleDefinitionError(f"{kind!r} is not a kind of office rule")


def _required(column: str | None, message: str) -> Check:
    field_of(column)
    assert column is not None
    text = message or f"{column} is required by this office's rule"

    def check(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
        yield Flag(column, ~has_value(batch, column), lambda i: text)

    return check


def _range(column: str | None, params: Mapping[str, Any], message: str) -> Check:
    name, kind = field_of(column)
    assert column is not None
    if kind not in ("number", "amount", "date"):
        raise RuleDefinitionError(f"a range rule needs a number, amount or date, not {column}")
    unknown = set(params) - {"min", "max"}
    if unknown or not params:
        raise RuleDefinitionError("a range rule takes 'min' and/or 'max'")
    low = _bound(kind, params.get("min"))
    high = _bound(kind, params.get("max"))

    def check(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
        values = getattr(batch, name)
        outside = np.zeros(len(batch), bool)
        with np.errstate(invalid="ignore"):
            if low is not None:
                outside |= values < low
            if high is not None:
                outside |= values > high
        mask = outside & has_value(batch, column)

        def describe(i: int) -> str:
            if message:
                return message
            return f"{column} {_shown(kind, values[i])} is outside {_limits(kind, low, high)}"

        yield Flag(column, mask, describe)

    return check


def _regex(column: str | None, params: Mapping[str, Any], message: str) -> Check:
    name, kind = field_of(column)
    assert column is not None
    if kind != "text" or set(params) != {"pattern"}:
        raise RuleDefinitionError("a regex rule takes a text column and a 'pattern'")
    try:
        pattern = re.compile(str(params["pattern"]))
    except re.error as exc:
        raise RuleDefinitionError(f"the pattern is not a valid regular expression: {exc}") from exc

    def check(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
        values = getattr(batch, name)
        bad = batch.map_distinct(name, lambda v: bool(v) and not pattern.fullmatch(v), bool)
        yield Flag(
            column,
            bad,
            lambda i: message or f"{column} {values[i]!r} does not match {pattern.pattern!r}",
        )

    return check


def _compare(column: str | None, params: Mapping[str, Any], message: str) -> Check:
    name, kind = field_of(column)
    assert column is not None
    if set(params) != {"op", "other"} or params["op"] not in OPERATORS:
        raise RuleDefinitionError(
            f"a compare rule takes 'op' (one of {' '.join(OPERATORS)}) and 'other'"
        )
    other_column = str(params["other"])
    other_name, other_kind = field_of(other_column)
    if kind != other_kind or kind not in ("number", "amount", "date"):
        raise RuleDefinitionError(f"{column} and {other_column} cannot be compared")
    op_text = str(params["op"])
    holds = OPERATORS[op_text]

    def check(batch: LineBatch, ctx: LineContext) -> Iterator[Flag]:
        left, right = getattr(batch, name), getattr(batch, other_name)
        both = has_value(batch, column) & has_value(batch, other_column)
        mask = both & ~holds(left, right)
        yield Flag(
            column,
            mask,
            lambda i: (
                message
                or f"{column} {_shown(kind, left[i])} is not {op_text} {other_column} "
                f"{_shown(kind, right[i])}"
            ),
        )

    return check


def _bound(kind: FieldKind, value: Any) -> float | int | None:
    if value is None:
        return None
    try:
        if kind == "date":
            return (date.fromisoformat(str(value)) - date(1970, 1, 1)).days
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
        return int(amount * 100) if kind == "amount" else float(amount)
    except (ValueError, InvalidOperation):
        expected = "a date YYYY-MM-DD" if kind == "date" else "a number"
        raise RuleDefinitionError(f"the bound {value!r} is not {expected}") from None


def _shown(kind: FieldKind, value: np.generic | npt.NDArray[Any]) -> str:
    if kind == "date":
        return iso(int(value))
    if kind == "amount":
        return money(int(value))
    return f"{value}"


def _limits(kind: FieldKind, low: float | None, high: float | None) -> str:
    parts = []
    if low is not None:
        parts.append(f"at least {_shown(kind, np.float64(low))}")
    if high is not None:
        parts.append(f"at most {_shown(kind, np.float64(high))}")
    return "the allowed range (" + ", ".join(parts) + ")"
