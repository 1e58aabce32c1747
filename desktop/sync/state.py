"""This store's sync state: enrolment, the batch in flight, the last error.

The batch in flight is written before it is sent and cleared only when the server's
answer has been applied, so a crash or kill mid-push re-sends the very same batch
(same id, same body) and the server answers it from its record instead of storing
anything twice. The last error moves on every failed attempt, so, like the clock,
it is kept out of the audited settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.store.models import Setting, SyncState
from desktop.sync.errors import NotEnrolled

PENDING_BATCH_KEY = "sync.pending_batch"
LAST_ERROR_KEY = "sync.last_error"


@dataclass(frozen=True)
class Enrolment:
    server_url: str
    device_id: str
    tenant_id: str
    device_token: str
    last_sync: str | None
    pull_cursor: int
    device_name: str | None


@dataclass(frozen=True)
class PendingBatch:
    """A push sent (or about to be) and not yet answered: its exact body and items."""

    batch_id: str
    body: str
    item_ids: tuple[str, ...]


def enrolment(session: Session) -> Enrolment | None:
    row = session.get(SyncState, 1)
    if row is None:
        return None
    return Enrolment(
        row.server_url,
        row.device_id,
        row.tenant_id,
        row.device_token,
        row.last_sync,
        row.pull_cursor,
        row.device_name,
    )


def read_value(session: Session, key: str) -> object:
    row = session.get(Setting, key)
    return None if row is None else json.loads(row.value_json)


def write_value(session: Session, key: str, value: object, at: str) -> None:
    row = session.get(Setting, key)
    if value is None:
        if row is not None:
            session.delete(row)
            session.flush()
        return
    encoded = json.dumps(value, sort_keys=True)
    if row is None:
        session.add(Setting(key=key, value_json=encoded, updated_at=at))
    else:
        row.value_json, row.updated_at = encoded, at
    session.flush()


def pending_batch(session: Session) -> PendingBatch | None:
    value = read_value(session, PENDING_BATCH_KEY)
    if not isinstance(value, dict):
        return None
    return PendingBatch(
        str(value["batch_id"]), str(value["body"]), tuple(str(i) for i in value["item_ids"])
    )


def save_pending_batch(session: Session, batch: PendingBatch | None, *, at: str) -> None:
    value = (
        None
        if batch is None
        else {"batch_id": batch.batch_id, "body": batch.body, "item_ids": list(batch.item_ids)}
    )
    write_value(session, PENDING_BATCH_KEY, value, at)


def last_error(session: Session) -> str | None:
    value = read_value(session, LAST_ERROR_KEY)
    return None if value is None else str(value)


def save_last_error(session: Session, message: str | None, *, at: str) -> None:
    write_value(session, LAST_ERROR_KEY, message, at)


def save_cursor(session: Session, cursor: int) -> None:
    row = session.get(SyncState, 1)
    if row is None:
        raise NotEnrolled("this store is not enrolled with a sync server")
    row.pull_cursor = cursor
    session.flush()


def save_last_sync(session: Session, at: str) -> None:
    row = session.get(SyncState, 1)
    if row is not None:
        row.last_sync = at
        session.flush()


def utc_text(at: str) -> str:
    """Contract form of a stored time: seconds precision, trailing Z."""
    return at[:19] + "Z" if len(at) >= 19 else at
