"""Pushing the outbox: batch after batch, each one safe to repeat.

A batch is made from the oldest waiting items and recorded (id, exact body, item ids)
in a write transaction before it is sent. The server's answer is applied in another:
items it stored, or already had, are marked sent; items it rejected stay in the
outbox marked with its reason; the record is cleared. A failure in between (no
answer, a kill, a crash) leaves the record, and the next push sends the same batch
again, which the server answers from its own record of it: no item is lost or
stored twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc
from desktop.errors import ServerUnavailable
from desktop.store import Store
from desktop.sync import outbox
from desktop.sync.client import SyncClient
from desktop.sync.errors import ServerRefused
from desktop.sync.state import PendingBatch, pending_batch, save_last_error, save_pending_batch
from shared.models import MAX_BATCH_ITEMS, ItemStatus, PushItem
from shared.models.push import PushRequest

MAX_BATCH_BYTES = 512 * 1024  # half the server's default body limit
MAX_ROUNDS = 10_000  # a bound on one push; 5,000,000 items at 500 a batch
_ITEM = TypeAdapter[Any](PushItem)

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]


@dataclass
class PushTally:
    stored: int = 0
    duplicate: int = 0
    rejected: dict[str, str] = field(default_factory=dict)
    batches: int = 0
    replayed: int = 0  # batches the server answered from its record of an earlier try
    cancelled: bool = False


def push_outbox(
    store: Store,
    client: SyncClient,
    device_id: str,
    *,
    clock: Clock,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    batch_items: int = MAX_BATCH_ITEMS,
) -> PushTally:
    tally = PushTally()
    with store.read() as session:
        total = outbox.waiting_count(session)
    for _ in range(MAX_ROUNDS):
        if cancel is not None and cancel():
            tally.cancelled = True
            return tally
        with store.write() as session:
            batch = _batch(session, device_id, batch_items, clock, tally)
        if batch is None:
            return tally
        try:
            answer = client.push(batch.body)
        except ServerUnavailable as error:
            _record_failure(store, batch, error, clock)
            raise
        with store.write() as session:
            at = iso_utc(clock())
            statuses = {r.item_id: r for r in answer.results}
            arrived = [
                i
                for i in batch.item_ids
                if i in statuses and statuses[i].status != ItemStatus.REJECTED
            ]
            refused = {
                i: statuses[i].reason or "no reason given"
                for i in batch.item_ids
                if i in statuses and statuses[i].status == ItemStatus.REJECTED
            }
            outbox.mark_sent(session, arrived, at=at)
            outbox.mark_rejected(session, refused, at=at)
            save_pending_batch(session, None, at=at)
            save_last_error(session, None, at=at)
        tally.batches += 1
        tally.replayed += int(answer.replayed)
        tally.stored += sum(1 for r in answer.results if r.status == ItemStatus.STORED)
        tally.duplicate += sum(1 for r in answer.results if r.status == ItemStatus.DUPLICATE)
        tally.rejected.update(refused)
        if progress is not None:
            progress(tally.stored + tally.duplicate + len(tally.rejected), total, "pushing")
    raise ServerRefused(f"the outbox did not drain in {MAX_ROUNDS} batches; the rest is kept")


def _batch(
    session: Session, device_id: str, limit: int, clock: Clock, tally: PushTally
) -> PendingBatch | None:
    """The batch in flight if there is one, else a new one from the oldest items."""
    existing = pending_batch(session)
    if existing is not None:
        return existing
    items: list[dict[str, Any]] = []
    ids: list[str] = []
    bad: dict[str, str] = {}
    for row in outbox.next_items(session, limit=limit, max_bytes=MAX_BATCH_BYTES):
        wire = wire_item(row.kind, row.id, row.payload_json, device_id)
        try:
            _ITEM.validate_python(wire)
        except ValidationError as error:
            bad[row.id] = f"not a valid {row.kind} item here ({error.error_count()} problems)"
            continue
        items.append(wire)
        ids.append(row.id)
    at = iso_utc(clock())
    if bad:
        outbox.mark_rejected(session, bad, at=at)
        tally.rejected.update(bad)
    if not items:
        return None
    batch_id = str(uuid.uuid4())
    body = PushRequest.model_validate({"batch_id": batch_id, "items": items}).model_dump_json()
    batch = PendingBatch(batch_id, body, tuple(ids))
    save_pending_batch(session, batch, at=at)
    return batch


def wire_item(kind: str, item_id: str, payload_json: str, device_id: str) -> dict[str, Any]:
    """An outbox row as a push item; feedback gets this device's id at push time."""
    item: dict[str, Any] = {"kind": kind, "item_id": item_id, **json.loads(payload_json)}
    if kind == "feedback":
        item["device_id"] = device_id
    return item


def _record_failure(
    store: Store, batch: PendingBatch, error: ServerUnavailable, clock: Clock
) -> None:
    with store.write() as session:
        at = iso_utc(clock())
        outbox.record_attempt(session, batch.item_ids, at=at, error=str(error))
        save_last_error(session, str(error), at=at)
        if isinstance(error, ServerRefused) and error.status == 422:
            # The server will not take this body under this id (a batch id reused, or a
            # body it cannot read): the items wait for a new batch instead.
            save_pending_batch(session, None, at=at)
