"""The outbox: items waiting to go to the sync server.

Callers add an item inside the write transaction of the data it describes, so an item
exists exactly when its data does. The id is the item's wire ``item_id`` and stays the
same through every retry, which is what lets the server store it once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import func, select, update
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


# A rejected item stays in the outbox (never silently dropped) with this mark in its
# last_error; it is left out of later batches so it cannot block the others.
REJECTED_PREFIX = "rejected: "


def _waiting() -> Any:
    return OutboxItem.sent_at.is_(None) & (
        OutboxItem.last_error.is_(None) | ~OutboxItem.last_error.startswith(REJECTED_PREFIX)
    )


def next_items(session: Session, *, limit: int, max_bytes: int) -> list[OutboxItem]:
    """The oldest items waiting to be pushed, at most ``limit`` and about ``max_bytes``."""
    rows = session.scalars(
        select(OutboxItem).where(_waiting()).order_by(OutboxItem.created_at, OutboxItem.id)
    ).yield_per(200)
    picked: list[OutboxItem] = []
    size = 0
    for row in rows:
        size += len(row.payload_json) + 128
        if picked and size > max_bytes:
            break
        picked.append(row)
        if len(picked) >= limit:
            break
    return picked


def waiting_count(session: Session) -> int:
    """Items that the next push will try (pending and not rejected)."""
    count = session.scalar(select(func.count()).select_from(OutboxItem).where(_waiting()))
    return int(count or 0)


def rejected_count(session: Session) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(OutboxItem)
        .where(OutboxItem.sent_at.is_(None), OutboxItem.last_error.startswith(REJECTED_PREFIX))
    )
    return int(count or 0)


def mark_sent(session: Session, item_ids: Sequence[str], *, at: str) -> int:
    """Acknowledged by the server (stored or duplicate): the item has arrived."""
    done = 0
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        result = session.execute(
            update(OutboxItem)
            .where(OutboxItem.id.in_(chunk), OutboxItem.sent_at.is_(None))
            .values(sent_at=at, last_error=None)
        )
        done += int(result.rowcount)  # type: ignore[attr-defined]
    return done


def mark_rejected(session: Session, reasons: Mapping[str, str], *, at: str) -> None:
    for item_id, reason in reasons.items():
        session.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item_id)
            .values(last_error=REJECTED_PREFIX + reason, last_attempt_at=at)
        )


def record_attempt(
    session: Session, item_ids: Sequence[str], *, at: str, error: str | None
) -> None:
    """Count one try of these items (and why it failed, when it did)."""
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        session.execute(
            update(OutboxItem)
            .where(OutboxItem.id.in_(chunk))
            .values(attempts=OutboxItem.attempts + 1, last_attempt_at=at, last_error=error)
        )
