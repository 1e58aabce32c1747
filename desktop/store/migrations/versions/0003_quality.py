"""quality: quality rules and issues

Revision ID: 0003_quality
Revises: 0002_claims
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_quality"
down_revision: str | None = "0002_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quality_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["import_batch.id"],
            name=op.f("fk_quality_issue_import_id_import_batch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_issue")),
    )
    with op.batch_alter_table("quality_issue", schema=None) as batch_op:
        batch_op.create_index("ix_quality_issue_import_id", ["import_id"], unique=False)

    op.create_table(
        "quality_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("params_json", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("scope_payer_id", sa.Integer(), nullable=True),
        sa.Column("scope_cpt", sa.String(length=5), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "kind IN ('builtin', 'required', 'range', 'regex', 'compare')",
            name=op.f("ck_quality_rule_kind"),
        ),
        sa.CheckConstraint(
            "severity IN ('error', 'warning')", name=op.f("ck_quality_rule_severity")
        ),
        sa.ForeignKeyConstraint(
            ["scope_payer_id"], ["payer.id"], name=op.f("fk_quality_rule_scope_payer_id_payer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_rule")),
        sa.UniqueConstraint("code", name=op.f("uq_quality_rule_code")),
    )


def downgrade() -> None:
    op.drop_table("quality_rule")
    with op.batch_alter_table("quality_issue", schema=None) as batch_op:
        batch_op.drop_index("ix_quality_issue_import_id")

    op.drop_table("quality_issue")
