"""Tables of the sync domain: batches, aggregates, feedback, rules and payer mappings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.base import Base, TenantScoped, UtcDateTime


class PushBatch(TenantScoped, Base):
    """A received batch: its body's hash and the answer given, for idempotent replays."""

    __tablename__ = "push_batches"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    response_json: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Aggregate(TenantScoped, Base):
    __tablename__ = "aggregates"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    item_id: Mapped[str] = mapped_column(String(64))
    week: Mapped[str] = mapped_column(String(8))
    payer: Mapped[str] = mapped_column(Text)
    cpt: Mapped[str | None] = mapped_column(String(5))
    lines: Mapped[int] = mapped_column(Integer)
    denied_lines: Mapped[int] = mapped_column(Integer)
    billed: Mapped[float] = mapped_column(Float)
    allowed: Mapped[float] = mapped_column(Float)
    paid: Mapped[float] = mapped_column(Float)
    days_to_pay_p50: Mapped[float | None] = mapped_column(Float)
    days_to_pay_p90: Mapped[float | None] = mapped_column(Float)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("tenant_id", "device_id", "item_id"),
        Index("ix_aggregates_tenant_id_week_payer", "tenant_id", "week", "payer"),
    )


class Feedback(TenantScoped, Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    item_id: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    hlc: Mapped[str] = mapped_column(String(128))
    seq: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("tenant_id", "device_id", "item_id"),
        Index("ix_feedback_tenant_id_seq", "tenant_id", "seq"),
    )


class AlertRule(TenantScoped, Base):
    """An alert rule the admin set for a tenant; ``version`` is its change sequence number."""

    __tablename__ = "alert_rules"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(Text)
    metrics_json: Mapped[str] = mapped_column(Text)
    min_severity: Mapped[str] = mapped_column(String(8))
    min_effect: Mapped[float] = mapped_column(Float)
    min_monthly_impact: Mapped[float] = mapped_column(Float)
    payer: Mapped[str | None] = mapped_column(Text)
    cpt: Mapped[str | None] = mapped_column(String(5))
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_alert_rules_tenant_id_version", "tenant_id", "version"),)


class PayerMapping(TenantScoped, Base):
    __tablename__ = "payer_mappings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    raw_name: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    canonical_payer: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_payer_mappings_tenant_id_version", "tenant_id", "version"),)
