"""Checks and readers shared by the 835 and 837 parsers: segment width, codes, CAS.

A segment that lost its terminator swallows the next one, and the next one may be a
patient segment. Two guards keep such text out of the results: a segment with more
elements than its definition allows is skipped, and a read segment whose elements
do not all have their type (the junction of two segments never does: ``10NM1``) is
skipped as a whole, never half-read.
"""

from __future__ import annotations

import re

from desktop.ingest.x12.elements import BadElement, WarningLog, amount, element, optional_amount
from desktop.ingest.x12.model import Adjustment

# Most data elements each read segment may have (005010; 004010 allows no more).
MAX_ELEMENTS = {
    "AMT": 3,
    "BHT": 6,
    "BPR": 21,
    "CAS": 19,
    "CLM": 20,
    "CLP": 14,
    "DTM": 6,
    "DTP": 3,
    "HL": 4,
    "LQ": 2,
    "LX": 1,
    "MIA": 24,
    "MOA": 9,
    "N1": 6,
    "NM1": 12,
    "PLB": 14,
    "REF": 4,
    "SBR": 9,
    "SV1": 21,
    "SV2": 10,
    "SVC": 7,
    "TRN": 4,
}
ADJUSTMENT_GROUPS = frozenset({"CO", "PI", "PR", "OA", "CR"})
_TRIPLETS = 6
_CAS_NAMES = {
    first: (f"CAS{first + 1:02d} (amount)", f"CAS{first + 2:02d} (quantity)")
    for first in range(2, 2 + 3 * _TRIPLETS, 3)
}
_REASON_CODE = re.compile(r"[A-Z0-9]{1,3}")
_REMARK_CODE = re.compile(r"[A-Z0-9]{1,5}")


def remark_code(text: str, name: str) -> str:
    """A remittance advice remark code (RARC), e.g. ``N130``, ``MA01``."""
    if _REMARK_CODE.fullmatch(text) is None:
        raise BadElement(f"{name} is not a remark code")
    return text


def remark_codes(el: list[str], positions: tuple[int, ...], name: str) -> list[str]:
    return [remark_code(code, f"{name}{i:02d}") for i in positions if (code := element(el, i))]


def check_amounts(el: list[str], positions: tuple[int, ...], name: str) -> None:
    """Raise ``BadElement`` unless each of ``positions`` is empty or an amount."""
    for index in positions:
        optional_amount(element(el, index), f"{name}{index:02d}")


PADDING = ("",) * (max(MAX_ELEMENTS.values()) + 1)


def too_wide(number: int, elements: list[str], limit: int, log: WarningLog) -> bool:
    """True (with a warning) when the segment has more than ``limit`` elements.

    Empty trailing elements do not count.
    """
    used = len(elements)
    while used > 1 and not elements[used - 1].strip():
        used -= 1
    if used - 1 <= limit:
        return False
    log.add(
        number,
        f"{elements[0]} segment skipped: it has {used - 1} elements where at most {limit} "
        "are allowed (a segment terminator is probably missing).",
    )
    return True


def parse_adjustments(el: list[str]) -> list[Adjustment]:
    """The reason/amount/quantity triplets of one CAS segment (up to six), all or none.

    ``el`` is padded to the width of CAS (see ``fit_width``).
    """
    group = el[1].strip()
    if group not in ADJUSTMENT_GROUPS:
        raise BadElement("CAS01 is not an adjustment group (CO, PI, PR, OA, CR)")
    found: list[Adjustment] = []
    for first in range(2, 2 + 3 * _TRIPLETS, 3):
        reason, amount_text, quantity_text = el[first], el[first + 1], el[first + 2]
        if not (reason or amount_text or quantity_text):
            continue
        reason = reason.strip()
        if _REASON_CODE.fullmatch(reason) is None:
            raise BadElement(f"CAS{first:02d} is not an adjustment reason code")
        found.append(
            Adjustment(
                group=group,
                reason=reason,
                amount=amount(amount_text, _CAS_NAMES[first][0]),
                quantity=optional_amount(quantity_text, _CAS_NAMES[first][1]),
            )
        )
    if not found:
        raise BadElement("CAS has no adjustment")
    return found
