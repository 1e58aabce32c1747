"""Which claim adjustment reasons (CARC) are denials, for the X12 reader and the engines.

One list, so an 835 read by the importer and a CSV export analysed by DriftWatch agree
on what a denial is. A denial is an adjustment in group CO, PI or OA whose reason is
not a contractual write-down (45, 42, 131, A2), sequestration (253), "processed in
excess of charges" (94) or the impact of a prior payer (23). Group PR (the patient
owes it) and CR (004010 corrections and reversals) never are.
"""

from __future__ import annotations

DENIAL_GROUPS = frozenset({"CO", "PI", "OA"})
CONTRACTUAL_REASONS = frozenset({"45", "42", "131", "A2", "253", "94"})
PRIOR_PAYER_REASON = "23"
NOT_DENIAL_REASONS = CONTRACTUAL_REASONS | {PRIOR_PAYER_REASON}


def is_denial_reason(group: str, reason: str) -> bool:
    return group in DENIAL_GROUPS and reason not in NOT_DENIAL_REASONS


def is_denial_code(code: str) -> bool:
    """For the stored ``GROUP-REASON`` spelling, e.g. ``CO-197`` (True) or ``CO-45``."""
    group, _, reason = code.strip().upper().partition("-")
    return bool(reason) and is_denial_reason(group, reason)
