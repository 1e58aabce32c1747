"""X12 -> rows keyed by the claims-CSV contract's columns, as contract-formatted text.

An 835 row says what the remittance decided; ``None`` means "this file does not
say: keep what is stored", so an 835 completes the pending lines an 837 stored.
Columns the file says are now empty (a denied line has no paid date; a decided line
with no adjustment has no CARCs; a reversed line loses its decision) are named in
``X12Row.cleared``. An 837 row is a whole pending line.

Claim-level adjustments and remarks apply to every line of their claim, so each line
carries them after its own. A claim with no service lines gives one row, line 1,
with the claim's amounts (``claim_level``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from desktop.ingest.x12.adjudication import adjustment_codes, line_status, to_cent
from desktop.ingest.x12.model import ProcedureCode, SubmittedClaim, SubmittedLine, X12File
from desktop.ingest.x12.settlement import SettledLine, settle

COLUMNS = (
    "claim_id",
    "line_number",
    "payer",
    "payer_id",
    "cpt",
    "modifiers",
    "units",
    "place_of_service",
    "date_of_service",
    "submitted_date",
    "decision_date",
    "paid_date",
    "billed_amount",
    "allowed_amount",
    "paid_amount",
    "status",
    "carc_codes",
    "rarc_codes",
    "rendering_npi",
)
DECISION_COLUMNS = frozenset(
    {"decision_date", "paid_date", "allowed_amount", "paid_amount", "carc_codes", "rarc_codes"}
)
REVENUE_CODE_QUALIFIER = "NU"


@dataclass(frozen=True, slots=True)
class X12Row:
    """One claim line in the claims-CSV vocabulary.

    ``segment`` is the SVC / SV1 / SV2 segment of the line, or the CLP of a claim
    without lines. ``values`` has every contract column. ``cleared`` names columns
    the file says are now empty (to blank in the store, unlike ``None``).
    """

    segment: int
    values: dict[str, str | None]
    cleared: frozenset[str] = field(default=frozenset())
    claim_level: bool = False


def canonical_rows(x12: X12File) -> Iterator[X12Row]:
    """Rows of an 835 (after reversals are netted) or of an 837 (pending lines)."""
    if x12.kind == "835":
        for settled in settle(x12.remittances).lines:
            yield _remittance_row(settled)
    else:
        yield from _submission_rows(x12)


# Amounts, dates and quantities repeat across a file's lines; their text is cached.
@lru_cache(maxsize=8192)
def _money_text(value: Decimal) -> str:
    cents = to_cent(value)
    return f"{cents if cents else abs(cents):f}"  # never "-0.00"


@lru_cache(maxsize=8192)
def _quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


@lru_cache(maxsize=8192)
def _date_text(value: date) -> str:
    return value.isoformat()


def _text(value: date | None) -> str | None:
    return None if value is None else _date_text(value)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else _money_text(value)


def _quantity(value: Decimal | None) -> str | None:
    return None if value is None else _quantity_text(value)


def _joined(codes: list[str] | tuple[str, ...]) -> str | None:
    return ";".join(codes) if codes else None


def _cpt(procedure: ProcedureCode | None) -> tuple[str | None, str | None]:
    if procedure is None or procedure.qualifier == REVENUE_CODE_QUALIFIER:
        return None, None
    return procedure.code, _joined(procedure.modifiers)


def _remittance_row(settled: SettledLine) -> X12Row:
    remittance, claim, line = settled.remittance, settled.claim, settled.line
    values: dict[str, str | None] = dict.fromkeys(COLUMNS)
    values["claim_id"] = claim.claim_id
    values["line_number"] = str(settled.line_number)
    values["payer"] = remittance.payer.name
    values["payer_id"] = remittance.payer.identifier
    if line is not None:
        values["cpt"], values["modifiers"] = _cpt(line.billed_procedure)
        values["date_of_service"] = _text(line.service_date or claim.statement_start)
    else:
        values["date_of_service"] = _text(claim.statement_start)
    values["submitted_date"] = _text(claim.received_date)
    if settled.pending:
        charge = line.charge if line is not None else claim.charge
        values["billed_amount"] = _money(abs(charge))
        values["status"] = "pending"
        return X12Row(settled.segment, values, DECISION_COLUMNS, claim_level=line is None)

    if line is not None:
        status = line_status(
            claim_status=claim.status_code,
            charge=line.charge,
            paid=line.paid,
            allowed=line.allowed,
            adjustments=line.adjustments,
            claim_adjustments=claim.adjustments,
        )
        values["units"] = _quantity(line.units_submitted or line.units_paid)
        values["billed_amount"] = _money(line.charge)
        values["allowed_amount"] = _money(line.allowed)
        values["paid_amount"] = _money(line.paid)
        carcs = adjustment_codes(line.adjustments, claim.adjustments)
        rarcs = list(dict.fromkeys((*line.remark_codes, *claim.remark_codes)))
        values["rendering_npi"] = line.rendering_npi or claim.rendering_npi
    else:
        status = line_status(
            claim_status=claim.status_code,
            charge=claim.charge,
            paid=claim.paid,
            allowed=None,
            adjustments=claim.adjustments,
        )
        values["billed_amount"] = _money(claim.charge)
        values["paid_amount"] = _money(claim.paid)
        carcs = adjustment_codes(claim.adjustments)
        rarcs = list(dict.fromkeys(claim.remark_codes))
        values["rendering_npi"] = claim.rendering_npi
    values["status"] = status
    values["decision_date"] = _text(remittance.decision_date)
    values["carc_codes"] = _joined(carcs)
    values["rarc_codes"] = _joined(rarcs)
    cleared: set[str] = set()
    if status == "denied":
        cleared.add("paid_date")
    else:
        values["paid_date"] = _text(remittance.paid_date)
    if not carcs:
        cleared.add("carc_codes")
    if not rarcs:
        cleared.add("rarc_codes")
    return X12Row(settled.segment, values, frozenset(cleared), claim_level=line is None)


def _submission_rows(x12: X12File) -> Iterator[X12Row]:
    """Pending lines of every claim; a claim id sent twice keeps its later lines."""
    rows: dict[tuple[str, int], X12Row] = {}
    for batch in x12.claim_batches:
        for claim in batch.claims:
            if claim.is_void:
                continue
            for line in claim.lines:
                row = _submitted_row(claim, line, batch.submitted_date)
                rows.pop((claim.claim_id, line.line_number), None)
                rows[(claim.claim_id, line.line_number)] = row
    yield from rows.values()


def _submitted_row(claim: SubmittedClaim, line: SubmittedLine, submitted: date | None) -> X12Row:
    values: dict[str, str | None] = dict.fromkeys(COLUMNS)
    values["claim_id"] = claim.claim_id
    values["line_number"] = str(line.line_number)
    values["payer"] = claim.payer.name
    values["payer_id"] = claim.payer.identifier
    values["cpt"], values["modifiers"] = _cpt(line.procedure)
    values["units"] = _quantity(line.units)
    values["place_of_service"] = line.place_of_service or claim.place_of_service
    values["date_of_service"] = _text(line.service_date or claim.service_date)
    values["submitted_date"] = _text(submitted)
    values["billed_amount"] = _money(line.charge)
    values["status"] = "pending"
    values["rendering_npi"] = line.rendering_npi or claim.rendering_npi
    return X12Row(line.segment, values)
