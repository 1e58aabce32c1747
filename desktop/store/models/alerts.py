"""Analysis runs and their findings, alert rules, alerts, their outcomes and feedback."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models.base import Base


class AnalysisRun(Base):
    __tablename__ = "analysis_run"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32))
    as_of: Mapped[str] = mapped_column(String(10))
    params_json: Mapped[str] = mapped_column(Text)
    summary_json: Mapped[str] = mapped_column(Text, default="{}")


class Finding(Base):
    """One drift, delay or quality finding of one run (the evidence lives in details)."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("analysis_run.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # drift | delay | quality
    payer: Mapped[str] = mapped_column(Text)
    cpt: Mapped[str | None] = mapped_column(String(5))
    metric: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(4))  # up | down
    baseline: Mapped[float | None] = mapped_column(Float)
    current: Mapped[float | None] = mapped_column(Float)
    n_baseline: Mapped[int] = mapped_column(Integer)
    n_current: Mapped[int] = mapped_column(Integer)
    p_value: Mapped[float | None] = mapped_column(Float)
    q_value: Mapped[float | None] = mapped_column(Float)
    change_date: Mapped[str | None] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(8))
    impact: Mapped[float | None] = mapped_column(Float)
    details_json: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (
        CheckConstraint("kind IN ('drift', 'delay', 'quality')", name="kind"),
        CheckConstraint("severity IN ('low', 'medium', 'high')", name="severity"),
        Index("ix_finding_run_id", "run_id"),
    )


class AlertRule(Base):
    __tablename__ = "alert_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    metrics_json: Mapped[str] = mapped_column(Text)
    min_severity: Mapped[str] = mapped_column(String(8))
    min_effect: Mapped[float] = mapped_column(Float, default=0.0)
    min_monthly_impact: Mapped[float] = mapped_column(Float, default=0.0)
    payer: Mapped[str | None] = mapped_column(Text)
    cpt: Mapped[str | None] = mapped_column(String(5))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(16), default="default")  # default | user | server
    updated_at: Mapped[str] = mapped_column(String(32))


class Alert(Base):
    """One alert per fingerprint (canonical payer, code, metric, direction)."""

    __tablename__ = "alert"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8))
    payer: Mapped[str] = mapped_column(Text)
    cpt: Mapped[str | None] = mapped_column(String(5))
    metric: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(4))
    effect: Mapped[float | None] = mapped_column(Float)
    first_raised_at: Mapped[str | None] = mapped_column(String(32))
    last_raised_at: Mapped[str | None] = mapped_column(String(32))
    last_seen_run_id: Mapped[str | None] = mapped_column(ForeignKey("analysis_run.id"))
    last_finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"))
    suppressed_reason: Mapped[str | None] = mapped_column(Text)
    suppressed_by: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        CheckConstraint("state IN ('open', 'suppressed', 'resolved', 'closed')", name="state"),
        CheckConstraint(
            "state != 'suppressed' OR suppressed_reason IS NOT NULL", name="suppressed_reason"
        ),
    )


class AlertEvent(Base):
    """The outcome of one finding in one run: raised, suppressed, no rule matched, invalid."""

    __tablename__ = "alert_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("analysis_run.id", ondelete="CASCADE"))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"))
    alert_id: Mapped[str | None] = mapped_column(ForeignKey("alert.id"))
    at: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(
            "outcome IN ('raised', 'suppressed', 'no_rule', 'invalid', 'cleared')",
            name="outcome",
        ),
        Index("ix_alert_event_alert_id", "alert_id"),
    )


class Feedback(Base):
    """An operator's judgment on an alert fingerprint, local or pulled from another device."""

    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    effect_at_feedback: Mapped[float | None] = mapped_column(Float)
    actor: Mapped[str] = mapped_column(Text)
    device_id: Mapped[str | None] = mapped_column(String(64))
    hlc: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(8))  # local | remote

    __table_args__ = (
        CheckConstraint("verdict IN ('real', 'noise', 'resolved')", name="verdict"),
        CheckConstraint("origin IN ('local', 'remote')", name="origin"),
        Index("ix_feedback_fingerprint", "fingerprint"),
    )
