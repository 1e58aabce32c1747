"""claims: payers, payer mappings, imports, claim lines, column mappings

Revision ID: 0002_claims
Revises: 0001_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_claims"
down_revision: str | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "column_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("header_signature", sa.String(length=64), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_column_mapping")),
        sa.UniqueConstraint("source_name", name=op.f("uq_column_mapping_source_name")),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.String(length=32), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("format IN ('csv', '835', '837')", name=op.f("ck_import_batch_format")),
        sa.CheckConstraint(
            "state IN ('pending', 'validating', 'validated', 'committed', 'failed')",
            name=op.f("ck_import_batch_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index("ix_import_batch_file_sha256", ["file_sha256"], unique=False)

    op.create_table(
        "payer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payer")),
        sa.UniqueConstraint("name", name=op.f("uq_payer_name")),
    )
    op.create_table(
        "claim_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Text(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("payer_raw", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("payer_x12_id", sa.Text(), nullable=True),
        sa.Column("cpt", sa.String(length=5), nullable=False),
        sa.Column("modifiers", sa.Text(), nullable=True),
        sa.Column("units", sa.Float(), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=True),
        sa.Column("date_of_service", sa.Integer(), nullable=False),
        sa.Column("submitted_date", sa.Integer(), nullable=False),
        sa.Column("decision_date", sa.Integer(), nullable=True),
        sa.Column("paid_date", sa.Integer(), nullable=True),
        sa.Column("billed_cents", sa.Integer(), nullable=False),
        sa.Column("allowed_cents", sa.Integer(), nullable=True),
        sa.Column("paid_cents", sa.Integer(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("carc_codes", sa.Text(), nullable=True),
        sa.Column("rarc_codes", sa.Text(), nullable=True),
        sa.Column("rendering_npi", sa.String(length=10), nullable=True),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("first_import_id", sa.String(length=36), nullable=False),
        sa.Column("last_import_id", sa.String(length=36), nullable=False),
        sa.CheckConstraint("billed_cents >= 0", name=op.f("ck_claim_line_billed")),
        sa.CheckConstraint("line_number >= 1", name=op.f("ck_claim_line_line_number")),
        sa.CheckConstraint("status BETWEEN 0 AND 3", name=op.f("ck_claim_line_status")),
        sa.ForeignKeyConstraint(
            ["first_import_id"],
            ["import_batch.id"],
            name=op.f("fk_claim_line_first_import_id_import_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["last_import_id"],
            ["import_batch.id"],
            name=op.f("fk_claim_line_last_import_id_import_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payer.id"], name=op.f("fk_claim_line_payer_id_payer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_line")),
    )
    with op.batch_alter_table("claim_line", schema=None) as batch_op:
        batch_op.create_index(
            "uq_claim_line_claim_id_line_number", ["claim_id", "line_number"], unique=True
        )

    op.create_table(
        "payer_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("raw_key", sa.Text(), nullable=False),
        sa.Column("raw_name", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "source IN ('auto', 'user', 'server')", name=op.f("ck_payer_mapping_source")
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payer.id"], name=op.f("fk_payer_mapping_payer_id_payer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payer_mapping")),
        sa.UniqueConstraint("raw_key", name=op.f("uq_payer_mapping_raw_key")),
    )


def downgrade() -> None:
    op.drop_table("payer_mapping")
    with op.batch_alter_table("claim_line", schema=None) as batch_op:
        batch_op.drop_index("uq_claim_line_claim_id_line_number")

    op.drop_table("claim_line")
    op.drop_table("payer")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index("ix_import_batch_file_sha256")

    op.drop_table("import_batch")
    op.drop_table("column_mapping")
