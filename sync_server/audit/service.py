"""Writing and reading the admin audit trail."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from sync_server.audit.models import AuditEntry
from sync_server.audit.repository import AuditRepository


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    now: datetime,
    tenant_id: str | None = None,
    target: str | None = None,
    details: Mapping[str, object] | None = None,
) -> None:
    """Append one entry, in the same transaction as the action it records."""
    AuditRepository(session).append(
        AuditEntry(
            at=now,
            actor=actor,
            action=action,
            tenant_id=tenant_id,
            target=target,
            details_json=json.dumps(dict(details or {}), sort_keys=True, default=str),
        )
    )
