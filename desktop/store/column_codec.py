"""Compact, exact encodings of numpy columns as bytes, for the claim-column snapshots.

Reading a snapshot costs mostly decrypting its pages, so every column is stored in the
narrowest type that holds it exactly: integers as offsets from the block's smallest
value ("frame of reference") in int8/int16/int32/int64, with that type's smallest value
reserved for ``MISSING``; floats as float32 when that loses nothing. Everything is
little-endian, whatever the machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.engines.columns import MISSING

# Candidate storage types for integer offsets, narrowest first. The smallest value of
# each type marks a missing value, so an offset may use everything above it.
_INT_TYPES = ("<i1", "<i2", "<i4", "<i8")
_FLOAT_TYPES = ("<f4", "<f8")


class ColumnCodecError(ValueError):
    """A stored column cannot be decoded (unknown type, wrong length)."""


@dataclass(frozen=True)
class EncodedColumn:
    """One column of one block: storage type, offset base and the raw bytes."""

    dtype: str
    base: int
    data: bytes


def encode_ints(values: npt.NDArray[np.integer], *, missing: int | None = MISSING) -> EncodedColumn:
    """Encode integers (``missing`` marks absent values) as narrow offsets from their minimum."""
    as64 = values.astype(np.int64, copy=False)
    present = as64 != missing if missing is not None else np.ones(len(as64), np.bool_)
    if not present.any():
        dtype = "<i1"
        marker = np.iinfo(np.int8).min
        return EncodedColumn(dtype, 0, np.full(len(as64), marker, dtype).tobytes())
    kept = as64[present]
    base = int(kept.min())
    span = int(kept.max()) - base
    if span > np.iinfo(np.int64).max:  # e.g. fingerprints: no offset can be narrower
        base = 0
    dtype = next((t for t in _INT_TYPES if span <= np.iinfo(np.dtype(t)).max), "<i8")
    offsets = as64 - base
    if not present.all():
        offsets[~present] = np.iinfo(np.dtype(dtype)).min
    return EncodedColumn(dtype, base, offsets.astype(dtype).tobytes())


def decode_ints(
    column: EncodedColumn, n: int, out_dtype: npt.DTypeLike, *, missing: int | None = MISSING
) -> npt.NDArray[np.integer]:
    """The inverse of :func:`encode_ints`, as ``out_dtype``."""
    if column.dtype not in _INT_TYPES:
        raise ColumnCodecError(f"unknown integer storage type {column.dtype!r}")
    raw = _frombuffer(column, n)
    out = raw.astype(out_dtype)
    if column.base:
        out += column.base
    if missing is not None:
        absent: npt.NDArray[np.bool_] = raw == np.iinfo(np.dtype(column.dtype)).min
        if absent.any():
            out[absent] = missing
    result: npt.NDArray[np.integer] = out
    return result


def encode_floats(values: npt.NDArray[np.floating]) -> EncodedColumn:
    """Float64 values as float32 when every value survives the round trip, else float64."""
    as64 = values.astype(np.float64, copy=False)
    narrow = as64.astype("<f4")
    if np.array_equal(narrow.astype(np.float64), as64, equal_nan=True):
        return EncodedColumn("<f4", 0, narrow.tobytes())
    return EncodedColumn("<f8", 0, as64.astype("<f8").tobytes())


def decode_floats(column: EncodedColumn, n: int) -> npt.NDArray[np.float64]:
    if column.dtype not in _FLOAT_TYPES:
        raise ColumnCodecError(f"unknown float storage type {column.dtype!r}")
    return _frombuffer(column, n).astype(np.float64)


def _frombuffer(column: EncodedColumn, n: int) -> npt.NDArray[np.generic]:
    dtype = np.dtype(column.dtype)
    if len(column.data) != n * dtype.itemsize:
        raise ColumnCodecError(
            f"a stored column holds {len(column.data)} bytes, not {n} values of {column.dtype}"
        )
    return np.frombuffer(column.data, dtype=dtype)
