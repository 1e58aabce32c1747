"""What the quality engine is told about a batch from outside it (aligned with its rows).

The engine does no SQL: whatever needs the store (is this key already stored, and
from which import?) is looked up by the pipeline and handed over here as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from desktop.engines.line_batch import BoolArray


def _no_rows() -> BoolArray:
    return np.zeros(0, bool)


@dataclass(frozen=True)
class LineContext:
    today: int  # days since 1970-01-01: a date after this is in the future
    # the key was stored earlier by this same import (a repeat in a later chunk)
    stored_by_this_import: BoolArray = field(default_factory=_no_rows)
    # the key is stored from an earlier import for a different payer, cpt or service date
    stored_conflict: BoolArray = field(default_factory=_no_rows)
    # a remittance (835) line that completes no stored line
    unmatched_remittance: BoolArray = field(default_factory=_no_rows)
    # batch index -> why the reader could not read that row whole
    row_problems: dict[int, str] = field(default_factory=dict)

    @classmethod
    def for_rows(
        cls,
        n: int,
        today: int,
        *,
        stored_by_this_import: BoolArray | None = None,
        stored_conflict: BoolArray | None = None,
        unmatched_remittance: BoolArray | None = None,
        row_problems: dict[int, str] | None = None,
    ) -> LineContext:
        """A context for ``n`` rows; a mask not given is all False."""

        def given(mask: BoolArray | None) -> BoolArray:
            return np.zeros(n, bool) if mask is None else mask

        return cls(
            today=today,
            stored_by_this_import=given(stored_by_this_import),
            stored_conflict=given(stored_conflict),
            unmatched_remittance=given(unmatched_remittance),
            row_problems=row_problems or {},
        )

    def take(self, index: npt.NDArray[np.intp]) -> LineContext:
        position = {int(old): new for new, old in enumerate(index)}
        return LineContext(
            today=self.today,
            stored_by_this_import=self.stored_by_this_import[index],
            stored_conflict=self.stored_conflict[index],
            unmatched_remittance=self.unmatched_remittance[index],
            row_problems={position[i]: m for i, m in self.row_problems.items() if i in position},
        )
