"""Rows of the sync domain. Every function takes the tenant id explicitly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from sync_server.db.base import UtcDateTime
from sync_server.db.repository import TenantScopedRepository
from sync_server.db.upsert import insert_new_rows
from sync_server.sync.models import Aggregate, AlertRule, Feedback, PayerMapping, PushBatch

ITEM_KEY = ["tenant_id", "device_id", "item_id"]


_FIND_BATCH = text(
    "SELECT body_hash, response_json FROM push_batches"
    " WHERE tenant_id = :tenant_id AND device_id = :device_id AND batch_id = :batch_id"
)
_INSERT_BATCH = text(
    "INSERT INTO push_batches (tenant_id, device_id, batch_id, body_hash, response_json,"
    " received_at) VALUES (:tenant_id, :device_id, :batch_id, :body_hash, :response_json, :now)"
    " ON CONFLICT (tenant_id, device_id, batch_id) DO NOTHING RETURNING batch_id"
).bindparams(bindparam("now", type_=UtcDateTime()))


@dataclass(frozen=True)
class StoredBatch:
    batch_id: str
    body_hash: str
    response_json: str


class BatchRepository(TenantScopedRepository[PushBatch]):
    """Received batches. Every request of a push touches these, so the SQL is plain."""

    model = PushBatch

    def get(self, tenant_id: str, device_id: str, batch_id: str) -> StoredBatch | None:
        row = self.session.execute(
            _FIND_BATCH, {"tenant_id": tenant_id, "device_id": device_id, "batch_id": batch_id}
        ).first()
        return None if row is None else StoredBatch(batch_id, row.body_hash, row.response_json)

    def insert(
        self,
        tenant_id: str,
        device_id: str,
        batch_id: str,
        body_hash: str,
        response_json: str,
        now: datetime,
    ) -> bool:
        """Record the batch; False when a concurrent request recorded it first."""
        inserted = self.session.execute(
            _INSERT_BATCH,
            {
                "tenant_id": tenant_id,
                "device_id": device_id,
                "batch_id": batch_id,
                "body_hash": body_hash,
                "response_json": response_json,
                "now": now,
            },
        ).first()
        return inserted is not None


def _insert_new(session: Session, table: Any, rows: list[dict[str, Any]]) -> set[str]:
    """Insert rows, skipping client item ids already stored; the item ids inserted."""
    return {str(item_id) for item_id in insert_new_rows(session, table, rows, ITEM_KEY, "item_id")}


class AggregateRepository(TenantScopedRepository[Aggregate]):
    model = Aggregate

    def insert_new(self, tenant_id: str, rows: list[dict[str, Any]]) -> set[str]:
        for row in rows:
            row["tenant_id"] = tenant_id
        return _insert_new(self.session, Aggregate.__table__, rows)

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

    def insert_new(self, tenant_id: str, rows: list[dict[str, Any]]) -> set[str]:
        for row in rows:
            row["tenant_id"] = tenant_id
        return _insert_new(self.session, Feedback.__table__, rows)

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
