"""837P/837I transaction set -> ``ClaimBatch``, one segment at a time.

Reads the submission date (BHT04), the payer of each subscriber (NM1*PR of loop
2010BB, inherited by a patient HL below it), the claims (CLM with their rendering
provider and dates) and their service lines (SV1 or SV2, DTP*472, REF*6R, NM1*82).
Other-payer loops inside a claim (2320/2330, 2430) are passed over: their NM1*PR,
NM1*82 and CAS describe another payer's decision, not this claim's submission.
Patient and subscriber segments (NM1*QC/IL, DMG, N3/N4, PAT, their REFs) are never
looked at.
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
    date_period,
    optional_amount,
)
from desktop.ingest.x12.line_numbers import assign_line_numbers
from desktop.ingest.x12.model import (
    ClaimBatch,
    Party,
    ProcedureCode,
    SubmittedClaim,
    SubmittedLine,
)
from desktop.ingest.x12.segment_rules import MAX_ELEMENTS, PADDING, too_wide


@dataclass(slots=True)
class _LineDraft:
    segment: int
    procedure: ProcedureCode | None
    charge: Decimal
    units: Decimal | None
    unit_basis: str | None
    revenue_code: str | None
    place_of_service: str | None
    service_date: date | None = None
    service_end_date: date | None = None
    control_number: str | None = None
    rendering_npi: str | None = None


@dataclass(slots=True)
class _ClaimDraft:
    segment: int
    claim_id: str
    total_charge: Decimal
    payer: Party
    facility_code: str | None
    facility_qualifier: str | None
    frequency_code: str | None
    service_date: date | None = None
    statement_start: date | None = None
    rendering_npi: str | None = None
    lines: list[_LineDraft] = field(default_factory=list)
    skipped_lines: int = 0


class ClaimBatchParser:
    """Feeds the segments of one ST..SE 837 and builds its ``ClaimBatch``."""

    def __init__(
        self, st_segment: int, control_number: str, composites: Composites, log: WarningLog
    ) -> None:
        self._st = st_segment
        self._control = control_number
        self._composites = composites
        self._log = log
        self._submitted: date | None = None
        self._hl_payers: dict[str, Party] = {}
        self._hl_id = ""
        self._payer: Party | None = None
        self._claims: list[SubmittedClaim] = []
        self._claim: _ClaimDraft | None = None
        self._line: _LineDraft | None = None
        self._in_lines = False  # after the claim's first LX
        self._other_payer = False  # inside loops 2320/2330 (another payer's data)
        self._skipping_claim = False
        self._skipping_line = False
        handlers: dict[str, Callable[[int, list[str]], None]] = {
            "BHT": self._bht,
            "HL": self._hl,
            "SBR": self._sbr,
            "NM1": self._nm1,
            "CLM": self._clm,
            "DTP": self._dtp,
            "LX": self._lx,
            "SV1": self._sv1,
            "SV2": self._sv2,
            "REF": self._ref,
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

    def finish(self) -> ClaimBatch:
        self._close_claim()
        if self._submitted is None:
            self._log.add(
                self._st, "The 837 has no readable BHT04: its submission date is unknown."
            )
        return ClaimBatch(
            segment=self._st,
            control_number=self._control,
            submitted_date=self._submitted,
            claims=tuple(self._claims),
        )

    # -- loop bookkeeping -------------------------------------------------

    def skip_damaged(self, seg_id: str) -> None:
        if seg_id == "CLM":
            self._close_claim()
            self._skipping_claim = True
        elif seg_id in ("SV1", "SV2") and self._claim is not None:
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
        self._in_lines = False
        self._other_payer = False
        if claim is None:
            return
        if not claim.lines and not claim.skipped_lines:
            self._log.add(claim.segment, f"Claim {claim.claim_id} has no service lines (SV1/SV2).")
        if claim.frequency_code == "8":
            self._log.add(
                claim.segment,
                f"Claim {claim.claim_id} is a void (CLM05-3 = 8): it cancels an earlier "
                "submission and gives no pending lines.",
            )
        numbers = assign_line_numbers(
            [ln.control_number for ln in claim.lines], claim.segment, claim.claim_id, self._log
        )
        lines = tuple(
            SubmittedLine(
                segment=ln.segment,
                line_number=number,
                procedure=ln.procedure,
                charge=ln.charge,
                units=ln.units,
                unit_basis=ln.unit_basis,
                revenue_code=ln.revenue_code,
                place_of_service=ln.place_of_service,
                service_date=ln.service_date,
                service_end_date=ln.service_end_date,
                control_number=ln.control_number,
                rendering_npi=ln.rendering_npi,
            )
            for ln, number in zip(claim.lines, numbers, strict=True)
        )
        self._claims.append(
            SubmittedClaim(
                segment=claim.segment,
                claim_id=claim.claim_id,
                total_charge=claim.total_charge,
                payer=claim.payer,
                facility_code=claim.facility_code,
                facility_qualifier=claim.facility_qualifier,
                frequency_code=claim.frequency_code,
                service_date=claim.service_date or claim.statement_start,
                rendering_npi=claim.rendering_npi,
                lines=lines,
                skipped_lines=claim.skipped_lines,
            )
        )

    # -- header and hierarchy ---------------------------------------------

    def _bht(self, number: int, el: list[str]) -> None:
        self._submitted = ccyymmdd(el[4].strip(), "BHT04 (creation date)")

    def _hl(self, number: int, el: list[str]) -> None:
        self._close_claim()
        hl_id, parent, level = el[1].strip(), el[2].strip(), el[3].strip()
        if level == "22":
            self._hl_id = hl_id
            self._payer = None
        elif level == "23":
            self._hl_id = hl_id
            self._payer = self._hl_payers.get(parent, self._payer)
        elif level == "20":
            self._hl_id = hl_id
            self._payer = None

    def _sbr(self, number: int, el: list[str]) -> None:
        if self._claim is not None or self._skipping_claim:
            self._other_payer = True

    def _nm1(self, number: int, el: list[str]) -> None:
        # Only payer and rendering provider are read; patient NM1s are never looked at.
        qualifier = el[1].strip()
        if qualifier == "PR":
            if self._claim is None and not self._skipping_claim:
                payer = Party(el[3].strip() or None, el[9].strip() or None)
                self._payer = payer
                self._hl_payers[self._hl_id] = payer
            return
        if qualifier != "82" or self._other_payer:
            return
        npi = el[9].strip() if el[8].strip() == "XX" else ""
        if not npi:
            return
        if self._line is not None:
            self._line.rendering_npi = npi
        elif self._claim is not None and not self._in_lines:
            self._claim.rendering_npi = npi

    # -- claims and lines -------------------------------------------------

    def _clm(self, number: int, el: list[str]) -> None:
        self._close_claim()
        claim_id = el[1].strip()
        if not claim_id:
            raise BadElement("CLM01 (claim id) is empty")
        facility = [p.strip() for p in self._composites.split(el[5].strip(), number)]
        payer = self._payer
        if payer is None:
            self._log.add(
                number,
                f"Claim {claim_id} has no payer (no NM1*PR in loop 2010BB before it).",
            )
            payer = Party(None, None)
        self._claim = _ClaimDraft(
            segment=number,
            claim_id=claim_id,
            total_charge=amount(el[2].strip(), "CLM02 (total charge)"),
            payer=payer,
            facility_code=facility[0] or None,
            facility_qualifier=facility[1] if len(facility) > 1 else None,
            frequency_code=(facility[2] or None) if len(facility) > 2 else None,
        )

    def _dtp(self, number: int, el: list[str]) -> None:
        qualifier = el[1].strip()
        if qualifier not in ("472", "434") or self._other_payer:
            return
        start, end = date_period(el[2].strip(), el[3].strip(), f"DTP*{qualifier}")
        line = self._line
        if line is not None:
            if qualifier == "472":
                line.service_date, line.service_end_date = start, end
            return
        claim = self._claim
        if claim is None or self._in_lines:
            return
        if qualifier == "472":
            claim.service_date = start
        else:
            claim.statement_start = start

    def _lx(self, number: int, el: list[str]) -> None:
        self._close_line()
        self._other_payer = False
        self._in_lines = True

    def _start_line(self, number: int) -> _ClaimDraft | None:
        self._close_line()
        self._other_payer = False
        self._in_lines = True
        if self._claim is None and not self._skipping_claim:
            self._log.add(number, "Service line outside a claim (no CLM before it) skipped.")
        return self._claim

    def _sv1(self, number: int, el: list[str]) -> None:
        if self._start_line(number) is None:
            return
        self._line = _LineDraft(
            segment=number,
            procedure=self._composites.procedure(el[1].strip(), number, "SV101"),
            charge=amount(el[2].strip(), "SV102 (charge)"),
            unit_basis=el[3].strip() or None,
            units=optional_amount(el[4].strip(), "SV104 (units)"),
            place_of_service=el[5].strip() or None,
            revenue_code=None,
        )

    def _sv2(self, number: int, el: list[str]) -> None:
        if self._start_line(number) is None:
            return
        procedure_text = el[2].strip()
        procedure = (
            self._composites.procedure(procedure_text, number, "SV202") if procedure_text else None
        )
        self._line = _LineDraft(
            segment=number,
            procedure=procedure,
            charge=amount(el[3].strip(), "SV203 (charge)"),
            unit_basis=el[4].strip() or None,
            units=optional_amount(el[5].strip(), "SV205 (units)"),
            place_of_service=None,
            revenue_code=el[1].strip() or None,
        )
        if procedure is None:
            self._log.add(
                number,
                "SV2 has a revenue code but no procedure code (SV202); its line has no CPT.",
            )

    def _ref(self, number: int, el: list[str]) -> None:
        if self._line is not None and el[1].strip() == "6R":
            self._line.control_number = el[2].strip() or None
