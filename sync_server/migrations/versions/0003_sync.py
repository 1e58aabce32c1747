"""Push batches, aggregates, feedback, alert rules and payer mappings."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db import rls
from sync_server.db.base import UtcDateTime

revision = "0003_sync"
down_revision = "0002_devices"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
    )


def _device_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["device_id"], ["devices.id"], name=op.f(f"fk_{table}_device_id_devices")
    )


def upgrade() -> None:
    op.create_table(
        "push_batches",
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("response_json", sa.Text(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        _tenant_fk("push_batches"),
        _device_fk("push_batches"),
        sa.PrimaryKeyConstraint("tenant_id", "device_id", "batch_id", name=op.f("pk_push_batches")),
    )
    rls.enable("push_batches")

    op.create_table(
        "aggregates",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("payer", sa.Text(), nullable=False),
        sa.Column("cpt", sa.String(5), nullable=True),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("denied_lines", sa.Integer(), nullable=False),
        sa.Column("billed", sa.Float(), nullable=False),
        sa.Column("allowed", sa.Float(), nullable=False),
        sa.Column("paid", sa.Float(), nullable=False),
        sa.Column("days_to_pay_p50", sa.Float(), nullable=True),
        sa.Column("days_to_pay_p90", sa.Float(), nullable=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        _tenant_fk("aggregates"),
        _device_fk("aggregates"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aggregates")),
        sa.UniqueConstraint(
            "tenant_id",
            "device_id",
            "item_id",
            name=op.f("uq_aggregates_tenant_id_device_id_item_id"),
        ),
    )
    op.create_index(
        "ix_aggregates_tenant_id_week_payer", "aggregates", ["tenant_id", "week", "payer"]
    )
    rls.enable("aggregates")

    op.create_table(
        "feedback",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("hlc", sa.String(128), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        _tenant_fk("feedback"),
        _device_fk("feedback"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint(
            "tenant_id",
            "device_id",
            "item_id",
            name=op.f("uq_feedback_tenant_id_device_id_item_id"),
        ),
    )
    op.create_index("ix_feedback_tenant_id_seq", "feedback", ["tenant_id", "seq"])
    rls.enable("feedback")

    op.create_table(
        "alert_rules",
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("metrics_json", sa.Text(), nullable=False),
        sa.Column("min_severity", sa.String(8), nullable=False),
        sa.Column("min_effect", sa.Float(), nullable=False),
        sa.Column("min_monthly_impact", sa.Float(), nullable=False),
        sa.Column("payer", sa.Text(), nullable=True),
        sa.Column("cpt", sa.String(5), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _tenant_fk("alert_rules"),
        sa.PrimaryKeyConstraint("tenant_id", "rule_id", name=op.f("pk_alert_rules")),
    )
    op.create_index("ix_alert_rules_tenant_id_version", "alert_rules", ["tenant_id", "version"])
    rls.enable("alert_rules")

    op.create_table(
        "payer_mappings",
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("raw_name", sa.String(120), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("canonical_payer", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _tenant_fk("payer_mappings"),
        sa.PrimaryKeyConstraint("tenant_id", "raw_name", name=op.f("pk_payer_mappings")),
    )
    op.create_index(
        "ix_payer_mappings_tenant_id_version", "payer_mappings", ["tenant_id", "version"]
    )
    rls.enable("payer_mappings")


def downgrade() -> None:
    for table in ("payer_mappings", "alert_rules", "feedback", "aggregates", "push_batches"):
        op.drop_table(table)
