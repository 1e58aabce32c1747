"""The X12 835 (remittance) and 837 (claim) reader: a pure library (no SQL, no Qt).

kind = sniff(first_bytes)            # "835", "837" or None
x12 = read_x12(path)                 # X12File; raises X12ReadError if not X12
for row in canonical_rows(x12): ...  # claims-CSV columns as text
balance_checks(x12)                  # line, claim and BPR arithmetic
"""

from __future__ import annotations

from desktop.ingest.x12.balance import (
    BPR_BALANCE,
    CLAIM_BALANCE,
    CLAIM_CHARGE,
    LINE_BALANCE,
    BalanceCheck,
    balance_checks,
)
from desktop.ingest.x12.errors import NotX12Error, UnsupportedX12Error, X12ReadError
from desktop.ingest.x12.model import (
    Adjustment,
    ClaimBatch,
    Party,
    ProcedureCode,
    ProviderAdjustment,
    Remittance,
    RemittanceClaim,
    RemittanceLine,
    SubmittedClaim,
    SubmittedLine,
    X12File,
    X12Kind,
    X12Warning,
)
from desktop.ingest.x12.reader import read_x12, read_x12_stream
from desktop.ingest.x12.rows import COLUMNS, X12Row, canonical_rows
from desktop.ingest.x12.sniff import sniff

__all__ = [
    "BPR_BALANCE",
    "CLAIM_BALANCE",
    "CLAIM_CHARGE",
    "COLUMNS",
    "LINE_BALANCE",
    "Adjustment",
    "BalanceCheck",
    "ClaimBatch",
    "NotX12Error",
    "Party",
    "ProcedureCode",
    "ProviderAdjustment",
    "Remittance",
    "RemittanceClaim",
    "RemittanceLine",
    "SubmittedClaim",
    "SubmittedLine",
    "UnsupportedX12Error",
    "X12File",
    "X12Kind",
    "X12ReadError",
    "X12Row",
    "X12Warning",
    "balance_checks",
    "canonical_rows",
    "read_x12",
    "read_x12_stream",
    "sniff",
]
