"""Sync state of this device and the outbox of items waiting to go to the server."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models.base import Base


class SyncState(Base):
    """This store's enrolment with a sync server (at most one row, id = 1)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_url: Mapped[str] = mapped_column(Text)
    device_id: Mapped[str] = mapped_column(String(64))
    device_name: Mapped[str | None] = mapped_column(String(120))
    tenant_id: Mapped[str] = mapped_column(String(64))
    device_token: Mapped[str] = mapped_column(Text)
    enrolled_at: Mapped[str] = mapped_column(String(32))
    last_sync: Mapped[str | None] = mapped_column(String(32))
    pull_cursor: Mapped[int] = mapped_column(Integer, default=0)
    hlc_last: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


class OutboxItem(Base):
    """An item to push, written in the same transaction as the data it describes."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # aggregate | feedback
    payload_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        CheckConstraint("kind IN ('aggregate', 'feedback')", name="kind"),
        Index("ix_outbox_sent_at", "sent_at"),
    )
