"""What an 835 decision means for one line: paid, denied or partial.

- **denied**: the claim is denied (CLP02 = 4), or the line is paid nothing and an
  adjustment in group CO, PI or OA carries a denial reason. Reasons that are not
  denials: contractual write-downs (45, 42, 131, A2), sequestration (253), the
  impact of a prior payer (23) and "processed in excess of charges" (94). A line
  paid nothing only because the patient owes it (group PR) is not denied.
- **partial**: the line is paid something, but less than expected, where expected =
  allowed (AMT*B6) - patient responsibility (PR) - prior payers' share (reason 23).
  Without AMT*B6, allowed = charge - contractual write-downs; the line is then
  partial exactly when a denial reason took part of it.
- **paid**: everything else the payer decided (including lines paid nothing because
  the patient owes all of it).

Group CR (004010 corrections and reversals) never marks a denial.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from desktop.carc import CONTRACTUAL_REASONS, PRIOR_PAYER_REASON, is_denial_reason
from desktop.ingest.x12.model import Adjustment

DENIED_CLAIM_STATUS = "4"
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_denial(adjustment: Adjustment) -> bool:
    return is_denial_reason(adjustment.group, adjustment.reason) and adjustment.amount > 0


def line_status(
    *,
    claim_status: str,
    charge: Decimal,
    paid: Decimal,
    allowed: Decimal | None,
    adjustments: Sequence[Adjustment],
    claim_adjustments: Sequence[Adjustment] = (),
) -> str:
    """``paid``, ``denied`` or ``partial`` for a decided line (or a claim without lines).

    ``adjustments`` are the line's own; ``claim_adjustments`` apply to the whole
    claim and count only for the denial test (they explain a line paid nothing).
    """
    if claim_status == DENIED_CLAIM_STATUS:
        return "denied"
    if paid < HALF_CENT:
        denial = any(is_denial(a) for a in adjustments) or any(
            is_denial(a) for a in claim_adjustments
        )
        return "denied" if denial else "paid"
    # expected = allowed - patient share - prior payers' share, in one pass over the CAS
    expected = charge if allowed is None else allowed
    for a in adjustments:
        counted = a.group == "PR" or a.reason == PRIOR_PAYER_REASON
        if counted or (allowed is None and a.reason in CONTRACTUAL_REASONS):
            expected -= a.amount
    return "partial" if paid < expected - HALF_CENT else "paid"


def adjustment_codes(*groups: Iterable[Adjustment]) -> list[str]:
    """``GROUP-CODE`` of each adjustment, in order, each once."""
    return list(dict.fromkeys(a.code for adjustments in groups for a in adjustments))
