"""Push and pull for one authenticated device, always inside its own tenant."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.models import (
    AggregateItem,
    FeedbackChange,
    FeedbackItem,
    ItemResult,
    ItemStatus,
    PullResponse,
    PushRequest,
    PushResponse,
)
from shared.models.pull import MAX_PAGE
from sync_server.db.engine import Database
from sync_server.devices.repository import DeviceRepository
from sync_server.errors import Conflict, InvalidRequest
from sync_server.identity import DeviceIdentity
from sync_server.policies.service import mapping_change, rule_change
from sync_server.sync.models import AlertRule, Feedback, PayerMapping
from sync_server.sync.repository import (
    AlertRuleRepository,
    BatchRepository,
    FeedbackRepository,
    PayerMappingRepository,
    PushSteps,
    StoredBatch,
)
from sync_server.sync.validation import aggregate_problem, feedback_problem
from sync_server.tenants.repository import TenantRepository

LAST_SYNC_RESOLUTION = timedelta(minutes=1)


class BatchIdReused(InvalidRequest):
    """The batch id was used before for a different body (answered 422, never merged)."""


class CursorAhead(Conflict):
    """The cursor is past every change of this tenant: the client must pull from 0."""


def body_hash(request: PushRequest) -> str:
    return hashlib.sha256(request.model_dump_json().encode("utf-8")).hexdigest()


def push(db: Database, device: DeviceIdentity, request: PushRequest, now: datetime) -> PushResponse:
    digest = body_hash(request)
    items = _sort_items(device, request, now)
    response = _push_once(db, device, request, items, digest, now)
    if response is not None:
        return response
    # the batch id was received before (or by a concurrent request that committed first)
    with db.tenant_transaction(device.tenant_id) as session:
        existing = BatchRepository(session).get(
            device.tenant_id, device.device_id, request.batch_id
        )
    if existing is None:
        raise RuntimeError("a batch whose id is taken is not stored")
    return _replay(existing, digest)


def _replay(existing: StoredBatch, digest: str) -> PushResponse:
    if existing.body_hash != digest:
        raise BatchIdReused(
            f"batch id {existing.batch_id} was already used for a different batch; "
            "send new items under a new batch id"
        )
    return PushResponse.model_validate_json(existing.response_json).model_copy(
        update={"replayed": True}
    )


@dataclass
class _Sorted:
    """Each item's answer where it is known before the insert (None: decided by it)."""

    answers: list[ItemResult | None]
    aggregates: list[dict[str, Any]]
    feedback: list[dict[str, Any]]


def _sort_items(device: DeviceIdentity, request: PushRequest, now: datetime) -> _Sorted:
    sorted_items = _Sorted([], [], [])
    seen: set[tuple[str, str]] = set()
    for item in request.items:
        key = (item.kind, item.item_id)
        if key in seen:
            sorted_items.answers.append(
                ItemResult(item_id=item.item_id, status=ItemStatus.DUPLICATE)
            )
            continue
        seen.add(key)
        if isinstance(item, AggregateItem):
            problem = aggregate_problem(item)
            target = sorted_items.aggregates
        else:
            problem = feedback_problem(item, device)
            target = sorted_items.feedback
        if problem is not None:
            sorted_items.answers.append(
                ItemResult(item_id=item.item_id, status=ItemStatus.REJECTED, reason=problem)
            )
            continue
        row = item.model_dump(exclude={"kind"}, mode="json")
        row.update(device_id=device.device_id, received_at=now)
        target.append(row)
        sorted_items.answers.append(None)
    return sorted_items


def _sync_worth_recording(device: DeviceIdentity, now: datetime) -> bool:
    """Record a device's last sync at most once a minute: a row write per request is waste."""
    return device.last_sync is None or now - device.last_sync >= LAST_SYNC_RESOLUTION


