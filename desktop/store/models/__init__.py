"""Typed models of the store, one module per domain (each has its own migration)."""

from desktop.store.models.alerts import (
    Alert,
    AlertEvent,
    AlertRule,
    AnalysisRun,
    Feedback,
    Finding,
)
from desktop.store.models.base import Base
from desktop.store.models.claim_columns import ClaimColumnBlock, ClaimColumnData, ClaimColumnDirty
from desktop.store.models.claims import (
    ClaimLine,
    ClaimStatus,
    ColumnMapping,
    ImportBatch,
    Payer,
    PayerMapping,
)
from desktop.store.models.core import AuditEntry, Customer, Setting, StoreMeta
from desktop.store.models.quality import QualityIssue, QualityRule
from desktop.store.models.sync import OutboxItem, SyncState

__all__ = [
    "Alert",
    "AlertEvent",
    "AlertRule",
    "AnalysisRun",
    "AuditEntry",
    "Base",
    "ClaimColumnBlock",
    "ClaimColumnData",
    "ClaimColumnDirty",
    "ClaimLine",
    "ClaimStatus",
    "ColumnMapping",
    "Customer",
    "Feedback",
    "Finding",
    "ImportBatch",
    "OutboxItem",
    "Payer",
    "PayerMapping",
    "QualityIssue",
    "QualityRule",
    "Setting",
    "StoreMeta",
    "SyncState",
]
