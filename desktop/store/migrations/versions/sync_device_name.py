"""sync: the device name given at enrolment, kept beside the device id

The window shows which computer this is by the name the person typed (or the default
"Upstream on HOST"), not only by the server's id. Stores enrolled before this
revision have no name until they enrol again.

Revision ID: sync_device_name
Revises: alerts_default_rules
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sync_device_name"
down_revision: str | None = "alerts_default_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sync_state", sa.Column("device_name", sa.String(120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state") as batch:
        batch.drop_column("device_name")
