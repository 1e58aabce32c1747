"""A chunk of incoming claim lines as typed columns, before they are stored.

The import pipeline converts each chunk of a file into this shape; the quality
engine checks it and the writer stores the rows it accepts. Text columns are numpy
object arrays of ``str`` with ``""`` for an empty value; dates are days since
1970-01-01 and amounts integer cents, as in the store, with two sentinels: ``MISSING``
(the file gives no value) and ``INVALID`` (it gives one that is not a date or an
amount). ``status`` uses ``STATUS_MISSING`` and ``STATUS_INVALID`` likewise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt

from desktop.engines.columns import MISSING

R = TypeVar("R")

INVALID: Final = MISSING + 1
STATUS_MISSING: Final = -1
STATUS_INVALID: Final = -2
NO_PAYER: Final = -1

ObjectArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]
Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]
Int8Array = npt.NDArray[np.int8]

DATE_FIELDS: Final = ("date_of_service", "submitted_date", "decision_date", "paid_date")
AMOUNT_FIELDS: Final = ("billed_cents", "allowed_cents", "paid_cents")
# The contract's column name for each batch field that is named differently.
CONTRACT_NAME: Final = {
    "payer_raw": "payer",
    "payer_x12_id": "payer_id",
    "billed_cents": "billed_amount",
    "allowed_cents": "allowed_amount",
    "paid_cents": "paid_amount",
}


@dataclass(frozen=True)
class LineBatch:
    """Parallel arrays, one element per incoming row."""

    row: Int64Array  # source position: 1-based data row (CSV) or segment number (X12)
    claim_id: ObjectArray
    line_number: Int64Array  # MISSING / INVALID
    payer_raw: ObjectArray
    payer_id: Int32Array  # the canonical payer, NO_PAYER when there is no payer name
    payer_x12_id: ObjectArray
    cpt: ObjectArray
    modifiers: ObjectArray
    units: Float64Array  # NaN when not a number
    place_of_service: ObjectArray
    date_of_service: Int32Array
    submitted_date: Int32Array
    decision_date: Int32Array
    paid_date: Int32Array
    billed_cents: Int64Array
    allowed_cents: Int64Array
    paid_cents: Int64Array
    status: Int8Array  # a ClaimStatus value, STATUS_MISSING or STATUS_INVALID
    carc_codes: ObjectArray
    rarc_codes: ObjectArray
    rendering_npi: ObjectArray
    # text field -> (code per row, value per code): checks then work once per value
    factors: dict[str, tuple[Int32Array, ObjectArray]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # arrays derived from the columns, computed once by whoever needs them first
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.row)
        for name in column_names():
            if len(getattr(self, name)) != n:
                raise ValueError(f"column {name} has {len(getattr(self, name))} values, not {n}")

    def __len__(self) -> int:
        return len(self.row)

    def take(self, index: npt.NDArray[np.intp] | BoolArray) -> LineBatch:
        taken = {name: getattr(self, name)[index] for name in column_names()}
        factors = {name: (codes[index], values) for name, (codes, values) in self.factors.items()}
        return replace(self, **taken, factors=factors, memo={})

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled compactly: a text column with codes travels as codes and distinct values.

        Pickling an object array costs a step per row; a batch sent to another process
        would spend more on that than on everything else.
        """
        state = {
            name: None if name in self.factors else getattr(self, name) for name in column_names()
        }
        return (_unpickle_batch, (state, self.factors))

    def factorized(self, name: str) -> tuple[Int32Array, ObjectArray]:
        """The text column ``name`` as codes into its distinct values (computed once)."""
        if name not in self.factors:
            column = getattr(self, name)
            index = {value: i for i, value in enumerate(dict.fromkeys(column))}
            codes = np.fromiter(map(index.__getitem__, column), np.int32, count=len(column))
            self.factors[name] = (codes, object_array(list(index)))
        return self.factors[name]

    def map_distinct(
        self, name: str, convert_one: Callable[[Any], R], dtype: Any
    ) -> npt.NDArray[Any]:
        """``convert_one`` of each row's value of text column ``name``, computed per value."""
        codes, values = self.factorized(name)
        converted = np.fromiter(map(convert_one, values), dtype=dtype, count=len(values))
        result: npt.NDArray[Any] = converted[codes]
        return result


def _unpickle_batch(
    state: dict[str, Any], factors: dict[str, tuple[Int32Array, ObjectArray]]
) -> LineBatch:
    columns: dict[str, Any] = {}
    for name, value in state.items():
        if value is None:
            codes, values = factors[name]
            columns[name] = values[codes]
        else:
            columns[name] = value
    return LineBatch(**columns, factors=factors)


def column_names() -> tuple[str, ...]:
    return _COLUMN_NAMES


def contract_name(field_name: str) -> str:
    """The claims-CSV column a batch field comes from (what messages and issues name)."""
    return CONTRACT_NAME.get(field_name, field_name)


def object_array(values: list[str] | tuple[str, ...]) -> ObjectArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


_COLUMN_NAMES: Final = tuple(f.name for f in fields(LineBatch) if f.name not in ("factors", "memo"))
