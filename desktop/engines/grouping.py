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
    return windowed_quantiles(keys, values, (np.ones(len(keys), np.bool_),), n_groups, shares)[0]


def windowed_quantiles(
    keys: IntArray,
    values: FloatArray,
    windows: tuple[npt.NDArray[np.bool_], ...],
    n_groups: int,
    shares: tuple[float, ...],
) -> list[FloatArray]:
    """``quantiles`` for several line selections at once: one sort serves them all.

    Sorting is most of the cost; selecting from a sorted order keeps it sorted.
    """
    union = np.zeros(len(keys), np.bool_)
    for window in windows:
        union |= window
    index = np.flatnonzero(union)
    # Sort by (key, value) with two integer sorts, much faster than lexsort on floats:
    # rank the values, then sort key * n + rank.
    rank = np.empty(len(index), np.int64)
    rank[np.argsort(values[index])] = np.arange(len(index))
    order = index[np.argsort(keys[index].astype(np.int64) * len(index) + rank)]
    results = []
    for window in windows:
        chosen = order[window[order]]
        out = np.full((len(shares), n_groups), np.nan)
        if len(chosen):
            sorted_keys, sorted_values = keys[chosen], values[chosen]
            groups, first, size = np.unique(sorted_keys, return_index=True, return_counts=True)
            for row, share in enumerate(shares):
                position = first + share * (size - 1)
                low = np.floor(position).astype(np.int64)
                high = np.minimum(low + 1, first + size - 1)
                weight = position - low
                out[row, groups] = sorted_values[low] * (1 - weight) + sorted_values[high] * weight
        results.append(out)
    return results


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


# Odd 64-bit multipliers (from the golden ratio and friends) for mixing integers into one
# fingerprint; arithmetic wraps around modulo 2**64 on purpose.
_MIX = (
    0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
    0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9,
    0x2545F4914F6CDD1D, 0x9FB21C651E98DF25,
)  # fmt: skip


def fingerprint(*columns: npt.NDArray[np.generic]) -> IntArray:
    """One int64 per line mixing ``columns`` (equal rows give equal values).

    Distinct rows collide with probability about 2**-64 per pair: a collision would
    only merge two groups or two representatives, never misread a value.
    """
    if len(columns) > len(_MIX):
        raise ValueError(f"at most {len(_MIX)} columns")
    out = np.zeros(len(columns[0]), np.uint64)
    with np.errstate(over="ignore"):
        for column, factor in zip(columns, _MIX, strict=False):
            values = np.asarray(column)
            as_int = (
                values.view(np.uint64)
                if values.dtype == np.float64
                else values.astype(np.int64).view(np.uint64)
            )
            out = (out ^ as_int) * np.uint64(factor)
            out ^= out >> np.uint64(29)
    result: IntArray = out.view(np.int64)
    return result


def group_ids(key: IntArray) -> IntArray:
    """Dense group numbers 0..k-1 for the distinct values of ``key``."""
    inverse: IntArray = np.unique(key, return_inverse=True)[1].astype(np.int64).reshape(-1)
    return inverse


def one_per_group(
    lines: npt.NDArray[np.bool_], key: IntArray, content: IntArray
) -> npt.NDArray[np.bool_]:
    """``lines`` keeping one line per value of ``key``: the one with the smallest ``content``.

    ``content`` fingerprints what a line says, so the choice depends on the lines and
    never on their order in the batch (lines equal in content are interchangeable;
    of those, the first is kept). ``key`` may be any int64 (a fingerprint): only the
    selected lines are grouped.
    """
    index = np.flatnonzero(lines)
    kept = np.zeros(len(lines), np.bool_)
    if len(index) == 0:
        return kept
    groups = group_ids(key[index])
    values = content[index]
    n_groups = int(groups.max()) + 1
    smallest = np.full(n_groups, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(smallest, groups, values)
    tied = values == smallest[groups]
    first = np.full(n_groups, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first, groups[tied], index[tied])
    kept[first[first != np.iinfo(np.int64).max]] = True
    return kept
