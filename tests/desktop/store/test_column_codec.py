from __future__ import annotations

import numpy as np
import pytest

from desktop.engines.columns import MISSING
from desktop.store.column_codec import (
    ColumnCodecError,
    EncodedColumn,
    decode_floats,
    decode_ints,
    encode_floats,
    encode_ints,
)


@pytest.mark.parametrize(
    ("values", "dtype", "base"),
    [
        ([20_000, 20_100, 20_127], "<i1", 20_000),  # span 127 fits int8
        ([20_000, 20_128], "<i2", 20_000),  # span 128 does not
        ([0, 2**31], "<i8", 0),
        ([-5, 5, 3], "<i1", -5),
        ([-(2**63) + 5, 2**63 - 1], "<i8", 0),  # a span wider than int64 keeps raw values
    ],
)
def test_integers_take_the_narrowest_exact_type(values: list[int], dtype: str, base: int) -> None:
    column = encode_ints(np.array(values, np.int64))
    assert (column.dtype, column.base) == (dtype, base)
    assert decode_ints(column, len(values), np.int64).tolist() == values


def test_missing_values_survive_and_do_not_widen_the_type() -> None:
    values = np.array([MISSING, 20_000, 20_100, MISSING], np.int64)
    column = encode_ints(values)
    assert column.dtype == "<i1" and len(column.data) == 4
    assert decode_ints(column, 4, np.int32).tolist() == values.tolist()
    everything_missing = encode_ints(np.full(3, MISSING, np.int64))
    assert decode_ints(everything_missing, 3, np.int32).tolist() == [MISSING] * 3


def test_floats_narrow_only_when_exact() -> None:
    assert encode_floats(np.array([1.0, 0.5, 2.25])).dtype == "<f4"
    thirds = np.array([1 / 3, 1.0])
    column = encode_floats(thirds)
    assert column.dtype == "<f8"
    assert decode_floats(column, 2).tolist() == thirds.tolist()


def test_damaged_columns_are_refused() -> None:
    with pytest.raises(ColumnCodecError, match="holds 3 bytes"):
        decode_ints(EncodedColumn("<i2", 0, b"abc"), 2, np.int64)
    with pytest.raises(ColumnCodecError, match="unknown integer"):
        decode_ints(EncodedColumn("<u2", 0, b"ab"), 1, np.int64)
