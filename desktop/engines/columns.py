"""The column batch every engine works on: claim lines as numpy arrays.

The store's loader, the demo-data generator and the tests all produce this one
shape, and the engines take nothing else. Text columns (payer, procedure code,
denial reason) are dictionary-encoded: an int32 index per line into a tuple of
distinct values, so grouping is integer work. Dates are days since 1970-01-01 and
amounts integer cents, as in the store. A missing date or amount is ``MISSING``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from desktop.carc import is_denial_code
from desktop.store.models.claims import ClaimStatus

MISSING = np.iinfo(np.int32).min  # for int32 dates and int64 amounts alike
NO_REASON = -1

IntArray = npt.NDArray[np.int32]
BigIntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StatusArray = npt.NDArray[np.int8]


def primary_denial_reason(carc_codes: str | None) -> str | None:
    """The reason a line was denied: its first adjustment that is a denial reason.

    ``carc_codes`` is the stored ``GROUP-CODE;GROUP-CODE`` text. Reasons that are not
    denials (``desktop.carc``: contractual write-downs such as CO-45, patient
    responsibility PR-*) are skipped; if only those are present the first code is
    returned, and None when there is none at all.
    """
    if not carc_codes:
        return None
    codes = [c.strip().upper() for c in carc_codes.split(";") if c.strip()]
    for code in codes:
        if is_denial_code(code):
            return code
    return codes[0] if codes else None


@dataclass(frozen=True)
class ClaimColumns:
    """Claim lines as parallel arrays (one element per line)."""

    payer: IntArray
    cpt: IntArray
    date_of_service: IntArray
    submitted_date: IntArray
    decision_date: IntArray
    paid_date: IntArray
    billed_cents: BigIntArray
    allowed_cents: BigIntArray
    paid_cents: BigIntArray
    units: FloatArray
    status: StatusArray
    denial_reason: IntArray
    payer_names: tuple[str, ...] = field(default=())
    cpt_codes: tuple[str, ...] = field(default=())
    reason_codes: tuple[str, ...] = field(default=())
    # Which claim each line belongs to (equal values = one claim), when known. Lines
    # of one claim are decided and paid together, so tests that count payments or
    # whole-claim denials count each claim once; without it they count lines.
    claim: BigIntArray | None = None

    def __post_init__(self) -> None:
        n = len(self.payer)
        if self.claim is not None and len(self.claim) != n:
            raise ValueError(f"column claim has {len(self.claim)} values, not {n}")
        for name in (
            "cpt",
            "date_of_service",
            "submitted_date",
            "decision_date",
            "paid_date",
            "billed_cents",
            "allowed_cents",
            "paid_cents",
            "units",
            "status",
            "denial_reason",
        ):
            if len(getattr(self, name)) != n:
                raise ValueError(f"column {name} has {len(getattr(self, name))} values, not {n}")

    def __len__(self) -> int:
        return len(self.payer)

    @property
    def is_denied(self) -> npt.NDArray[np.bool_]:
        denied: npt.NDArray[np.bool_] = self.status == np.int8(ClaimStatus.DENIED)
        return denied

    @property
    def is_paid(self) -> npt.NDArray[np.bool_]:
        paid: npt.NDArray[np.bool_] = self.paid_date != MISSING
        return paid

    def take(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> ClaimColumns:
        """The lines selected by ``index`` (a mask or positions), same dictionaries."""
        return ClaimColumns(
            payer=self.payer[index],
            cpt=self.cpt[index],
            date_of_service=self.date_of_service[index],
            submitted_date=self.submitted_date[index],
            decision_date=self.decision_date[index],
            paid_date=self.paid_date[index],
            billed_cents=self.billed_cents[index],
            allowed_cents=self.allowed_cents[index],
            paid_cents=self.paid_cents[index],
            units=self.units[index],
            status=self.status[index],
            denial_reason=self.denial_reason[index],
            payer_names=self.payer_names,
            cpt_codes=self.cpt_codes,
            reason_codes=self.reason_codes,
            claim=None if self.claim is None else self.claim[index],
        )

    @classmethod
    def empty(cls) -> ClaimColumns:
        i32 = np.empty(0, np.int32)
        i64 = np.empty(0, np.int64)
        return cls(
            payer=i32,
            cpt=i32,
            date_of_service=i32,
            submitted_date=i32,
            decision_date=i32,
            paid_date=i32,
            billed_cents=i64,
            allowed_cents=i64,
            paid_cents=i64,
            units=np.empty(0, np.float64),
            status=np.empty(0, np.int8),
            denial_reason=i32,
        )
