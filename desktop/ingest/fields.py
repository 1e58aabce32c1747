"""The claims-CSV contract's columns, and how export headers are matched to them.

Every reader (CSV, X12 835/837) hands the pipeline rows keyed by these column names,
as text in the contract's formats. Header matching follows the contract: case is
ignored, surrounding space trimmed, and spaces and hyphens count as underscores; on
top of that any run of punctuation counts as one underscore, so "Claim #" and
"Claim No." both normalise to a known alias.
"""

from __future__ import annotations

import re
from typing import Final, Literal

ContractColumn = Literal[
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
]

COLUMNS: Final[tuple[ContractColumn, ...]] = (
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

REQUIRED: Final[frozenset[str]] = frozenset(
    {"claim_id", "payer", "cpt", "date_of_service", "submitted_date", "billed_amount", "status"}
)

DATE_COLUMNS: Final[tuple[str, ...]] = (
    "date_of_service",
    "submitted_date",
    "decision_date",
    "paid_date",
)
AMOUNT_COLUMNS: Final[tuple[str, ...]] = ("billed_amount", "allowed_amount", "paid_amount")
# Free-text and code columns whose values are kept as text (and scanned by the PHI guard).
TEXT_COLUMNS: Final[tuple[str, ...]] = (
    "claim_id",
    "payer",
    "payer_id",
    "cpt",
    "modifiers",
    "place_of_service",
    "status",
    "carc_codes",
    "rarc_codes",
    "rendering_npi",
)
# Columns meant to hold identifiers of claims, payers and providers: a person's name
# there is a sign that patient data leaked into the export.
ID_COLUMNS: Final[tuple[str, ...]] = ("claim_id", "payer_id", "rendering_npi")

# Normalised export header -> contract column. Contract names map to themselves.
ALIASES: Final[dict[str, str]] = {
    **{name: name for name in COLUMNS},
    # claim_id
    "claim": "claim_id",
    "claimid": "claim_id",
    "claim_no": "claim_id",
    "claim_num": "claim_id",
    "claim_nbr": "claim_id",
    "claim_number": "claim_id",
    "claim_control_number": "claim_id",
    "patient_control_number": "claim_id",
    "patient_control_no": "claim_id",
    "pcn": "claim_id",
    "encounter": "claim_id",
    "encounter_id": "claim_id",
    "encounter_number": "claim_id",
    "encounter_no": "claim_id",
    "ticket": "claim_id",
    "ticket_number": "claim_id",
    # line_number
    "line": "line_number",
    "line_no": "line_number",
    "line_num": "line_number",
    "line_nbr": "line_number",
    "line_item": "line_number",
    "service_line": "line_number",
    "service_line_number": "line_number",
    "charge_line": "line_number",
    # payer
    "payer_name": "payer",
    "payor": "payer",
    "payor_name": "payer",
    "insurance": "payer",
    "insurance_name": "payer",
    "insurance_company": "payer",
    "insurance_plan": "payer",
    "primary_insurance": "payer",
    "primary_payer": "payer",
    "carrier": "payer",
    "carrier_name": "payer",
    "plan_name": "payer",
    # payer_id
    "payerid": "payer_id",
    "payer_no": "payer_id",
    "payer_number": "payer_id",
    "payer_code": "payer_id",
    "payor_id": "payer_id",
    "edi_payer_id": "payer_id",
    "carrier_code": "payer_id",
    "cpid": "payer_id",
    # cpt
    "cpt_code": "cpt",
    "cpt_hcpcs": "cpt",
    "cpt_hcpcs_code": "cpt",
    "hcpcs": "cpt",
    "hcpcs_code": "cpt",
    "procedure": "cpt",
    "procedure_code": "cpt",
    "proc_code": "cpt",
    "proc": "cpt",
    "service_code": "cpt",
    # modifiers
    "modifier": "modifiers",
    "mod": "modifiers",
    "mods": "modifiers",
    "cpt_modifiers": "modifiers",
    "cpt_modifier": "modifiers",
    # units
    "unit": "units",
    "qty": "units",
    "quantity": "units",
    "service_units": "units",
    "units_of_service": "units",
    "days_units": "units",
    # place_of_service
    "pos": "place_of_service",
    "pos_code": "place_of_service",
    "place_of_svc": "place_of_service",
    # date_of_service
    "dos": "date_of_service",
    "dos_from": "date_of_service",
    "service_date": "date_of_service",
    "svc_date": "date_of_service",
    "date_of_svc": "date_of_service",
    "from_date": "date_of_service",
    "service_from": "date_of_service",
    "service_from_date": "date_of_service",
    # submitted_date
    "submit_date": "submitted_date",
    "submission_date": "submitted_date",
    "date_submitted": "submitted_date",
    "claim_submitted_date": "submitted_date",
    "billed_date": "submitted_date",
    "bill_date": "submitted_date",
    "date_billed": "submitted_date",
    "sent_date": "submitted_date",
    "transmission_date": "submitted_date",
    "filed_date": "submitted_date",
    # decision_date
    "adjudication_date": "decision_date",
    "adjudicated_date": "decision_date",
    "processed_date": "decision_date",
    "process_date": "decision_date",
    "date_processed": "decision_date",
    "eob_date": "decision_date",
    "remit_date": "decision_date",
    # paid_date
    "payment_date": "paid_date",
    "date_paid": "paid_date",
    "pay_date": "paid_date",
    "check_date": "paid_date",
    "eft_date": "paid_date",
    # billed_amount
    "billed": "billed_amount",
    "billed_amt": "billed_amount",
    "amount_billed": "billed_amount",
    "billed_charges": "billed_amount",
    "charge": "billed_amount",
    "charges": "billed_amount",
    "charge_amount": "billed_amount",
    "charge_amt": "billed_amount",
    "total_charge": "billed_amount",
    "fee": "billed_amount",
    # allowed_amount
    "allowed": "allowed_amount",
    "allowed_amt": "allowed_amount",
    "allowable": "allowed_amount",
    "amount_allowed": "allowed_amount",
    # paid_amount
    "paid": "paid_amount",
    "paid_amt": "paid_amount",
    "amount_paid": "paid_amount",
    "payment": "paid_amount",
    "payment_amount": "paid_amount",
    "insurance_paid": "paid_amount",
    "ins_paid": "paid_amount",
    "ins_payment": "paid_amount",
    # status
    "claim_status": "status",
    "line_status": "status",
    # carc_codes
    "carc": "carc_codes",
    "carcs": "carc_codes",
    "carc_code": "carc_codes",
    "denial_code": "carc_codes",
    "denial_codes": "carc_codes",
    "denial_reason": "carc_codes",
    "denial_reason_code": "carc_codes",
    "adjustment_code": "carc_codes",
    "adjustment_codes": "carc_codes",
    "adjustment_reason_code": "carc_codes",
    "adjustment_reason_codes": "carc_codes",
    "adj_code": "carc_codes",
    "adj_codes": "carc_codes",
    "reason_code": "carc_codes",
    "reason_codes": "carc_codes",
    # rarc_codes
    "rarc": "rarc_codes",
    "rarcs": "rarc_codes",
    "rarc_code": "rarc_codes",
    "remark_code": "rarc_codes",
    "remark_codes": "rarc_codes",
    "remarks": "rarc_codes",
    # rendering_npi
    "npi": "rendering_npi",
    "provider_npi": "rendering_npi",
    "rendering_provider_npi": "rendering_npi",
    "servicing_npi": "rendering_npi",
}

# Exports that spread modifiers over numbered columns ("Mod 1" … "Mod 4").
_NUMBERED_MODIFIER = re.compile(r"^(?:mod|modifier|cpt_mod|cpt_modifier)_?([1-4])$")
_PUNCTUATION_RUN = re.compile(r"[^0-9a-z]+")


def normalise_header(header: str) -> str:
    """``" Claim # "`` -> ``"claim"``; ``"CPT-Code"`` -> ``"cpt_code"``."""
    return _PUNCTUATION_RUN.sub("_", header.strip().lower()).strip("_")


def column_for_header(header: str) -> str | None:
    """The contract column a header names (by name or alias), or None."""
    key = normalise_header(header)
    if key in ALIASES:
        return ALIASES[key]
    if _NUMBERED_MODIFIER.match(key):
        return "modifiers"
    return None
