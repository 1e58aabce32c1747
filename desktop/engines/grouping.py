"""Vectorised group-by helpers: counts, medians and per-group slices by integer key."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def counts(keys: IntArray, n_groups: int) -> IntArray:
    out: IntArray = np.bincount(keys, minlength=n_groups).astype(np.int64)
    return out


def sums(keys: IntArray, values: FloatArray, n_groups: int) -> FloatArray:
    out: FloatArray = np.bincount(keys, weights=values, minlength=n_groups).astype(np.float64)
    return out


def medians(keys: IntArray, values: FloatArray, n_groups: int) -> FloatArray:
    """The median of ``values`` per key (NaN for keys without values)."""
    out = np.full(n_groups, np.nan)
    if len(keys) == 0:
        return out
    order = np.lexsort((values, keys))
    sorted_keys, sorted_values = keys[order], values[order]
    groups, first, size = np.unique(sorted_keys, return_index=True, return_counts=True)
    low = first + (size - 1) // 2
    high = first + size // 2
    out[groups] = (sorted_values[low] + sorted_values[high]) / 2.0
    return out


def slices(
    keys: IntArray, values: FloatArray, wanted: IntArray
) -> Iterator[tuple[int, FloatArray]]:
    """(key, that key's values) for every key in ``wanted`` (empty arrays included).

    Only the lines of wanted keys are sorted: usually a few groups out of many.
    """
    n_groups = int(max(keys.max(initial=-1), wanted.max(initial=-1))) + 1
    is_wanted = np.zeros(n_groups, np.bool_)
    is_wanted[wanted] = True
    chosen = is_wanted[keys]
    kept_keys, kept_values = keys[chosen], values[chosen]
    order = np.argsort(kept_keys, kind="stable")
    sorted_keys, sorted_values = kept_keys[order], kept_values[order]
    lo = np.searchsorted(sorted_keys, wanted, side="left")
    hi = np.searchsorted(sorted_keys, wanted, side="right")
    for key, a, b in zip(wanted.tolist(), lo.tolist(), hi.tolist(), strict=True):
        yield key, sorted_values[a:b]


def first_of_each(
    lines: npt.NDArray[np.bool_], *keys: npt.NDArray[np.integer]
) -> npt.NDArray[np.bool_]:
    """``lines`` keeping only the first line of each distinct combination of ``keys``."""
    index = np.flatnonzero(lines)
    if len(index) == 0:
        return lines.copy()
    columns = [k[index] for k in keys]
    order = np.lexsort(columns[::-1])
    stacked = np.stack([c[order] for c in columns])
    first = np.ones(len(order), np.bool_)
    first[1:] = (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)
    kept = np.zeros(len(lines), np.bool_)
    kept[index[order[first]]] = True
    return kept
