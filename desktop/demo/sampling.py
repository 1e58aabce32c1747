"""Vectorised draws shared by the generator's steps."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I32 = npt.NDArray[np.int32]


def draw_by_row(
    rng: np.random.Generator, row: npt.NDArray[np.integer], probabilities: npt.NDArray[np.float64]
) -> I32:
    """For each entry, an index drawn from the distribution ``probabilities[row[entry]]``.

    Row r's cumulative distribution lies in [0, 1]; shifted by r, all rows form one
    sorted array, so one ``searchsorted`` of ``u + row`` draws every entry at once.
    """
    n_rows, n_values = probabilities.shape
    cdf = np.cumsum(probabilities, axis=1)
    cdf /= cdf[:, -1:]
    shifted = (cdf + np.arange(n_rows)[:, None]).ravel()
    u = rng.random(len(row))
    position = np.searchsorted(shifted, u + row, side="right") - row.astype(np.int64) * n_values
    drawn: I32 = np.minimum(position, n_values - 1).astype(np.int32)
    return drawn
