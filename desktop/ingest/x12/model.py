"""What an X12 835 or 837 file says, as typed values.

These objects hold only what Upstream uses: amounts, codes, dates, payer and
provider identifiers. Patient segments (NM1*QC/IL, DMG, the patient's or
subscriber's N3/N4 and REF) are parsed past and never copied here, so nothing in
an ``X12File`` or its repr can carry a patient's name, birth date or member id.

Segment numbers count the segments of the file from its first segment (ISA, or ST
when there is no envelope) = 1, the way a person counts them in an editor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

X12Kind = Literal["835", "837"]


@dataclass(frozen=True, slots=True)
class X12Warning:
    """Something in the file that was skipped, repaired or is suspicious."""

    segment: int
    message: str


@dataclass(frozen=True, slots=True)
class Party:
    """A payer or payee as the file names it (name and identifier, either may be absent)."""

    name: str | None
    identifier: str | None


@dataclass(frozen=True, slots=True)
class ProcedureCode:
    """A procedure composite (SVC01/SVC06, SV101, SV202): qualifier, code and modifiers."""

    qualifier: str  # HC = CPT/HCPCS, AD = dental, NU = revenue code, ...
    code: str
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS reason/amount/quantity triplet with its group code."""

    group: str  # CO, PI, PR, OA (and CR in 004010 files)
    reason: str
    amount: Decimal
    quantity: Decimal | None = None

    @property
    def code(self) -> str:
        """The claims-CSV spelling, e.g. ``CO-45``."""
        return f"{self.group}-{self.reason}"


@dataclass(frozen=True, slots=True)
class RemittanceLine:
    """One SVC service line of an 835 claim, with its dates, adjustments and remarks."""

    segment: int
    line_number: int
    procedure: ProcedureCode  # SVC01: the code the payer adjudicated
    submitted_procedure: ProcedureCode | None  # SVC06: the code billed, when it differs
    charge: Decimal
    paid: Decimal
    revenue_code: str | None = None
    units_paid: Decimal | None = None
    units_submitted: Decimal | None = None
    service_date: date | None = None
    service_end_date: date | None = None
    allowed: Decimal | None = None  # AMT*B6
    adjustments: tuple[Adjustment, ...] = ()
    remark_codes: tuple[str, ...] = ()  # LQ*HE
    control_number: str | None = None  # REF*6R
    rendering_npi: str | None = None  # REF*HPI

    @property
    def billed_procedure(self) -> ProcedureCode:
        """The code the office billed: SVC06 when the payer paid another code, else SVC01."""
        return self.submitted_procedure or self.procedure


