"""The outbox: items waiting to go to the sync server.

Callers add an item inside the write transaction of the data it describes, so an item
exists exactly when its data does. The id is the item's wire ``item_id`` and stays the
same through every retry, which is what lets the server store it once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc, utc_now
from desktop.store.models import OutboxItem

OutboxKind = Literal["aggregate", "feedback"]


def enqueue(
    session: Session,
    kind: OutboxKind,
    payload: Mapping[str, Any],
    *,
    item_id: str | None = None,
    clock: Clock = utc_now,
) -> OutboxItem:
    """Add one item in the caller's transaction; returns it (its id is the wire item id)."""
    item = OutboxItem(
        id=item_id or str(uuid.uuid4()),
        kind=kind,
        payload_json=json.dumps(dict(payload), sort_keys=True, separators=(",", ":")),
        created_at=iso_utc(clock()),
        attempts=0,
    )
    session.add(item)
    session.flush()
    return item


def pending_count(session: Session) -> int:
    """Items not yet acknowledged by the server."""
    count = session.scalar(
        select(func.count()).select_from(OutboxItem).where(OutboxItem.sent_at.is_(None))
    )
    return int(count or 0)
