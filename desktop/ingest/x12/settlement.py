"""Which decision stands for each claim of an 835, after reversals (CLP02 = 22).

The occurrences of one claim id (CLP01) are taken in file order:

- A decision (any CLP02 other than 22) stands until something reverses it.
- A reversal cancels the latest standing decision of the same claim in this file.
  When its charge and paid amounts are the exact negatives, the pair cancels out;
  otherwise the two are netted line by line (paid, allowed and adjustments summed,
  the original charge kept), with a warning. A net paid amount below zero cancels.
- A reversal with no decision before it in the file reverses a payment imported
  earlier. Its lines go back to **pending** (the store forgets that decision) unless
  a later decision in this file settles them again: the usual "reverse and
  re-adjudicate" pair then simply leaves the new decision.
- A claim decided twice without a reversal between keeps, for lines with the same
  number, the later decision (with a warning); different line numbers are all kept,
  as payers split claims.
- A predetermination (CLP02 = 25) decides nothing about payment and gives no lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from desktop.ingest.x12.model import (
    Adjustment,
    Remittance,
    RemittanceClaim,
    RemittanceLine,
    X12Warning,
)

PREDETERMINATION = "25"


@dataclass(frozen=True, slots=True)
class SettledLine:
    """One line as the file leaves it: decided, or back to pending after a reversal."""

    remittance: Remittance
    claim: RemittanceClaim
    line: RemittanceLine | None  # None: the claim has no service lines
    pending: bool = False

    @property
    def line_number(self) -> int:
        return self.line.line_number if self.line is not None else 1

    @property
    def segment(self) -> int:
        return self.line.segment if self.line is not None else self.claim.segment


@dataclass(frozen=True, slots=True)
class Settlement:
    lines: tuple[SettledLine, ...]
    warnings: tuple[X12Warning, ...]


Occurrence = tuple[Remittance, RemittanceClaim]


def settle(remittances: Iterable[Remittance]) -> Settlement:
    """Settle every claim id of the file; claims appear in the order first seen."""
    groups: dict[str, list[Occurrence]] = {}
    for remittance in remittances:
        for claim in remittance.claims:
            groups.setdefault(claim.claim_id, []).append((remittance, claim))
    lines: list[SettledLine] = []
    warnings: list[X12Warning] = []
    for claim_id, occurrences in groups.items():
        if len(occurrences) == 1 and occurrences[0][1].status_code not in ("22", "25"):
            lines.extend(_units(*occurrences[0], pending=False))
        else:
            lines.extend(_settle_claim(claim_id, occurrences, warnings))
    return Settlement(tuple(lines), tuple(warnings))


def _units(
    remittance: Remittance, claim: RemittanceClaim, *, pending: bool
) -> Iterator[SettledLine]:
    if claim.lines:
        for line in claim.lines:
            yield SettledLine(remittance, claim, line, pending)
    elif not claim.skipped_lines:
        yield SettledLine(remittance, claim, None, pending)


def _settle_claim(
    claim_id: str, occurrences: list[Occurrence], warnings: list[X12Warning]
) -> list[SettledLine]:
    standing: list[Occurrence] = []
    reverted: list[SettledLine] = []
    notes: list[X12Warning] = []  # said only if some line ends up pending
    for remittance, claim in occurrences:
        if claim.status_code == PREDETERMINATION:
            warnings.append(
                X12Warning(
                    claim.segment,
                    f"Claim {claim_id} is a predetermination (CLP02 = 25): no payment "
                    "decision, no lines.",
                )
            )
        elif not claim.is_reversal:
            standing.append((remittance, claim))
        elif not standing:
            reverted.extend(_units(remittance, claim, pending=True))
            notes.append(
                X12Warning(
                    claim.segment,
                    f"Claim {claim_id}: the reversal reverses a payment not in this file; "
                    "its lines go back to pending until a new decision arrives.",
                )
            )
        else:
            original_remittance, original = standing.pop()
            netted = _net(original, claim, warnings)
            if netted is None:
                reverted.extend(_units(original_remittance, original, pending=True))
                notes.append(
                    X12Warning(
                        claim.segment,
                        f"Claim {claim_id} was paid (segment {original.segment}) and "
                        "reversed in this file; its lines go back to pending.",
                    )
                )
            else:
                standing.append((original_remittance, netted))
    final: dict[int, SettledLine] = {}
    origin: dict[int, int] = {}
    repeated = False
    for remittance, claim in standing:
        for unit in _units(remittance, claim, pending=False):
            key = unit.line_number
            repeated = repeated or (key in origin and origin[key] != claim.segment)
            final[key] = unit
            origin[key] = claim.segment
    if repeated:
        warnings.append(
            X12Warning(
                standing[-1][1].segment,
                f"Claim {claim_id} is decided {len(standing)} times in this file without a "
                "reversal between; for lines with the same number the last decision is used.",
            )
        )
    pending = [u for u in reverted if u.line_number not in final]
    if pending:
        warnings.extend(notes)
    for unit in pending:
        final.setdefault(unit.line_number, unit)
    return list(final.values())


def _net(
    original: RemittanceClaim, reversal: RemittanceClaim, warnings: list[X12Warning]
) -> RemittanceClaim | None:
    """The original less the reversal; None when nothing is left standing."""
    if original.charge + reversal.charge == 0 and original.paid + reversal.paid == 0:
        return None
    paid = original.paid + reversal.paid
    if paid < 0:
        warnings.append(
            X12Warning(
                reversal.segment,
                f"Claim {original.claim_id}: the reversal takes back more than the claim at "
                f"segment {original.segment} paid; the claim counts as reversed.",
            )
        )
        return None
    warnings.append(
        X12Warning(
            reversal.segment,
            f"Claim {original.claim_id}: the reversal does not cancel the claim at segment "
            f"{original.segment} exactly; their amounts are netted.",
        )
    )
    reversed_lines = {ln.line_number: ln for ln in reversal.lines}
    lines = tuple(
        _net_line(ln, reversed_lines[ln.line_number]) if ln.line_number in reversed_lines else ln
        for ln in original.lines
    )
    return replace(
        original,
        paid=paid,
        adjustments=_net_adjustments(original.adjustments, reversal.adjustments),
        lines=lines,
    )


def _net_line(original: RemittanceLine, reversal: RemittanceLine) -> RemittanceLine:
    allowed = original.allowed
    if allowed is not None and reversal.allowed is not None:
        allowed += reversal.allowed
    return replace(
        original,
        paid=original.paid + reversal.paid,
        allowed=allowed,
        adjustments=_net_adjustments(original.adjustments, reversal.adjustments),
    )


def _net_adjustments(
    original: tuple[Adjustment, ...], reversal: tuple[Adjustment, ...]
) -> tuple[Adjustment, ...]:
    totals: dict[tuple[str, str], Decimal] = {}
    for adjustment in (*original, *reversal):
        key = (adjustment.group, adjustment.reason)
        totals[key] = totals.get(key, Decimal(0)) + adjustment.amount
    return tuple(
        Adjustment(group=group, reason=reason, amount=total)
        for (group, reason), total in totals.items()
        if total != 0
    )
