"""Line numbers of a claim's service lines, the same way for 835 and 837.

A line's number is its REF*6R line item control number when that is a whole number
(the payer echoes the 837's REF*6R in the 835, so both sides agree); otherwise its
position among the claim's service lines (1-based). The rule is applied to a whole
claim at once: control numbers are used only when every line has one, each a
distinct whole number >= 1. A claim where only some lines have usable control
numbers is numbered by position, with a warning, so two lines never share a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.ingest.x12.elements import WarningLog


def _as_number(control: str | None) -> int | None:
    if control is None or not control.isascii() or not control.isdigit():
        return None
    value = int(control)
    return value if value >= 1 else None


def assign_line_numbers(
    controls: Sequence[str | None], claim_segment: int, claim_id: str, log: WarningLog
) -> list[int]:
    """Numbers for lines whose REF*6R values are ``controls`` (None when absent)."""
    by_position = list(range(1, len(controls) + 1))
    numbers = [_as_number(c) for c in controls]
    usable = [n for n in numbers if n is not None]
    if not usable:
        return by_position
    if len(usable) == len(numbers) and len(set(usable)) == len(usable):
        return [n for n in numbers if n is not None]
    log.add(
        claim_segment,
        f"Claim {claim_id}: REF*6R line control numbers are missing, not whole numbers "
        "or repeated on some lines; its lines are numbered by position instead.",
    )
    return by_position