def _push_once(
    db: Database,
    device: DeviceIdentity,
    request: PushRequest,
    items: _Sorted,
    digest: str,
    now: datetime,
) -> PushResponse | None:
    """Store the batch in two steps (two round trips on PostgreSQL); None when its id is taken.

    Step one claims the batch id and inserts the items; step two numbers the new
    feedback, records the answer and commits. When the id was taken, the items just
    inserted are rolled back with the claim: a batch is never merged into another.
    """
    with db.tenant_pipeline(device.tenant_id) as transaction:
        steps = PushSteps(transaction, device.tenant_id, device.device_id)
        claimed = steps.claim_batch(request.batch_id, digest, now)
        aggregates = steps.insert_aggregates(items.aggregates)
        feedback = steps.insert_feedback(items.feedback)
        transaction.flush()
        if not claimed.all():
            return None  # leaving without commit rolls the items back
        stored_feedback = set(feedback.scalars())
        steps.number_feedback(
            [row["item_id"] for row in items.feedback if row["item_id"] in stored_feedback]
        )
        response = _answer(request, items, set(aggregates.scalars()), stored_feedback)
        steps.record_answer(request.batch_id, response.model_dump_json())
        if _sync_worth_recording(device, now):
            steps.touch_last_sync(now)
        transaction.commit()
    return response


def _answer(
    request: PushRequest, items: _Sorted, aggregates: set[str], feedback: set[str]
) -> PushResponse:
    results: list[ItemResult] = []
    for item, known in zip(request.items, items.answers, strict=True):
        if known is not None:
            results.append(known)
            continue
        stored = aggregates if item.kind == "aggregate" else feedback
        status = ItemStatus.STORED if item.item_id in stored else ItemStatus.DUPLICATE
        results.append(ItemResult(item_id=item.item_id, status=status))
    counts = dict.fromkeys(ItemStatus, 0)
    for result in results:
        counts[result.status] += 1
    return PushResponse(
        batch_id=request.batch_id,
        replayed=False,
        stored=counts[ItemStatus.STORED],
        duplicate=counts[ItemStatus.DUPLICATE],
        rejected=counts[ItemStatus.REJECTED],
        results=results,
    )


def pull(
    db: Database, device: DeviceIdentity, cursor: int, limit: int, now: datetime
) -> PullResponse:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRequest(f"limit must be between 1 and {MAX_PAGE}")
    tenant_id = device.tenant_id
    with db.tenant_transaction(tenant_id, write=True) as session:
        head = TenantRepository(session).current_seq(tenant_id)
        if cursor > head:
            raise CursorAhead(
                f"cursor {cursor} is ahead of this tenant's changes; pull again from 0"
            )
        rules = AlertRuleRepository(session).changed(tenant_id, cursor, head, limit + 1)
        mappings = PayerMappingRepository(session).changed(tenant_id, cursor, head, limit + 1)
        feedback = FeedbackRepository(session).changed(
            tenant_id, cursor, head, device.device_id, limit + 1
        )
        if _sync_worth_recording(device, now):
            DeviceRepository(session).touch_last_sync(tenant_id, device.device_id, now)
    changes: list[tuple[int, AlertRule | PayerMapping | Feedback]] = sorted(
        [(r.version, r) for r in rules]
        + [(m.version, m) for m in mappings]
        + [(f.seq, f) for f in feedback],
        key=lambda pair: pair[0],
    )
    has_more = len(changes) > limit
    page = changes[:limit]
    next_cursor = page[-1][0] if has_more else head
    return PullResponse(
        next_cursor=next_cursor,
        has_more=has_more,
        rules=[rule_change(row) for _, row in page if isinstance(row, AlertRule)],
        mappings=[mapping_change(row) for _, row in page if isinstance(row, PayerMapping)],
        feedback=[
            FeedbackChange(seq=row.seq, feedback=_feedback_item(row))
            for _, row in page
            if isinstance(row, Feedback)
        ],
    )


def _feedback_item(row: Feedback) -> FeedbackItem:
    return FeedbackItem.model_validate(
        {
            "item_id": row.item_id,
            "fingerprint": row.fingerprint,
            "verdict": row.verdict,
            "note": row.note,
            "hlc": row.hlc,
            "device_id": row.device_id,
        }
    )
