"""The admin audit table: rows are only ever inserted (a trigger refuses the rest)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.base import Base, UtcDateTime


class AuditEntry(Base):
    __tablename__ = "admin_audit"
    __table_args__ = {"info": {"append_only": True}}

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    tenant_id: Mapped[str | None] = mapped_column(String(36), index=True)
    target: Mapped[str | None] = mapped_column(String(120))
    details_json: Mapped[str] = mapped_column(Text, default="{}")
