"""Which lines belong to one claim, computed once per run and shared by both engines.

Lines of one claim are decided and paid together, so the tests that count decisions
or payments take one line per claim (or per claim and code). The line taken is chosen
by its content (see ``grouping.one_per_group``), so results never depend on the order
of the lines in the batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop.engines import grouping
from desktop.engines.columns import ClaimColumns
from desktop.engines.grouping import IntArray


@dataclass(frozen=True)
class ClaimGroups:
    claim: IntArray  # the claim's fingerprint, per line
    content: IntArray  # fingerprint of what each line says

    @classmethod
    def of(cls, cols: ClaimColumns) -> ClaimGroups:
        if cols.claim is None:
            raise ValueError("these lines carry no claim ids")
        return cls(
            claim=cols.claim,
            content=grouping.fingerprint(
                cols.status,
                cols.decision_date,
                cols.paid_date,
                cols.denial_reason,
                cols.allowed_cents,
                cols.paid_cents,
                cols.units,
                cols.date_of_service,
                cols.cpt,
                cols.payer,
            ),  # fmt: skip
        )

    def one_per_claim(self, lines: np.ndarray) -> np.ndarray:
        return grouping.one_per_group(lines, self.claim, self.content)
