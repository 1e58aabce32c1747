"""Rows of the sync domain. Every function takes the tenant id explicitly."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, select, text

from sync_server.db.base import UtcDateTime
from sync_server.db.pipeline import Pending, PipelinedTransaction
from sync_server.db.repository import TenantScopedRepository
from sync_server.db.upsert import queue_insert_new_rows
from sync_server.devices.repository import TOUCH_LAST_SYNC
from sync_server.sync.models import Aggregate, AlertRule, Feedback, PayerMapping, PushBatch
from sync_server.tenants.repository import ALLOCATE_SEQS

ITEM_KEY = ("tenant_id", "device_id", "item_id")


_FIND_BATCH = text(
    "SELECT body_hash, response_json FROM push_batches"
    " WHERE tenant_id = :tenant_id AND device_id = :device_id AND batch_id = :batch_id"
)
# The batch id is claimed first, with the answer filled in before commit: a concurrent
# request with the same id waits on the claim, then finds the committed batch.
_CLAIM_BATCH = text(
    "INSERT INTO push_batches (tenant_id, device_id, batch_id, body_hash, response_json,"
    " received_at) VALUES (:tenant_id, :device_id, :batch_id, :body_hash, '', :now)"
    " ON CONFLICT (tenant_id, device_id, batch_id) DO NOTHING RETURNING batch_id"
).bindparams(bindparam("now", type_=UtcDateTime()))
_RECORD_ANSWER = text(
    "UPDATE push_batches SET response_json = :response_json"
    " WHERE tenant_id = :tenant_id AND device_id = :device_id AND batch_id = :batch_id"
)
# Feedback is inserted with seq 0 (never visible: a pull reads seq > cursor >= 0) and
# numbered by the last step before commit. The UPDATE of the tenant's counter locks its
# row until commit, so this tenant's changes commit in sequence order and a pull never
# skips a change committed late; the lock is held only while the server runs that step.
_NUMBER_FEEDBACK = text(
    "WITH allocated AS (UPDATE tenants SET change_seq = change_seq + :count"
    " WHERE id = :tenant_id RETURNING change_seq)"
    " UPDATE feedback SET seq = allocated.change_seq - :count + numbered.position"
    " FROM allocated, jsonb_array_elements_text(CAST(:item_ids AS jsonb))"
    " WITH ORDINALITY AS numbered(item_id, position)"
    " WHERE feedback.tenant_id = :tenant_id AND feedback.device_id = :device_id"
    " AND feedback.item_id = numbered.item_id"
)
_SET_FEEDBACK_SEQ = text(
    "UPDATE feedback SET seq = :seq"
    " WHERE tenant_id = :tenant_id AND device_id = :device_id AND item_id = :item_id"
)
UNNUMBERED = 0


@dataclass(frozen=True)
class StoredBatch:
    batch_id: str
    body_hash: str
    response_json: str


class BatchRepository(TenantScopedRepository[PushBatch]):
    """Received batches, read back for a replay."""

    model = PushBatch

    def get(self, tenant_id: str, device_id: str, batch_id: str) -> StoredBatch | None:
        row = self.session.execute(
            _FIND_BATCH, {"tenant_id": tenant_id, "device_id": device_id, "batch_id": batch_id}
        ).first()
        return None if row is None else StoredBatch(batch_id, row.body_hash, row.response_json)


def _table(model: type[Aggregate | Feedback]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class PushSteps:
    """The statements of one push, queued in a pipelined tenant transaction.

    Every request of a push runs these, so the SQL is plain and each step's statements
    go to the database together (see ``sync_server.db.pipeline``).
    """

    def __init__(self, transaction: PipelinedTransaction, tenant_id: str, device_id: str) -> None:
        self.transaction = transaction
        self.tenant_id = tenant_id
        self.device_id = device_id

    def _key(self, batch_id: str) -> dict[str, str]:
        return {"tenant_id": self.tenant_id, "device_id": self.device_id, "batch_id": batch_id}

    def claim_batch(self, batch_id: str, body_hash: str, now: datetime) -> Pending:
        """Record the batch id; its rows are empty when the batch was received before."""
        return self.transaction.add(
            _CLAIM_BATCH, self._key(batch_id) | {"body_hash": body_hash, "now": now}
        )

    def record_answer(self, batch_id: str, response_json: str) -> None:
        self.transaction.add(_RECORD_ANSWER, self._key(batch_id) | {"response_json": response_json})

    def insert_aggregates(self, rows: list[dict[str, Any]]) -> Pending:
        """Queue the rows' insert; it returns the item ids stored (the others were known)."""
        for row in rows:
            row["tenant_id"] = self.tenant_id
        return queue_insert_new_rows(self.transaction, _table(Aggregate), rows, ITEM_KEY, "item_id")

    def insert_feedback(self, rows: list[dict[str, Any]]) -> Pending:
        """Like :meth:`insert_aggregates`; rows stay unnumbered until :meth:`number_feedback`."""
        for row in rows:
            row["tenant_id"] = self.tenant_id
            row["seq"] = UNNUMBERED
        return queue_insert_new_rows(self.transaction, _table(Feedback), rows, ITEM_KEY, "item_id")

    def number_feedback(self, item_ids: list[str]) -> None:
        """Give the stored feedback ``item_ids`` the tenant's next change numbers, in order."""
        if not item_ids:
            return
        key = {"tenant_id": self.tenant_id, "device_id": self.device_id}
        if self.transaction.backend == "postgresql":
            self.transaction.add(
                _NUMBER_FEEDBACK, key | {"count": len(item_ids), "item_ids": json.dumps(item_ids)}
            )
            return
        # SQLite runs each statement as it is queued, inside its one-writer transaction
        last = self.transaction.add(
            ALLOCATE_SEQS, {"tenant_id": self.tenant_id, "count": len(item_ids)}
        ).scalars()
        if not last:
            raise LookupError(f"no tenant {self.tenant_id}")
        first = int(last[0]) - len(item_ids) + 1
        self.transaction.add_many(
            _SET_FEEDBACK_SEQ,
            [key | {"item_id": item_id, "seq": first + n} for n, item_id in enumerate(item_ids)],
        )

    def touch_last_sync(self, now: datetime) -> None:
        self.transaction.add(
            TOUCH_LAST_SYNC, {"tenant_id": self.tenant_id, "device_id": self.device_id, "now": now}
        )


