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
    out: FloatArray = quantiles(keys, values, n_groups, (0.5,))[0]
    return out


def quantiles(
    keys: IntArray, values: FloatArray, n_groups: int, shares: tuple[float, ...]
) -> FloatArray:
    """Quantiles of ``values`` per key, one row per share (linear interpolation; NaN if empty)."""
    out = np.full((len(shares), n_groups), np.nan)
    if len(keys) == 0:
        return out
    order = np.lexsort((values, keys))
    sorted_keys, sorted_values = keys[order], values[order]
    groups, first, size = np.unique(sorted_keys, return_index=True, return_counts=True)
    for row, share in enumerate(shares):
        position = first + share * (size - 1)
        low = np.floor(position).astype(np.int64)
        high = np.minimum(low + 1, first + size - 1)
        weight = position - low
        out[row, groups] = sorted_values[low] * (1 - weight) + sorted_values[high] * weight
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
    lines: npt.NDArray[np.bool_],
    *keys: npt.NDArray[np.integer],
    order_by: tuple[npt.NDArray[np.generic], ...] = (),
) -> npt.NDArray[np.bool_]:
    """``lines`` keeping one line per distinct combination of ``keys``.

    The line kept is the first by ``order_by`` (then by position): give ``order_by``
    every column that can differ within a group, so that the choice depends on the
    lines' content and never on their order in the batch.
    """
    index = np.flatnonzero(lines)
    if len(index) == 0:
        return lines.copy()
    columns = [k[index] for k in keys]
    ties = [o[index] for o in order_by]
    order = np.lexsort([*ties[::-1], *columns[::-1]])
    stacked = np.stack([c[order] for c in columns])
    first = np.ones(len(order), np.bool_)
    first[1:] = (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)
    kept = np.zeros(len(lines), np.bool_)
    kept[index[order[first]]] = True
    return kept
