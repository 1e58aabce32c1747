"""The append-only admin audit trail."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db import rls
from sync_server.db.base import UtcDateTime

revision = "0004_audit"
down_revision = "0003_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=True),
        sa.Column("target", sa.String(120), nullable=True),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit")),
    )
    op.create_index(op.f("ix_admin_audit_tenant_id"), "admin_audit", ["tenant_id"])
    rls.append_only("admin_audit")


def downgrade() -> None:
    op.drop_table("admin_audit")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION upstream_refuse_change()")
