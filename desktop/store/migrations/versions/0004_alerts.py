"""alerts: analysis runs, findings, alert rules, alerts, outcomes, feedback

Revision ID: 0004_alerts
Revises: 0003_quality
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_alerts"
down_revision: str | None = "0003_quality"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("metrics_json", sa.Text(), nullable=False),
        sa.Column("min_severity", sa.String(length=8), nullable=False),
        sa.Column("min_effect", sa.Float(), nullable=False),
        sa.Column("min_monthly_impact", sa.Float(), nullable=False),
        sa.Column("payer", sa.Text(), nullable=True),
        sa.Column("cpt", sa.String(length=5), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rule")),
        sa.UniqueConstraint("name", name=op.f("uq_alert_rule_name")),
    )
    op.create_table(
        "analysis_run",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.String(length=32), nullable=True),
        sa.Column("as_of", sa.String(length=10), nullable=False),
        sa.Column("params_json", sa.Text(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_run")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("effect_at_feedback", sa.Float(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.CheckConstraint("origin IN ('local', 'remote')", name=op.f("ck_feedback_origin")),
        sa.CheckConstraint(
            "verdict IN ('real', 'noise', 'resolved')", name=op.f("ck_feedback_verdict")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_fingerprint", ["fingerprint"], unique=False)

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("payer", sa.Text(), nullable=False),
        sa.Column("cpt", sa.String(length=5), nullable=True),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("current", sa.Float(), nullable=True),
        sa.Column("n_baseline", sa.Integer(), nullable=False),
        sa.Column("n_current", sa.Integer(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=True),
        sa.Column("q_value", sa.Float(), nullable=True),
        sa.Column("change_date", sa.String(length=10), nullable=True),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("impact", sa.Float(), nullable=True),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('drift', 'delay', 'quality')", name=op.f("ck_finding_kind")),
        sa.CheckConstraint(
            "severity IN ('low', 'medium', 'high')", name=op.f("ck_finding_severity")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["analysis_run.id"],
            name=op.f("fk_finding_run_id_analysis_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index("ix_finding_run_id", ["run_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("payer", sa.Text(), nullable=False),
        sa.Column("cpt", sa.String(length=5), nullable=True),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("effect", sa.Float(), nullable=True),
        sa.Column("first_raised_at", sa.String(length=32), nullable=True),
        sa.Column("last_raised_at", sa.String(length=32), nullable=True),
        sa.Column("last_seen_run_id", sa.String(length=36), nullable=True),
        sa.Column("last_finding_id", sa.Integer(), nullable=True),
        sa.Column("suppressed_reason", sa.Text(), nullable=True),
        sa.Column("suppressed_by", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "state != 'suppressed' OR suppressed_reason IS NOT NULL",
            name=op.f("ck_alert_suppressed_reason"),
        ),
        sa.CheckConstraint(
            "state IN ('open', 'suppressed', 'resolved', 'closed')", name=op.f("ck_alert_state")
        ),
        sa.ForeignKeyConstraint(
            ["last_finding_id"], ["finding.id"], name=op.f("fk_alert_last_finding_id_finding")
        ),
        sa.ForeignKeyConstraint(
            ["last_seen_run_id"],
            ["analysis_run.id"],
            name=op.f("fk_alert_last_seen_run_id_analysis_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_alert_fingerprint")),
    )
    op.create_table(
        "alert_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("alert_id", sa.String(length=36), nullable=True),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('raised', 'suppressed', 'no_rule', 'invalid', 'cleared')",
            name=op.f("ck_alert_event_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_event_alert_id_alert")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
            name=op.f("fk_alert_event_finding_id_finding"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["analysis_run.id"],
            name=op.f("fk_alert_event_run_id_analysis_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_event")),
    )
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.create_index("ix_alert_event_alert_id", ["alert_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_event_alert_id")

    op.drop_table("alert_event")
    op.drop_table("alert")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index("ix_finding_run_id")

    op.drop_table("finding")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_fingerprint")

    op.drop_table("feedback")
    op.drop_table("analysis_run")
    op.drop_table("alert_rule")
