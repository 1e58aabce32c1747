"""Data-quality rules (built in and office-defined) and the issues they found per import."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models.base import Base


class QualityRule(Base):
    __tablename__ = "quality_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # builtin | required | range | regex | compare
    field: Mapped[str | None] = mapped_column(String(64))
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    severity: Mapped[str] = mapped_column(String(8))
    scope_payer_id: Mapped[int | None] = mapped_column(ForeignKey("payer.id"))
    scope_cpt: Mapped[str | None] = mapped_column(String(5))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        CheckConstraint("severity IN ('error', 'warning')", name="severity"),
        CheckConstraint(
            "kind IN ('builtin', 'required', 'range', 'regex', 'compare')", name="kind"
        ),
    )


class QualityIssue(Base):
    """One finding of one rule on one row of one import (row numbers are 1-based data rows)."""

    __tablename__ = "quality_issue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[str] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    row_number: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_quality_issue_import_id", "import_id"),)
