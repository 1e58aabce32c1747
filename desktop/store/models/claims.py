"""Claim lines, canonical payers and their mappings, imports and saved column mappings.

Dates are stored as days since 1970-01-01 and amounts as integer cents: the engines
load these columns straight into numpy arrays, and integers are both exact and the
fastest values to pull out of the store.
"""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models.base import Base


class ClaimStatus(IntEnum):
    PENDING = 0
    PAID = 1
    DENIED = 2
    PARTIAL = 3


class Payer(Base):
    """A canonical payer; raw exported names map onto it through ``payer_mapping``."""

    __tablename__ = "payer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[str] = mapped_column(String(32))


class PayerMapping(Base):
    """Raw payer name (normalised: case, punctuation and spacing folded) -> canonical payer."""

    __tablename__ = "payer_mapping"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_key: Mapped[str] = mapped_column(Text, unique=True)
    raw_name: Mapped[str] = mapped_column(Text)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    source: Mapped[str] = mapped_column(String(16))  # auto | user | server
    updated_at: Mapped[str] = mapped_column(String(32))

    __table_args__ = (CheckConstraint("source IN ('auto', 'user', 'server')", name="source"),)


class ImportBatch(Base):
    """One import of one file: pending -> validating -> validated -> committed, or failed."""

    __tablename__ = "import_batch"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))  # csv | 835 | 837
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    summary_json: Mapped[str] = mapped_column(Text, default="{}")
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'validating', 'validated', 'committed', 'failed')",
            name="state",
        ),
        CheckConstraint("format IN ('csv', '835', '837')", name="format"),
        Index("ix_import_batch_file_sha256", "file_sha256"),
    )


class ClaimLine(Base):
    """One service line of one claim; (claim_id, line_number) is unique within a store."""

    __tablename__ = "claim_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[str] = mapped_column(Text)
    line_number: Mapped[int] = mapped_column(Integer)
    payer_raw: Mapped[str] = mapped_column(Text)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    payer_x12_id: Mapped[str | None] = mapped_column(Text)
    cpt: Mapped[str] = mapped_column(String(5))
    modifiers: Mapped[str | None] = mapped_column(Text)
    units: Mapped[float] = mapped_column(Float, default=1.0)
    place_of_service: Mapped[str | None] = mapped_column(String(2))
    date_of_service: Mapped[int] = mapped_column(Integer)
    submitted_date: Mapped[int] = mapped_column(Integer)
    decision_date: Mapped[int | None] = mapped_column(Integer)
    paid_date: Mapped[int | None] = mapped_column(Integer)
    billed_cents: Mapped[int] = mapped_column(Integer)
    allowed_cents: Mapped[int | None] = mapped_column(Integer)
    paid_cents: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[int] = mapped_column(Integer)
    carc_codes: Mapped[str | None] = mapped_column(Text)
    rarc_codes: Mapped[str | None] = mapped_column(Text)
    rendering_npi: Mapped[str | None] = mapped_column(String(10))
    source_format: Mapped[str] = mapped_column(String(8))
    first_import_id: Mapped[str] = mapped_column(ForeignKey("import_batch.id"))
    last_import_id: Mapped[str] = mapped_column(ForeignKey("import_batch.id"))

    __table_args__ = (
        CheckConstraint("status BETWEEN 0 AND 3", name="status"),
        CheckConstraint("line_number >= 1", name="line_number"),
        CheckConstraint("billed_cents >= 0", name="billed"),
        Index("uq_claim_line_claim_id_line_number", "claim_id", "line_number", unique=True),
    )


class ColumnMapping(Base):
    """A saved header mapping for a practice-management export Upstream does not know."""

    __tablename__ = "column_mapping"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_name: Mapped[str] = mapped_column(Text, unique=True)
    header_signature: Mapped[str] = mapped_column(String(64))
    mapping_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))
