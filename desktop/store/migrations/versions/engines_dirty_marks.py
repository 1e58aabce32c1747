"""claim columns: dirty marks that survive an upsert of claim lines

The triggers of ``engines_claim_columns`` wrote ``INSERT OR IGNORE``. SQLite lets the
conflict clause of the statement that fired a trigger override the one inside it, so
an ``INSERT … ON CONFLICT DO UPDATE`` of ``claim_line`` (the import's upsert of a
re-sent line) turned the inner ``OR IGNORE`` into an abort on the second mark of the
same block. These triggers skip blocks already marked instead of relying on a
conflict clause.

Revision ID: engines_dirty_marks
Revises: engines_claim_columns
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "engines_dirty_marks"
down_revision: str | None = "engines_claim_columns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BLOCK_LINES = 16384  # frozen: the value the claim column blocks were created with

TRIGGERS = {
    "claim_column_dirty_on_update": (
        "AFTER UPDATE ON claim_line BEGIN "
        "INSERT INTO claim_column_dirty (block) "
        f"SELECT b FROM (SELECT OLD.id / {BLOCK_LINES} AS b "
        f"UNION SELECT NEW.id / {BLOCK_LINES}) "
        "WHERE b NOT IN (SELECT block FROM claim_column_dirty); END"
    ),
    "claim_column_dirty_on_delete": (
        "AFTER DELETE ON claim_line BEGIN "
        "INSERT INTO claim_column_dirty (block) "
        f"SELECT OLD.id / {BLOCK_LINES} "
        f"WHERE OLD.id / {BLOCK_LINES} NOT IN (SELECT block FROM claim_column_dirty); END"
    ),
}

PREVIOUS_TRIGGERS = {
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


def _replace_triggers(triggers: dict[str, str]) -> None:
    for name, body in triggers.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    _replace_triggers(TRIGGERS)


def downgrade() -> None:
    _replace_triggers(PREVIOUS_TRIGGERS)
