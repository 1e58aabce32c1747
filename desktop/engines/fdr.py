"""False discovery rate control over every test of a run, in two passes.

Pass one is Benjamini-Hochberg over all tests. The engines then read each change
once (a payer-wide change seen in many of its codes becomes one finding) and name the
tests that were absorbed. Pass two is Benjamini-Hochberg again without them: the
discoveries that only repeated another one would otherwise raise the number of
discoveries, and with it how many false ones BH lets through elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from desktop.engines.stats import benjamini_hochberg


def two_pass_fdr(
    p_values: Sequence[float], absorb: Callable[[Sequence[float]], set[int]]
) -> list[float | None]:
    """Second-pass q-values (None for the tests ``absorb`` took out of the family)."""
    first = benjamini_hochberg(p_values).tolist()
    absorbed = absorb(first)
    remaining = [i for i in range(len(p_values)) if i not in absorbed]
    second = benjamini_hochberg([p_values[i] for i in remaining]).tolist()
    out: list[float | None] = [None] * len(p_values)
    for i, q in zip(remaining, second, strict=True):
        out[i] = float(q)
    return out
