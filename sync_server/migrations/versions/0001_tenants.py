"""Tenants."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db import rls
from sync_server.db.base import UtcDateTime

revision = "0001_tenants"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("name", name=op.f("uq_tenants_name")),
    )
    rls.enable("tenants", tenant_column="id")


def downgrade() -> None:
    op.drop_table("tenants")
