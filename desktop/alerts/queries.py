"""Reading alerts for the window, the CLI and reports: plain, paged, typed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from desktop.alerts.errors import AlertNotFound
from desktop.alerts.feedback import FeedbackRecord, effective_feedback, feedback_history
from desktop.store.models import Alert, AlertEvent, Finding

STATE_ORDER = ("open", "suppressed", "resolved", "closed")
MAX_PAGE = 1000


@dataclass(frozen=True)
class AlertView:
    id: str
    fingerprint: str
    state: str
    severity: str
    payer: str
    cpt: str | None
    metric: str
    direction: str
    effect: float | None
    suppressed_reason: str | None
    suppressed_by: str | None
    first_raised_at: str | None
    last_raised_at: str | None
    last_seen_at: str | None  # when an analysis last found it (raised or held)
    last_outcome: str | None
    last_reason: str | None
    last_finding_id: int | None
    feedback: FeedbackRecord | None  # the verdict in force (any device), if any

    def as_dict(self) -> dict[str, Any]:
        """The contract's ``alerts --json`` fields first, then additions."""
        return {
            "id": self.id,
            "fingerprint": self.fingerprint,
            "state": self.state,
            "severity": self.severity,
            "payer": self.payer,
            "cpt": self.cpt,
            "metric": self.metric,
            "suppressed_reason": self.suppressed_reason,
            "feedback": None if self.feedback is None else self.feedback.verdict,
            "feedback_detail": None if self.feedback is None else self.feedback.as_dict(),
            "direction": self.direction,
            "effect": self.effect,
            "suppressed_by": self.suppressed_by,
            "first_raised_at": self.first_raised_at,
            "last_raised_at": self.last_raised_at,
            "last_seen_at": self.last_seen_at,
            "last_outcome": self.last_outcome,
            "last_reason": self.last_reason,
        }


@dataclass(frozen=True)
class AlertPage:
    items: tuple[AlertView, ...]
    total: int
    offset: int


@dataclass(frozen=True)
class EventView:
    run_id: str
    at: str
    outcome: str
    reason: str | None
    decided_by: str | None
    finding_id: int | None


@dataclass(frozen=True)
class AlertDetail:
    alert: AlertView
    events: tuple[EventView, ...]  # newest first
    feedback: tuple[FeedbackRecord, ...]  # every verdict, newest first
    evidence: dict[str, Any]  # the last finding's figures and stored evidence


def _last_events(session: Session, ids: Sequence[str]) -> dict[str, AlertEvent]:
    if not ids:
        return {}
    newest = (
        select(func.max(AlertEvent.id))
        .where(AlertEvent.alert_id.in_(ids))
        .group_by(AlertEvent.alert_id)
    )
    rows = session.scalars(select(AlertEvent).where(AlertEvent.id.in_(newest)))
    return {row.alert_id: row for row in rows if row.alert_id is not None}


def _last_seen(session: Session, ids: Sequence[str]) -> dict[str, str]:
    """When a run last found each alert: its newest event with a finding.

    A "cleared" event (no longer found) has no finding, so it does not count.
    """
    if not ids:
        return {}
    rows = session.execute(
        select(AlertEvent.alert_id, func.max(AlertEvent.at))
        .where(AlertEvent.alert_id.in_(ids), AlertEvent.finding_id.is_not(None))
        .group_by(AlertEvent.alert_id)
    )
    return {alert_id: at for alert_id, at in rows if alert_id is not None}


def _views(session: Session, alerts: Sequence[Alert]) -> list[AlertView]:
    last = _last_events(session, [a.id for a in alerts])
    seen = _last_seen(session, [a.id for a in alerts])
    verdicts = effective_feedback(session, [a.fingerprint for a in alerts])
    out = []
    for a in alerts:
        event = last.get(a.id)
        out.append(
            AlertView(
                a.id,
                a.fingerprint,
                a.state,
                a.severity,
                a.payer,
                a.cpt,
                a.metric,
                a.direction,
                a.effect,
                a.suppressed_reason,
                a.suppressed_by,
                a.first_raised_at,
                a.last_raised_at,
                seen.get(a.id),
                None if event is None else event.outcome,
                None if event is None else event.reason,
                a.last_finding_id,
                verdicts.get(a.fingerprint),
            )
        )
    return out


def list_alerts(
    session: Session,
    *,
    states: Sequence[str] | None = None,
    limit: int = 200,
    offset: int = 0,
) -> AlertPage:
    """Alerts by state (open first), then severity and most recently raised."""
    limit = max(1, min(limit, MAX_PAGE))
    state_rank = case({s: i for i, s in enumerate(STATE_ORDER)}, value=Alert.state, else_=9)
    severity_rank = case({"high": 0, "medium": 1, "low": 2}, value=Alert.severity, else_=9)
    stmt = select(Alert)
    count = select(func.count()).select_from(Alert)
    if states:
        stmt = stmt.where(Alert.state.in_(list(states)))
        count = count.where(Alert.state.in_(list(states)))
    stmt = (
        stmt.order_by(state_rank, severity_rank, Alert.last_raised_at.desc(), Alert.id)
        .limit(limit)
        .offset(max(0, offset))
    )
    alerts = list(session.scalars(stmt))
    return AlertPage(tuple(_views(session, alerts)), int(session.scalar(count) or 0), offset)


def get_alert(session: Session, alert_id: str) -> AlertView:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise AlertNotFound(alert_id)
    return _views(session, [alert])[0]


def finding_evidence(session: Session, finding_id: int | None) -> dict[str, Any]:
    finding = None if finding_id is None else session.get(Finding, finding_id)
    if finding is None:
        return {}
    return {
        "finding_id": finding.id,
        "run_id": finding.run_id,
        "kind": finding.kind,
        "baseline": finding.baseline,
        "current": finding.current,
        "n_baseline": finding.n_baseline,
        "n_current": finding.n_current,
        "p_value": finding.p_value,
        "q_value": finding.q_value,
        "change_date": finding.change_date,
        "impact": finding.impact,
        "details": json.loads(finding.details_json),
    }


def alert_detail(session: Session, alert_id: str, *, events: int = 50) -> AlertDetail:
    """One alert with its latest outcomes, every verdict and its evidence."""
    view = get_alert(session, alert_id)
    rows = session.scalars(
        select(AlertEvent)
        .where(AlertEvent.alert_id == alert_id)
        .order_by(AlertEvent.id.desc())
        .limit(events)
    )
    history = tuple(
        EventView(e.run_id, e.at, e.outcome, e.reason, e.decided_by, e.finding_id) for e in rows
    )
    return AlertDetail(
        view,
        history,
        tuple(feedback_history(session, view.fingerprint)),
        finding_evidence(session, view.last_finding_id),
    )