@dataclass(frozen=True, slots=True)
class RemittanceClaim:
    """One CLP claim payment of an 835 with its claim-level adjustments and its lines."""

    segment: int
    claim_id: str
    status_code: str  # CLP02: 1/2/3 processed, 4 denied, 22 reversal, ...
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None = None
    payer_claim_number: str | None = None
    received_date: date | None = None  # DTM*050
    statement_start: date | None = None  # DTM*232
    statement_end: date | None = None  # DTM*233
    adjustments: tuple[Adjustment, ...] = ()
    remark_codes: tuple[str, ...] = ()  # MOA / MIA
    rendering_npi: str | None = None  # NM1*82 with an NPI
    lines: tuple[RemittanceLine, ...] = ()
    skipped_lines: int = 0  # SVC segments too damaged to read (each has a warning)

    @property
    def is_reversal(self) -> bool:
        return self.status_code == "22"


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB adjustment: money taken or given at provider level, not tied to a claim."""

    segment: int
    provider_id: str
    fiscal_period_end: date | None
    reason: str  # PLB03-1, e.g. WO (overpayment recovery), L6 (interest), CV
    reference: str | None
    amount: Decimal  # positive reduces the payment, negative increases it


@dataclass(frozen=True, slots=True)
class Remittance:
    """One 835 transaction set (ST..SE): one payment, its claims and its PLB adjustments."""

    segment: int  # the ST segment
    control_number: str
    payer: Party
    payee: Party
    bpr_segment: int | None = None
    handling_code: str | None = None  # BPR01: I = remittance with payment, H = advice only, ...
    payment_total: Decimal | None = None  # BPR02
    credit_debit: str | None = None  # BPR03: C = paid to the provider, D = taken from it
    payment_method: str | None = None  # BPR04: ACH, CHK, NON, ...
    payment_date: date | None = None  # BPR16
    production_date: date | None = None  # DTM*405
    trace_number: str | None = None  # TRN02 (check or EFT trace number)
    trace_originator: str | None = None  # TRN03
    claims: tuple[RemittanceClaim, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()

    @property
    def signed_total(self) -> Decimal | None:
        """BPR02 as money to the provider: negative for a debit (BPR03 = D)."""
        if self.payment_total is None:
            return None
        return -self.payment_total if self.credit_debit == "D" else self.payment_total

    @property
    def paid_date(self) -> date | None:
        """When the money moved: BPR16, else the production date."""
        return self.payment_date or self.production_date

    @property
    def decision_date(self) -> date | None:
        """When the payer decided: the production date (DTM*405), else BPR16."""
        return self.production_date or self.payment_date


@dataclass(frozen=True, slots=True)
class SubmittedLine:
    """One SV1 (professional) or SV2 (institutional) service line of an 837 claim."""

    segment: int
    line_number: int
    procedure: ProcedureCode | None  # None for an SV2 line with a revenue code only
    charge: Decimal
    units: Decimal | None = None
    unit_basis: str | None = None  # UN = units, MJ = minutes
    revenue_code: str | None = None
    place_of_service: str | None = None  # SV105
    service_date: date | None = None
    service_end_date: date | None = None
    control_number: str | None = None  # REF*6R
    rendering_npi: str | None = None  # NM1*82 of loop 2420A


@dataclass(frozen=True, slots=True)
class SubmittedClaim:
    """One CLM claim of an 837 with its payer (loop 2010BB) and its service lines."""

    segment: int
    claim_id: str
    total_charge: Decimal
    payer: Party
    facility_code: str | None = None  # CLM05-1: place of service (837P) or facility type (837I)
    facility_qualifier: str | None = None  # CLM05-2: B = place of service, A = bill type
    frequency_code: str | None = None  # CLM05-3: 1 original, 7 replacement, 8 void
    service_date: date | None = None  # claim-level DTP*472, else DTP*434 statement start
    rendering_npi: str | None = None  # NM1*82 of loop 2310B
    lines: tuple[SubmittedLine, ...] = ()
    skipped_lines: int = 0

    @property
    def place_of_service(self) -> str | None:
        """CLM05-1 when it is a place of service (professional claims), else None."""
        if self.facility_qualifier in ("B", None, ""):
            return self.facility_code
        return None

    @property
    def is_void(self) -> bool:
        return self.frequency_code == "8"


@dataclass(frozen=True, slots=True)
class ClaimBatch:
    """One 837 transaction set (ST..SE): claims sent together on one date."""

    segment: int
    control_number: str
    submitted_date: date | None  # BHT04
    claims: tuple[SubmittedClaim, ...] = ()


@dataclass(frozen=True, slots=True)
class X12File:
    """Everything read from one 835 or 837 file, plus what was wrong with it."""

    kind: X12Kind
    version: str | None  # implementation guide, e.g. 005010X221A1 (GS08, else ST03)
    remittances: tuple[Remittance, ...] = ()  # 835 only
    claim_batches: tuple[ClaimBatch, ...] = ()  # 837 only
    warnings: tuple[X12Warning, ...] = field(default=())

    @property
    def remittance_claims(self) -> tuple[RemittanceClaim, ...]:
        return tuple(c for r in self.remittances for c in r.claims)

    @property
    def submitted_claims(self) -> tuple[SubmittedClaim, ...]:
        return tuple(c for b in self.claim_batches for c in b.claims)

    @property
    def provider_adjustments(self) -> tuple[ProviderAdjustment, ...]:
        """PLB adjustments of every remittance, kept apart from the claims."""
        return tuple(a for r in self.remittances for a in r.provider_adjustments)

    @property
    def trace_numbers(self) -> tuple[str, ...]:
        return tuple(r.trace_number for r in self.remittances if r.trace_number)
