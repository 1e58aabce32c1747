"""Canonical text rows -> typed columns (``LineBatch``), one chunk at a time.

Every column is converted once per *distinct* value: a chunk of claim lines holds
few distinct dates, codes, statuses and payers, so parsing costs little and the
per-row work is one dictionary lookup done in C (``map`` + ``np.fromiter``). Each
parser tries the commonest well-formed shape first and only then the lenient one.
Empty and NULL-like cells become the batch's MISSING values and the contract's
defaults apply (line number 1, units 1). For merge sources (835) a ``None`` cell
stays "unset" so that the stored value can be kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop.engines.columns import MISSING
from desktop.engines.line_batch import (
    NO_PAYER,
    STATUS_MISSING,
    BoolArray,
    Int32Array,
    Int64Array,
    LineBatch,
    ObjectArray,
    object_array,
)
from desktop.ingest import values as v
from desktop.ingest.rows import RawChunk

Parser = Callable[[str], Any]
Shortcut = Callable[[str], Any | None]


def _no_shortcut(cell: str) -> None:
    return None


# contract column -> (batch field, shortcut for well-formed cells, lenient parser, empty, dtype)
_TYPED: dict[str, tuple[str, Shortcut, Parser, Any, type]] = {
    "line_number": ("line_number", _no_shortcut, v.parse_line_number, 1, np.int64),
    "units": ("units", _no_shortcut, v.parse_units, 1.0, np.float64),
    "date_of_service": ("date_of_service", v.plain_date, v.parse_date, MISSING, np.int32),
    "submitted_date": ("submitted_date", v.plain_date, v.parse_date, MISSING, np.int32),
    "decision_date": ("decision_date", v.plain_date, v.parse_date, MISSING, np.int32),
    "paid_date": ("paid_date", v.plain_date, v.parse_date, MISSING, np.int32),
    "billed_amount": ("billed_cents", v.plain_cents, v.parse_cents, MISSING, np.int64),
    "allowed_amount": ("allowed_cents", v.plain_cents, v.parse_cents, MISSING, np.int64),
    "paid_amount": ("paid_cents", v.plain_cents, v.parse_cents, MISSING, np.int64),
    "status": ("status", _no_shortcut, v.parse_status, STATUS_MISSING, np.int8),
}
# contract column -> (batch field, normaliser of a clean non-empty value, None: as is)
_TEXT: dict[str, tuple[str, Callable[[str], str] | None]] = {
    "claim_id": ("claim_id", None),
    "payer": ("payer_raw", lambda text: " ".join(text.split())),  # inner spacing collapsed
    "payer_id": ("payer_x12_id", None),
    "cpt": ("cpt", str.upper),
    "modifiers": ("modifiers", v.normalise_codes),
    "place_of_service": ("place_of_service", v.normalise_place_of_service),
    "carc_codes": ("carc_codes", v.normalise_codes),
    "rarc_codes": ("rarc_codes", v.normalise_codes),
    "rendering_npi": ("rendering_npi", None),
}


@dataclass(frozen=True)
class ConvertedChunk:
    batch: LineBatch
    unset: dict[str, BoolArray]  # batch field -> rows whose source did not say (835 only)


def convert(chunk: RawChunk, *, merges: bool = False) -> ConvertedChunk:
    """Typed columns of ``chunk``; ``merges`` says ``None`` cells mean "keep what is stored"."""
    n = len(chunk)
    arrays: dict[str, Any] = {"row": chunk.positions, "payer_id": np.full(n, NO_PAYER, np.int32)}
    unset: dict[str, BoolArray] = {}
    factors: dict[str, tuple[Int32Array, ObjectArray]] = {}
    for column, (name, shortcut, parse, empty, dtype) in _TYPED.items():
        if column not in chunk.columns:
            arrays[name] = np.full(n, empty, dtype=dtype)
            continue
        if shortcut is v.plain_cents and not merges:
            quick = quick_cents(chunk.columns[column])
            if quick is not None:
                arrays[name] = quick
                continue
        codes, distinct = chunk.factorized(column)
        table: npt.NDArray[Any] = np.array(
            [_typed(c, shortcut, parse, empty) for c in distinct], dtype=dtype
        )
        arrays[name] = table[codes]
        _note_unset(unset, name, codes, distinct, merges)
    for column, (name, normalise) in _TEXT.items():
        if column not in chunk.columns:
            arrays[name] = np.full(n, "", dtype=object)
            continue
        # The codes stay with the batch: the quality checks then work once per value.
        codes, distinct = chunk.factorized(column)
        values = object_array([_text(cell, normalise) for cell in distinct])
        arrays[name] = values[codes]
        factors[name] = (codes, values)
        _note_unset(unset, name, codes, distinct, merges)
    return ConvertedChunk(LineBatch(**arrays, factors=factors), unset)


def quick_cents(cells: list[str | None]) -> Int64Array | None:
    """Cents of a column of plain numbers, parsed in C; None if any cell is not one.

    Amounts are mostly distinct, so parsing each distinct value in Python costs
    about a microsecond per row; numpy's float parser does it in a tenth of that.
    A value is taken only if it is within a millionth of a cent of a whole cent (the
    text had at most two decimals); otherwise the exact parser decides, cell by cell.
    """
    text = "".join(cells)  # type: ignore[arg-type]  # CSV cells: never None
    plain = text.replace(".", "").replace("-", "")
    if not (plain.isascii() and (plain.isdigit() or not plain)):
        return None  # "$1,234.50", "(12.00)", "N/A", "1e5" …: the exact parser handles those
    try:
        values = np.array([c or "nan" for c in cells], dtype=np.float64)
    except ValueError:
        return None  # "1-2", "1.2.3": not numbers at all
    with np.errstate(invalid="ignore"):
        scaled = values * 100
        cents = np.rint(scaled)
        exact = np.abs(scaled - cents) <= 1e-6
        small = np.abs(values) < 1e13
    missing = np.isnan(values)
    if not np.all(missing | (exact & small)):
        return None
    result: Int64Array = np.where(missing, MISSING, cents).astype(np.int64)
    return result


def blank_columns(converted: ConvertedChunk, columns: set[str]) -> ConvertedChunk:
    """The chunk with these text columns emptied (the PHI guard dropped them)."""
    batch = converted.batch
    names = [_TEXT[c][0] for c in columns if c in _TEXT]
    if not names:
        return converted
    n = len(batch)
    blank: dict[str, Any] = {name: np.full(n, "", dtype=object) for name in names}
    factors = {k: v for k, v in batch.factors.items() if k not in blank}
    unset = {k: v for k, v in converted.unset.items() if k not in blank}
    return ConvertedChunk(replace(batch, **blank, factors=factors, memo={}), unset)


def _note_unset(
    unset: dict[str, BoolArray],
    name: str,
    codes: Int32Array,
    distinct: list[str | None],
    merges: bool,
) -> None:
    if merges and None in distinct:
        unset[name] = codes == distinct.index(None)


def _typed(cell: str | None, shortcut: Shortcut, parse: Parser, empty: Any) -> Any:
    if cell is None:
        return empty
    quick = shortcut(cell)
    if quick is not None:
        return quick
    text = v.clean(cell)
    return parse(text) if text else empty


def _text(cell: str | None, normalise: Callable[[str], str] | None) -> str:
    """The stored text of a cell; claim ids come by the hundred thousand, so no detours."""
    if not cell:
        return ""
    text = cell.strip()
    if len(text) <= v.LONGEST_NULL_WORD and text.casefold() in v.NULL_WORDS:
        return ""
    return normalise(text) if normalise is not None and text else text
