"""A run's findings into alerts: exactly one explicit outcome per finding.

In the run's write transaction, each finding is, in order: **invalid** (it cannot be
evaluated; the reason says why), **no_rule** (no enabled rule takes it; the reason
names the rule minimum it missed, or that none covers it), or passed to the one
suppression policy, which **raises** or **suppresses** it with a reason. Every
outcome is logged, counted and stored as an ``alert_event`` row; alerts are upserted
by fingerprint. Alerts found in no finding of the run are **cleared** (state
``closed``), which is what the flapping rule counts.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.alerts.feedback import FeedbackRecord, effective_feedback, fill_effect
from desktop.alerts.fingerprint import fingerprint
from desktop.alerts.matching import check_finding, match_rule
from desktop.alerts.rules import RuleInfo, list_rules
from desktop.alerts.suppression import (
    AlertHistory,
    Decision,
    FeedbackView,
    PolicyParams,
    cycles_from,
    decide,
    load_params,
)
from desktop.analysis.records import AlertSummary, StoredFinding
from desktop.clock import Clock, iso_utc
from desktop.store.models import Alert, AlertEvent, AnalysisRun

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    RAISED = "raised"
    SUPPRESSED = "suppressed"
    NO_RULE = "no_rule"
    INVALID = "invalid"


@dataclass(frozen=True)
class FindingOutcome:
    finding_id: int
    fingerprint: str | None  # absent only for an invalid finding
    outcome: Outcome
    reason: str  # a short code: "cooldown", "below_min_effect", "unknown_metric", …
    message: str
    decided_by: str  # "policy:cooldown", "rule:Denying more", "check:unknown_metric", …
    alert_id: str | None

    @property
    def reason_text(self) -> str:
        return f"{self.reason}: {self.message}"


@dataclass(frozen=True)
class EvaluationResult:
    outcomes: tuple[FindingOutcome, ...]
    cleared: tuple[str, ...]  # ids of alerts cleared by this run
    alerts: tuple[AlertSummary, ...]  # alerts found in this run, in finding order

    def counts(self) -> dict[str, Any]:
        return outcome_counts_of([(o.outcome.value, o.reason) for o in self.outcomes])


def outcome_counts_of(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``{"raised": n, "suppressed": {reason: n}, "no_rule": n, "invalid": n}``."""
    by = Counter(pairs)
    return {
        "raised": sum(n for (o, _), n in by.items() if o == Outcome.RAISED),
        "suppressed": {r: n for (o, r), n in sorted(by.items()) if o == Outcome.SUPPRESSED},
        "no_rule": sum(n for (o, _), n in by.items() if o == Outcome.NO_RULE),
        "invalid": sum(n for (o, _), n in by.items() if o == Outcome.INVALID),
    }


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def _chunks(values: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _alerts_by_fingerprint(session: Session, fps: Sequence[str]) -> dict[str, Alert]:
    out: dict[str, Alert] = {}
    for chunk in _chunks(sorted(set(fps))):
        for alert in session.scalars(select(Alert).where(Alert.fingerprint.in_(chunk))):
            out[alert.fingerprint] = alert
    return out


def _histories(session: Session, alerts: Iterable[Alert]) -> dict[str, AlertHistory]:
    by_id = {a.id: a for a in alerts}
    events: dict[str, list[tuple[str, datetime]]] = {i: [] for i in by_id}
    for chunk in _chunks(sorted(by_id)):
        rows = session.execute(
            select(AlertEvent.alert_id, AlertEvent.outcome, AlertEvent.at)
            .where(AlertEvent.alert_id.in_(chunk))
            .where(AlertEvent.outcome.in_(("raised", "suppressed", "cleared")))
            .order_by(AlertEvent.id)
        )
        for alert_id, outcome, at in rows:
            moment = _parse(at)
            if alert_id is not None and moment is not None:
                events[alert_id].append((outcome, moment))
    out: dict[str, AlertHistory] = {}
    for alert_id, alert in by_id.items():
        seen = events[alert_id]
        cleared = [at for outcome, at in seen if outcome == "cleared"]
        found = [at for outcome, at in seen if outcome != "cleared"]
        out[alert.fingerprint] = AlertHistory(
            alert.state,
            _parse(alert.last_raised_at),
            cleared[-1] if cleared else None,
            cycles_from(seen),
            found[-1] if found else None,
        )
    return out


class _Run:
    """One evaluation: the run's context and what it has written so far."""

    def __init__(self, session: Session, run_id: str, now: datetime) -> None:
        self.session = session
        self.run_id = run_id
        self.now = now
        self.at = iso_utc(now)
        self.params: PolicyParams = load_params(session)
        self.rules: list[RuleInfo] = list_rules(session, enabled_only=True)
        self.outcomes: list[FindingOutcome] = []
        self.found: dict[str, Alert] = {}

    def record(
        self,
        f: StoredFinding,
        fp: str | None,
        outcome: Outcome,
        reason: str,
        message: str,
        decided_by: str,
        alert: Alert | None,
    ) -> None:
        alert_id = None if alert is None else alert.id
        result = FindingOutcome(f.id, fp, outcome, reason, message, decided_by, alert_id)
        self.outcomes.append(result)
        self.session.add(
            AlertEvent(
                run_id=self.run_id,
                finding_id=f.id,
                alert_id=alert_id,
                at=self.at,
                outcome=outcome.value,
                reason=result.reason_text,
                decided_by=decided_by,
            )
        )
        log.info(
            "finding %s (%s %s %s %s): %s, %s",
            f.id,
            f.payer,
            f.cpt or "all codes",
            f.metric,
            f.direction,
            outcome.value,
            result.reason_text,
        )

    def apply(self, f: StoredFinding, fp: str, alert: Alert | None, d: Decision) -> Alert:
        if alert is None:
            alert = Alert(id=str(uuid.uuid4()), fingerprint=fp)
            self.session.add(alert)
        alert.severity, alert.payer, alert.cpt = f.severity, f.payer, f.cpt
        alert.metric, alert.direction, alert.effect = f.metric, f.direction, f.effect
        alert.last_seen_run_id, alert.last_finding_id = self.run_id, f.id
        alert.updated_at = self.at
        if d.outcome == "raised":
            alert.state, alert.suppressed_reason, alert.suppressed_by = "open", None, None
            alert.first_raised_at = alert.first_raised_at or self.at
            alert.last_raised_at = self.at
        elif d.keeps_open:
            alert.state, alert.suppressed_reason, alert.suppressed_by = "open", None, None
        else:
            alert.state, alert.suppressed_reason, alert.suppressed_by = (
                "suppressed",
                d.text,
                d.policy,
            )
        self.session.flush()
        return alert


def evaluate_run(
    session: Session, run_id: str, findings: Sequence[StoredFinding], *, now: datetime
) -> EvaluationResult:
    """Evaluate a run's findings in the caller's write transaction."""
    run = _Run(session, run_id, now)
    prints = {f.id: fingerprint(f.payer, f.cpt, f.metric, f.direction) for f in findings}
    alerts = _alerts_by_fingerprint(session, list(prints.values()))
    histories = _histories(session, alerts.values())
    verdicts = effective_feedback(session, prints.values())
    taken: dict[str, int] = {}
    for f in findings:
        check = check_finding(f)
        if not check.ok:
            run.record(f, None, Outcome.INVALID, check.reason, check.message,
                       f"check:{check.reason}", None)  # fmt: skip
            continue
        fp = prints[f.id]
        alert = alerts.get(fp)
        if fp in taken:
            message = f"the same alert as finding {taken[fp]} of this run"
            run.record(f, fp, Outcome.INVALID, "duplicate_in_run", message,
                       "check:duplicate_in_run", alert)  # fmt: skip
            continue
        taken[fp] = f.id
        match = match_rule(f, run.rules)
        if not match.matched or match.rule is None:
            run.record(f, fp, Outcome.NO_RULE, match.reason, match.message,
                       "rules", alert)  # fmt: skip
            continue
        view = _feedback_view(session, verdicts.get(fp), alert, f)
        decision = decide(histories.get(fp, AlertHistory.new()), view, f.effect, now, run.params)
        alert = run.apply(f, fp, alert, decision)
        run.found[fp] = alert
        outcome = Outcome.RAISED if decision.outcome == "raised" else Outcome.SUPPRESSED
        decided_by = f"{decision.policy}; rule:{match.rule.spec.name}"
        run.record(f, fp, outcome, decision.reason.value, decision.message, decided_by, alert)
    cleared = _clear_missing(run)
    summaries = tuple(
        AlertSummary(a.id, a.fingerprint, a.state, a.suppressed_reason) for a in run.found.values()
    )
    result = EvaluationResult(tuple(run.outcomes), cleared, summaries)
    log.info("run %s alert outcomes: %s; cleared %d", run_id, result.counts(), len(cleared))
    return result


def _feedback_view(
    session: Session, record: FeedbackRecord | None, alert: Alert | None, f: StoredFinding
) -> FeedbackView | None:
    if record is None:
        return None
    view = record.view()
    if view.effect is None and view.verdict == "noise":
        # A verdict pulled from another device: measure growth from the effect this
        # store showed when the verdict first applied here.
        reference = alert.effect if alert is not None and alert.effect is not None else f.effect
        fill_effect(session, record.id, reference)
        view = FeedbackView(view.verdict, view.at, reference)
    return view


def _clear_missing(run: _Run) -> tuple[str, ...]:
    """Alerts found before and not in this run are cleared.

    Open and held alerts become ``closed``. A resolved alert stays resolved, but its
    going away is recorded once, so that finding it again counts as coming back.
    """
    stmt = select(Alert).where(Alert.state.in_(("open", "suppressed", "resolved")))
    cleared: list[str] = []
    for alert in run.session.scalars(stmt):
        if alert.fingerprint in run.found:
            continue
        was = alert.state
        if was == "resolved":
            if _latest_outcome(run.session, alert.id) in (None, "cleared"):
                continue
        else:
            alert.state, alert.suppressed_reason, alert.suppressed_by = "closed", None, None
        alert.updated_at = run.at
        run.session.add(
            AlertEvent(
                run_id=run.run_id,
                finding_id=None,
                alert_id=alert.id,
                at=run.at,
                outcome="cleared",
                reason=f"not_found: no longer found by a rule (was {was})",
                decided_by="evaluation",
            )
        )
        log.info("alert %s (%s %s) cleared: was %s", alert.id, alert.payer, alert.metric, was)
        cleared.append(alert.id)
    run.session.flush()
    return tuple(cleared)


def _latest_outcome(session: Session, alert_id: str) -> str | None:
    return session.scalar(
        select(AlertEvent.outcome)
        .where(AlertEvent.alert_id == alert_id)
        .order_by(AlertEvent.id.desc())
        .limit(1)
    )


def run_time(session: Session, run_id: str) -> datetime:
    """When the run finished, by the clock ``run_analysis`` was given."""
    run = session.get(AnalysisRun, run_id)
    if run is None:
        raise LookupError(f"analysis run {run_id} is not in this store")
    moment = _parse(run.finished_at or run.started_at)
    if moment is None:
        raise LookupError(f"analysis run {run_id} has no time")
    return moment


class RunEvaluator:
    """The ``AlertEvaluator`` the product wires into ``run_analysis``.

    The time of the decisions is ``clock()`` when one is given, else the run's own
    finish time (which came from the clock ``run_analysis`` was given).
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock
        self.last: EvaluationResult | None = None

    def __call__(
        self, session: Session, run_id: str, findings: Sequence[StoredFinding]
    ) -> Sequence[AlertSummary]:
        now = self.clock() if self.clock is not None else run_time(session, run_id)
        self.last = evaluate_run(session, run_id, findings, now=now)
        return self.last.alerts


def run_outcome_counts(session: Session, run_id: str) -> dict[str, Any]:
    """The stored outcomes of a run's findings, counted by outcome and reason."""
    rows = session.execute(
        select(AlertEvent.outcome, AlertEvent.reason).where(AlertEvent.run_id == run_id)
    ).all()
    pairs = [(o, (r or "").split(":", 1)[0]) for o, r in rows if o != "cleared"]
    counts = outcome_counts_of(pairs)
    counts["cleared"] = sum(1 for o, _ in rows if o == "cleared")
    return counts


def run_outcome_reasons(session: Session, run_id: str) -> dict[str, dict[str, int]]:
    """Every outcome of a run by reason code (no_rule and invalid included)."""
    out: dict[str, dict[str, int]] = {}
    for outcome, reason in session.execute(
        select(AlertEvent.outcome, AlertEvent.reason).where(AlertEvent.run_id == run_id)
    ):
        code = (reason or "").split(":", 1)[0]
        bucket = out.setdefault(outcome, {})
        bucket[code] = bucket.get(code, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}