class AggregateRepository(TenantScopedRepository[Aggregate]):
    model = Aggregate

    def latest_payer_wide(self, tenant_id: str) -> Sequence[Aggregate]:
        """The newest payer-wide cell per device, week and payer."""
        newest = (
            select(func.max(Aggregate.id))
            .where(Aggregate.tenant_id == tenant_id, Aggregate.cpt.is_(None))
            .group_by(Aggregate.device_id, Aggregate.week, Aggregate.payer)
        )
        return self.session.scalars(
            self.readable(tenant_id)
            .where(Aggregate.id.in_(newest))
            .order_by(Aggregate.week, Aggregate.payer)
        ).all()


class FeedbackRepository(TenantScopedRepository[Feedback]):
    model = Feedback

    def changed(
        self, tenant_id: str, after: int, upto: int, exclude_device: str, limit: int
    ) -> Sequence[Feedback]:
        return self.session.scalars(
            self.readable(tenant_id)
            .where(Feedback.seq > after, Feedback.seq <= upto, Feedback.device_id != exclude_device)
            .order_by(Feedback.seq)
            .limit(limit)
        ).all()


class AlertRuleRepository(TenantScopedRepository[AlertRule]):
    model = AlertRule

    def get(self, tenant_id: str, rule_id: str) -> AlertRule | None:
        return self.session.scalars(
            self.readable(tenant_id).where(AlertRule.rule_id == rule_id)
        ).first()

    def save(self, rule: AlertRule) -> None:
        self.session.add(rule)
        self.session.flush()

    def list(self, tenant_id: str) -> Sequence[AlertRule]:
        return self.session.scalars(self.readable(tenant_id).order_by(AlertRule.rule_id)).all()

    def changed(self, tenant_id: str, after: int, upto: int, limit: int) -> Sequence[AlertRule]:
        return self.session.scalars(
            self.readable(tenant_id)
            .where(AlertRule.version > after, AlertRule.version <= upto)
            .order_by(AlertRule.version)
            .limit(limit)
        ).all()


class PayerMappingRepository(TenantScopedRepository[PayerMapping]):
    model = PayerMapping

    def get(self, tenant_id: str, raw_name: str) -> PayerMapping | None:
        return self.session.scalars(
            self.readable(tenant_id).where(PayerMapping.raw_name == raw_name)
        ).first()

    def save(self, mapping: PayerMapping) -> None:
        self.session.add(mapping)
        self.session.flush()

    def list(self, tenant_id: str) -> Sequence[PayerMapping]:
        return self.session.scalars(self.readable(tenant_id).order_by(PayerMapping.raw_name)).all()

    def changed(self, tenant_id: str, after: int, upto: int, limit: int) -> Sequence[PayerMapping]:
        return self.session.scalars(
            self.readable(tenant_id)
            .where(PayerMapping.version > after, PayerMapping.version <= upto)
            .order_by(PayerMapping.version)
            .limit(limit)
        ).all()
