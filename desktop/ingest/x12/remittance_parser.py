"""835 transaction set -> ``Remittance``, one segment at a time.

A small state machine over the loops of the 835: header (BPR, TRN, DTM*405, N1*PR
and N1*PE), claims (CLP with CAS, NM1*82, MOA/MIA, DTM) and their service lines (SVC
with DTM, CAS, REF, AMT*B6, LQ*HE), then PLB. Only the segments Upstream uses are
read; patient segments (NM1*QC/IL/74, their REFs) are passed over without looking
at their elements. A damaged CLP or SVC is skipped with everything that belongs to
it, so its CAS never lands on a neighbouring claim or line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop.ingest.x12.elements import (
    BadElement,
    Composites,
    WarningLog,
    amount,
    ccyymmdd,
    optional_amount,
)
from desktop.ingest.x12.line_numbers import assign_line_numbers
from desktop.ingest.x12.model import (
    Adjustment,
    Party,
    ProcedureCode,
    ProviderAdjustment,
    Remittance,
    RemittanceClaim,
    RemittanceLine,
)
from desktop.ingest.x12.segment_rules import (
    MAX_ELEMENTS,
    PADDING,
    check_amounts,
    parse_adjustments,
    remark_code,
    remark_codes,
    too_wide,
)

_MIA_REMARKS = (5, 20, 21, 22, 23)
_MIA_AMOUNTS = (1, 2, 3, 4, *range(6, 20), 24)
_MOA_REMARKS = (3, 4, 5, 6, 7)
_MOA_AMOUNTS = (1, 2, 8, 9)


@dataclass(slots=True)
class _LineDraft:
    segment: int
    procedure: ProcedureCode
    submitted: ProcedureCode | None
    charge: Decimal
    paid: Decimal
    revenue_code: str | None
    units_paid: Decimal | None
    units_submitted: Decimal | None
    service_date: date | None = None
    service_end_date: date | None = None
    allowed: Decimal | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    control_number: str | None = None
    rendering_npi: str | None = None


@dataclass(slots=True)
class _ClaimDraft:
    segment: int
    claim_id: str
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    payer_claim_number: str | None
    received_date: date | None = None
    statement_start: date | None = None
    statement_end: date | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    rendering_npi: str | None = None
    lines: list[_LineDraft] = field(default_factory=list)
    skipped_lines: int = 0


class RemittanceParser:
    """Feeds the segments of one ST..SE 835 and builds its ``Remittance``."""

    def __init__(
        self, st_segment: int, control_number: str, composites: Composites, log: WarningLog
    ) -> None:
        self._st = st_segment
        self._control = control_number
        self._composites = composites
        self._log = log
        self._payer = Party(None, None)
        self._payee = Party(None, None)
        self._header_party = ""  # qualifier of the last header N1 (PR or PE)
        self._in_detail = False
        self._bpr_segment: int | None = None
        self._handling: str | None = None
        self._total: Decimal | None = None
        self._credit_debit: str | None = None
        self._method: str | None = None
        self._payment_date: date | None = None
        self._production_date: date | None = None
        self._trace: str | None = None
        self._trace_originator: str | None = None
        self._claims: list[RemittanceClaim] = []
        self._plb: list[ProviderAdjustment] = []
        self._claim: _ClaimDraft | None = None
        self._line: _LineDraft | None = None
        self._skipping_claim = False
        self._skipping_line = False
        handlers: dict[str, Callable[[int, list[str]], None]] = {
            "BPR": self._bpr,
            "TRN": self._trn,
            "DTM": self._dtm,
            "N1": self._n1,
            "REF": self._ref,
            "LX": self._lx,
            "CLP": self._clp,
            "CAS": self._cas,
            "NM1": self._nm1,
            "MIA": self._mia,
            "MOA": self._moa,
            "SVC": self._svc,
            "AMT": self._amt,
            "LQ": self._lq,
            "PLB": self._plb_segment,
        }
        self._handlers = {seg: (fn, MAX_ELEMENTS[seg]) for seg, fn in handlers.items()}

    def feed(self, number: int, elements: list[str]) -> None:
        entry = self._handlers.get(elements[0])
        if entry is None:
            return
        handler, limit = entry
        size = len(elements)
        if size <= limit:  # pad, so any position of the segment can be indexed
            elements += PADDING[: limit + 1 - size]
        elif size > limit + 1 and too_wide(number, elements, limit, self._log):
            self.skip_damaged(elements[0])
            return
        try:
            handler(number, elements)
        except BadElement as error:
            self._log.add(number, f"{elements[0]} segment skipped: {error}.")
            self.skip_damaged(elements[0])

    def finish(self) -> Remittance:
        self._close_claim()
        if self._bpr_segment is None:
            self._log.add(self._st, "The 835 has no BPR segment: its payment total is unknown.")
        elif self._payment_date is None:
            self._log.add(
                self._bpr_segment,
                "BPR16 (payment date) is missing or not a calendar date; the production "
                "date (DTM*405) is used as the paid date.",
            )
        return Remittance(
            segment=self._st,
            control_number=self._control,
            payer=self._payer,
            payee=self._payee,
            bpr_segment=self._bpr_segment,
            handling_code=self._handling,
            payment_total=self._total,
            credit_debit=self._credit_debit,
            payment_method=self._method,
            payment_date=self._payment_date,
            production_date=self._production_date,
            trace_number=self._trace,
            trace_originator=self._trace_originator,
            claims=tuple(self._claims),
            provider_adjustments=tuple(self._plb),
        )

    # -- loop bookkeeping -------------------------------------------------

    def skip_damaged(self, seg_id: str) -> None:
        """After a damaged CLP or SVC, drop what belongs to it until the next one."""
        if seg_id == "CLP":
            self._close_claim()
            self._skipping_claim = True
        elif seg_id == "SVC" and self._claim is not None:
            self._close_line()
            self._claim.skipped_lines += 1
            self._skipping_line = True

    def _close_line(self) -> None:
        if self._line is not None and self._claim is not None:
            self._claim.lines.append(self._line)
        self._line = None
        self._skipping_line = False

    def _close_claim(self) -> None:
        self._close_line()
        claim = self._claim
        self._claim = None
        self._skipping_claim = False
        if claim is None:
            return
        numbers = assign_line_numbers(
            [ln.control_number for ln in claim.lines], claim.segment, claim.claim_id, self._log
        )
        lines = tuple(
            RemittanceLine(
                segment=ln.segment,
                line_number=number,
                procedure=ln.procedure,
                submitted_procedure=ln.submitted,
                charge=ln.charge,
                paid=ln.paid,
                revenue_code=ln.revenue_code,
                units_paid=ln.units_paid,
                units_submitted=ln.units_submitted,
                service_date=ln.service_date,
                service_end_date=ln.service_end_date,
                allowed=ln.allowed,
                adjustments=tuple(ln.adjustments),
                remark_codes=tuple(ln.remarks),
                control_number=ln.control_number,
                rendering_npi=ln.rendering_npi,
            )
            for ln, number in zip(claim.lines, numbers, strict=True)
        )
        self._claims.append(
            RemittanceClaim(
                segment=claim.segment,
                claim_id=claim.claim_id,
                status_code=claim.status_code,
                charge=claim.charge,
                paid=claim.paid,
                patient_responsibility=claim.patient_responsibility,
                payer_claim_number=claim.payer_claim_number,
                received_date=claim.received_date,
                statement_start=claim.statement_start,
                statement_end=claim.statement_end,
                adjustments=tuple(claim.adjustments),
                remark_codes=tuple(claim.remarks),
                rendering_npi=claim.rendering_npi,
                lines=lines,
                skipped_lines=claim.skipped_lines,
            )
        )

    # -- header -----------------------------------------------------------

    def _bpr(self, number: int, el: list[str]) -> None:
        self._total = amount(el[2].strip(), "BPR02 (payment total)")
        self._bpr_segment = number
        self._handling = el[1].strip() or None
        self._credit_debit = el[3].strip() or None
        self._method = el[4].strip() or None
        raw_date = el[16].strip()
        if raw_date:
            try:
                self._payment_date = ccyymmdd(raw_date, "BPR16")
            except BadElement:
                self._payment_date = None  # reported once, in finish()

    def _trn(self, number: int, el: list[str]) -> None:
        if self._trace is not None:
            self._log.add(number, "A second TRN in one 835; the first trace number is kept.")
            return
        self._trace = el[2].strip() or None
        self._trace_originator = el[3].strip() or None

    def _dtm(self, number: int, el: list[str]) -> None:
        qualifier = el[1].strip()
        if qualifier == "405" and not self._in_detail:
            self._production_date = ccyymmdd(el[2].strip(), "DTM*405")
            return
        line = self._line
        if line is not None:
            if qualifier in ("472", "150"):
                line.service_date = ccyymmdd(el[2].strip(), f"DTM*{qualifier}")
            elif qualifier == "151":
                line.service_end_date = ccyymmdd(el[2].strip(), "DTM*151")
            return
        claim = self._claim
        if claim is None or self._skipping_line:
            return
        if qualifier == "050":
            claim.received_date = ccyymmdd(el[2].strip(), "DTM*050")
        elif qualifier == "232":
            claim.statement_start = ccyymmdd(el[2].strip(), "DTM*232")
        elif qualifier == "233":
            claim.statement_end = ccyymmdd(el[2].strip(), "DTM*233")

    def _n1(self, number: int, el: list[str]) -> None:
        qualifier = el[1].strip()
        if self._in_detail:
            if qualifier == "PR":
                self._n1_in_claim(number, el[2].strip())
            return
        self._header_party = qualifier
        party = Party(el[2].strip() or None, el[4].strip() or None)
        if qualifier == "PR":
            self._payer = party
        elif qualifier == "PE":
            self._payee = party

    def _n1_in_claim(self, number: int, name: str) -> None:
        """A payer N1 repeated inside the claim loop: the claim goes on, the header payer stays."""
        if name and self._payer.name is not None and name != self._payer.name:
            self._log.add(
                number,
                "N1*PR inside the claim loop names another payer than the header; "
                "the header payer is kept.",
            )

    def _ref(self, number: int, el: list[str]) -> None:
        qualifier = el[1].strip()
        line = self._line
        if line is not None:
            if qualifier == "6R":
                line.control_number = el[2].strip() or None
            elif qualifier == "HPI":
                line.rendering_npi = el[2].strip() or None
            return
        if (
            not self._in_detail
            and self._header_party == "PR"
            and qualifier == "2U"
            and self._payer.identifier is None
        ):
            self._payer = Party(self._payer.name, el[2].strip() or None)

    # -- claims and lines -------------------------------------------------

    def _lx(self, number: int, el: list[str]) -> None:
        self._close_claim()
        self._in_detail = True

    def _clp(self, number: int, el: list[str]) -> None:
        self._close_claim()
        self._in_detail = True
        claim_id = el[1].strip()
        if not claim_id:
            raise BadElement("CLP01 (claim id) is empty")
        status = el[2].strip()
        if not status:
            raise BadElement("CLP02 (claim status) is empty")
        self._claim = _ClaimDraft(
            segment=number,
            claim_id=claim_id,
            status_code=status,
            charge=amount(el[3].strip(), "CLP03 (charge)"),
            paid=amount(el[4].strip(), "CLP04 (paid)"),
            patient_responsibility=optional_amount(el[5].strip(), "CLP05"),
            payer_claim_number=el[7].strip() or None,
        )

    def _svc(self, number: int, el: list[str]) -> None:
        claim = self._claim
        self._close_line()
        if claim is None:
            if not self._skipping_claim:
                self._log.add(number, "SVC outside a claim (no CLP before it) skipped.")
            return
        submitted_text = el[6].strip()
        self._line = _LineDraft(
            segment=number,
            procedure=self._composites.procedure(el[1].strip(), number, "SVC01"),
            submitted=(
                self._composites.procedure(submitted_text, number, "SVC06")
                if submitted_text
                else None
            ),
            charge=amount(el[2].strip(), "SVC02 (charge)"),
            paid=amount(el[3].strip(), "SVC03 (paid)"),
            revenue_code=el[4].strip() or None,
            units_paid=optional_amount(el[5].strip(), "SVC05 (units)"),
            units_submitted=optional_amount(el[7].strip(), "SVC07 (units)"),
        )

    def _cas(self, number: int, el: list[str]) -> None:
        if self._line is not None:
            self._line.adjustments.extend(parse_adjustments(el))
        elif self._claim is not None and not self._skipping_line:
            self._claim.adjustments.extend(parse_adjustments(el))
        elif not (self._skipping_claim or self._skipping_line):
            self._log.add(number, "CAS outside a claim skipped.")

    def _nm1(self, number: int, el: list[str]) -> None:
        # Only the rendering provider is read; patient and insured NM1s are never looked at.
        claim = self._claim
        if claim is not None and el[1].strip() == "82" and el[8].strip() == "XX":
            claim.rendering_npi = el[9].strip() or None

    def _mia(self, number: int, el: list[str]) -> None:
        if self._claim is not None:
            check_amounts(el, _MIA_AMOUNTS, "MIA")
            self._claim.remarks.extend(remark_codes(el, _MIA_REMARKS, "MIA"))

    def _moa(self, number: int, el: list[str]) -> None:
        if self._claim is not None:
            check_amounts(el, _MOA_AMOUNTS, "MOA")
            self._claim.remarks.extend(remark_codes(el, _MOA_REMARKS, "MOA"))

    def _amt(self, number: int, el: list[str]) -> None:
        if self._line is not None and el[1].strip() == "B6":
            self._line.allowed = amount(el[2].strip(), "AMT*B6 (allowed)")

    def _lq(self, number: int, el: list[str]) -> None:
        if self._line is not None and el[1].strip() == "HE":
            self._line.remarks.append(remark_code(el[2].strip(), "LQ02"))

    def _plb_segment(self, number: int, el: list[str]) -> None:
        self._close_claim()
        self._in_detail = True
        provider = el[1].strip()
        period_text = el[2].strip()
        period = ccyymmdd(period_text, "PLB02") if period_text else None
        found: list[ProviderAdjustment] = []
        for index in range(3, 14, 2):
            reason_text = el[index].strip()
            amount_text = el[index + 1].strip()
            if not reason_text and not amount_text:
                continue
            parts = self._composites.split(reason_text, number)
            reason = parts[0].strip()
            if not reason:
                raise BadElement(f"PLB{index:02d} has no adjustment reason")
            reference = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
            found.append(
                ProviderAdjustment(
                    segment=number,
                    provider_id=provider,
                    fiscal_period_end=period,
                    reason=reason,
                    reference=reference,
                    amount=amount(amount_text, f"PLB{index + 1:02d} (amount)"),
                )
            )
        self._plb.extend(found)
