"""Audit rows: insert and read, nothing else (the database refuses the rest too)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.audit.models import AuditEntry


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, entry: AuditEntry) -> None:
        self.session.add(entry)
        self.session.flush()

    def list(self, tenant_id: str | None, limit: int) -> Sequence[AuditEntry]:
        statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if tenant_id is not None:
            statement = statement.where(AuditEntry.tenant_id == tenant_id)
        return self.session.scalars(statement).all()
