"""The arithmetic an 835 must satisfy, for the quality engine to report.

- ``x12_line_balance`` (each SVC): charge - sum of the line's CAS = paid.
- ``x12_claim_balance`` (each CLP): charge - claim CAS - the lines' CAS = paid.
- ``x12_bpr_balance`` (each remittance): sum of CLP paid - sum of PLB = BPR02.
- ``x12_claim_charge`` (each 837 CLM): sum of the line charges = CLM02.

Checks are made on the file as written (reversals included: their negative amounts
balance the same way). Amounts are compared to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from desktop.ingest.x12.adjudication import to_cent
from desktop.ingest.x12.model import Adjustment, X12File

LINE_BALANCE = "x12_line_balance"
CLAIM_BALANCE = "x12_claim_balance"
BPR_BALANCE = "x12_bpr_balance"
CLAIM_CHARGE = "x12_claim_charge"


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    segment: int
    rule: str
    expected: Decimal
    actual: Decimal
    balanced: bool
    claim_id: str | None = None

    @property
    def difference(self) -> Decimal:
        return to_cent(self.actual - self.expected)


def _check(
    segment: int, rule: str, expected: Decimal, actual: Decimal, claim_id: str | None
) -> BalanceCheck:
    balanced = to_cent(expected) == to_cent(actual)
    return BalanceCheck(segment, rule, expected, actual, balanced, claim_id)


def _total(adjustments: Iterable[Adjustment]) -> Decimal:
    return sum((a.amount for a in adjustments), Decimal(0))


def balance_checks(x12: X12File) -> list[BalanceCheck]:
    checks: list[BalanceCheck] = []
    for remittance in x12.remittances:
        for claim in remittance.claims:
            line_adjustments = Decimal(0)
            for line in claim.lines:
                adjusted = _total(line.adjustments)
                line_adjustments += adjusted
                checks.append(
                    _check(
                        line.segment,
                        LINE_BALANCE,
                        line.charge - adjusted,
                        line.paid,
                        claim.claim_id,
                    )
                )
            expected = claim.charge - _total(claim.adjustments) - line_adjustments
            checks.append(
                _check(claim.segment, CLAIM_BALANCE, expected, claim.paid, claim.claim_id)
            )
        total = remittance.signed_total
        if total is not None and remittance.bpr_segment is not None:
            paid = sum((c.paid for c in remittance.claims), Decimal(0))
            provider = sum((a.amount for a in remittance.provider_adjustments), Decimal(0))
            checks.append(
                _check(
                    remittance.bpr_segment,
                    BPR_BALANCE,
                    paid - provider,
                    total,
                    None,
                )
            )
    for batch in x12.claim_batches:
        for submitted in batch.claims:
            if not submitted.lines:
                continue
            charges = sum((ln.charge for ln in submitted.lines), Decimal(0))
            checks.append(
                _check(
                    submitted.segment,
                    CLAIM_CHARGE,
                    charges,
                    submitted.total_charge,
                    submitted.claim_id,
                )
            )
    return checks
