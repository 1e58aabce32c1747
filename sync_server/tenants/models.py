"""The tenant table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.base import Base, UtcDateTime


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The last change sequence number handed out for this tenant (pull cursors).
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
