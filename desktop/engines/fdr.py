"""False discovery rate control over every test of a run: weighted, in two passes.

Weighted Benjamini-Hochberg (Genovese, Roeder and Wasserman, 2006): each test gets a
weight fixed before any data are seen, the weights average 1, and BH runs on p / w.
The FDR stays at q; what the weights move is which tests get more of the error
budget. DriftWatch weighs tests by the kind of evidence they rest on: allowed
amounts vary by a percent or two, so an amount change worth reporting comes with a
p-value far below any threshold and needs little budget, while denial counts are
noisy and need more (see ``TEST_WEIGHTS``).

Two passes: pass one runs over all tests. The engines then read each change once (a
payer-wide change seen in many of its codes becomes one finding) and name the tests
that were absorbed. Pass two runs again without them: discoveries that only repeat
another one would otherwise raise the count of discoveries, and with it how many
false ones BH lets through elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from desktop.engines.stats import benjamini_hochberg

# Relative weight per kind of test (normalised to average 1 over the run's tests).
TEST_WEIGHTS = {
    "denial_rate": 2.0,
    "denial_reason_mix": 2.0,
    "allowed_per_unit": 0.5,
    "paid_to_allowed": 0.5,
    "days_to_pay": 1.0,
}


def weighted_q_values(p_values: Sequence[float], weights: Sequence[float]) -> list[float]:
    """q-values of weighted BH: BH on p / w, the weights scaled to average 1."""
    if not p_values:
        return []
    w = np.asarray(weights, dtype=np.float64)
    if (w <= 0).any():
        raise ValueError("test weights are positive")
    w = w / w.mean()
    scaled = np.minimum(np.asarray(p_values, dtype=np.float64) / w, 1.0)
    q: list[float] = benjamini_hochberg(scaled.tolist()).tolist()
    return q


def two_pass_fdr(
    p_values: Sequence[float],
    absorb: Callable[[Sequence[float]], set[int]],
    weights: Sequence[float] | None = None,
) -> list[float | None]:
    """Second-pass q-values (None for the tests ``absorb`` took out of the family)."""
    w = list(weights) if weights is not None else [1.0] * len(p_values)
    first = weighted_q_values(p_values, w)
    absorbed = absorb(first)
    remaining = [i for i in range(len(p_values)) if i not in absorbed]
    second = weighted_q_values([p_values[i] for i in remaining], [w[i] for i in remaining])
    out: list[float | None] = [None] * len(p_values)
    for i, q in zip(remaining, second, strict=True):
        out[i] = float(q)
    return out


def weight_of(metric: str) -> float:
    key = "days_to_pay" if metric.startswith("days_to_pay") else metric
    return TEST_WEIGHTS[key]
