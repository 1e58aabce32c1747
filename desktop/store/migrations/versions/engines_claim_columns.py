"""claim columns: columnar snapshots of claim lines for the analysis engines

Blocks of ``BLOCK_LINES`` lines by id, each column a compact blob, and triggers that
mark a block dirty when one of its lines is updated or deleted. New lines need no
trigger: they are the ones above the highest id a block already covers, so bulk
imports pay nothing extra per inserted row.

Careful: a later batch-mode migration that copies ``claim_line`` drops these triggers;
such a migration must create them again (a test checks they exist at head).

Revision ID: engines_claim_columns
Revises: 0005_sync
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "engines_claim_columns"
down_revision: str | None = "0005_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BLOCK_LINES = 16384  # frozen here: the triggers below were created with this value

TRIGGERS = {
    "claim_column_dirty_on_update": (
        "AFTER UPDATE ON claim_line BEGIN "
        "INSERT OR IGNORE INTO claim_column_dirty (block) "
        f"SELECT OLD.id / {BLOCK_LINES} UNION SELECT NEW.id / {BLOCK_LINES}; END"
    ),
    "claim_column_dirty_on_delete": (
        "AFTER DELETE ON claim_line BEGIN "
        "INSERT OR IGNORE INTO claim_column_dirty (block) "
        f"VALUES (OLD.id / {BLOCK_LINES}); END"
    ),
}


def upgrade() -> None:
    op.create_table(
        "claim_column_block",
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("n_lines", sa.Integer(), nullable=False),
        sa.Column("max_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block", name=op.f("pk_claim_column_block")),
    )
    op.create_table(
        "claim_column_dirty",
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("block", name=op.f("pk_claim_column_dirty")),
    )
    op.create_table(
        "claim_column_data",
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("dtype", sa.String(length=8), nullable=False),
        sa.Column("base", sa.Integer(), nullable=False),
        sa.Column("dictionary_json", sa.Text(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["block"],
            ["claim_column_block.block"],
            name=op.f("fk_claim_column_data_block_claim_column_block"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("block", "name", name=op.f("pk_claim_column_data")),
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("claim_column_data")
    op.drop_table("claim_column_dirty")
    op.drop_table("claim_column_block")
