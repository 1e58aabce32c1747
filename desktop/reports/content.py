"""What a report says, read from the store: no Qt, no file format.

The latest analysis run: its period, headline figures, every finding with its
evidence (weekly series and change date, days-to-pay curves, top reasons), the alert
each finding became (state, suppression reason, feedback) and the outcome it got,
and the open A/R by age. The PDF and the CSV both render this.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.alerts.feedback import effective_feedback
from desktop.alerts.fingerprint import fingerprint
from desktop.errors import InvalidInput
from desktop.store.models import Alert, AlertEvent, AnalysisRun, Customer, Finding

METRIC_NAMES = {
    "denial_rate": "denial rate",
    "allowed_per_unit": "allowed per unit",
    "paid_to_allowed": "paid to allowed",
    "denial_reason_mix": "denial reasons",
    "days_to_pay_median": "median days to pay",
    "days_to_pay_p90": "90th percentile of days to pay",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


class NoAnalysisYet(InvalidInput):
    """A report needs an analysis run, and the store has none."""


@dataclass(frozen=True)
class WeeklyEvidence:
    week_start: tuple[str, ...]
    value: tuple[float | None, ...]  # None: a week with too few lines to measure
    n: tuple[int, ...]


@dataclass(frozen=True)
class Curve:
    days: tuple[float, ...]
    unpaid: tuple[float, ...]  # share still unpaid after each day (Kaplan-Meier)


@dataclass(frozen=True)
class ReportFinding:
    id: int
    kind: str
    payer: str
    cpt: str | None
    metric: str
    direction: str
    severity: str
    baseline: float | None
    current: float | None
    n_baseline: int
    n_current: int
    q_value: float | None
    change_date: str | None
    impact: float
    top_reasons: tuple[dict[str, Any], ...]
    weekly: WeeklyEvidence | None
    curves: tuple[Curve, Curve] | None  # baseline, current
    alert_id: str | None
    alert_state: str | None
    suppressed_reason: str | None
    feedback: str | None
    outcome: str | None
    outcome_reason: str | None

    @property
    def where(self) -> str:
        return self.payer if self.cpt is None else f"{self.payer} / {self.cpt}"

    @property
    def metric_name(self) -> str:
        return METRIC_NAMES.get(self.metric, self.metric)

    def value_text(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        if self.metric in ("denial_rate", "paid_to_allowed", "denial_reason_mix"):
            return f"{value:.1%}"
        if self.metric == "allowed_per_unit":
            return f"${value:,.2f}" if self.cpt is not None else f"{value:.3f}x"
        return f"{value:.0f} days"

    def headline(self) -> str:
        change = f"{self.value_text(self.baseline)} -> {self.value_text(self.current)}"
        if self.metric == "denial_reason_mix" and self.top_reasons:
            top = self.top_reasons[0]
            change = (
                f"{top['code']} {top['baseline_share']:.0%} -> {top['current_share']:.0%} "
                "of denials"
            )
        since = f", since about {self.change_date}" if self.change_date else ""
        return f"{self.where}: {self.metric_name} {change}{since}"

    def impact_text(self) -> str:
        if self.kind == "delay":
            return f"${abs(self.impact):,.0f} arriving later than usual"
        return f"about ${abs(self.impact):,.0f} a month" if self.impact else "no dollar estimate"


@dataclass(frozen=True)
class AgingRow:
    payer: str
    buckets: tuple[tuple[str, float], ...]  # (label, billed dollars)


@dataclass(frozen=True)
class ReportContent:
    customer: str
    generated_at: datetime
    run_id: str
    as_of: str
    baseline: dict[str, str]
    current: dict[str, str]
    lines: int
    tests_run: int
    findings: tuple[ReportFinding, ...]  # most severe, then largest impact, first
    aging: tuple[AgingRow, ...]
    alert_states: dict[str, int] = field(default_factory=dict)

    @property
    def revenue_at_risk(self) -> float:
        return sum(abs(f.impact) for f in self.findings if f.kind == "drift")

    @property
    def cash_delayed(self) -> float:
        return sum(abs(f.impact) for f in self.findings if f.kind == "delay")

    @property
    def open_ar(self) -> float:
        return sum(b for row in self.aging for _, b in row.buckets)


def latest_run(session: Session) -> AnalysisRun:
    run = session.scalars(
        select(AnalysisRun).order_by(AnalysisRun.started_at.desc(), AnalysisRun.id).limit(1)
    ).first()
    if run is None:
        raise NoAnalysisYet("the store has no analysis yet: run `upstream analyze` first")
    return run


def _weekly(details: dict[str, Any]) -> WeeklyEvidence | None:
    weekly = details.get("weekly")
    if not weekly:
        return None
    return WeeklyEvidence(
        tuple(str(d) for d in weekly["week_start"]),
        tuple(None if v is None else float(v) for v in weekly["value"]),
        tuple(int(n) for n in weekly["n"]),
    )


def _curves(details: dict[str, Any]) -> tuple[Curve, Curve] | None:
    base, cur = details.get("baseline_cohort"), details.get("current_cohort")
    if not base or not cur:
        return None
    return (
        Curve(tuple(base["km_days"]), tuple(base["km_unpaid"])),
        Curve(tuple(cur["km_days"]), tuple(cur["km_unpaid"])),
    )


def _finding(
    row: Finding,
    alert: Alert | None,
    event: AlertEvent | None,
    verdict: str | None,
) -> ReportFinding:
    details = json.loads(row.details_json)
    return ReportFinding(
        row.id,
        row.kind,
        row.payer,
        row.cpt,
        row.metric,
        row.direction,
        row.severity,
        row.baseline,
        row.current,
        row.n_baseline,
        row.n_current,
        row.q_value,
        row.change_date,
        float(row.impact or 0.0),
        tuple(details.get("top_reasons") or ()),
        _weekly(details),
        _curves(details),
        None if alert is None else alert.id,
        None if alert is None else alert.state,
        None if alert is None else alert.suppressed_reason,
        verdict,
        None if event is None else event.outcome,
        None if event is None else event.reason,
    )


def build_report(session: Session, *, now: datetime) -> ReportContent:
    run = latest_run(session)
    params = json.loads(run.params_json)
    summary = json.loads(run.summary_json)
    rows = list(session.scalars(select(Finding).where(Finding.run_id == run.id)))
    prints = {r.id: fingerprint(r.payer, r.cpt, r.metric, r.direction) for r in rows}
    alerts = {
        a.fingerprint: a
        for a in session.scalars(select(Alert).where(Alert.fingerprint.in_(set(prints.values()))))
    }
    events = {
        e.finding_id: e
        for e in session.scalars(select(AlertEvent).where(AlertEvent.run_id == run.id))
        if e.finding_id is not None
    }
    verdicts = effective_feedback(session, prints.values())
    findings = [
        _finding(
            r,
            alerts.get(prints[r.id]),
            events.get(r.id),
            verdicts[prints[r.id]].verdict if prints[r.id] in verdicts else None,
        )
        for r in rows
    ]
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), -abs(f.impact), f.id))
    customer = session.scalars(select(Customer).limit(1)).first()
    states = Counter(a.state for a in session.scalars(select(Alert)))
    return ReportContent(
        customer="" if customer is None else customer.name,
        generated_at=now,
        run_id=run.id,
        as_of=run.as_of,
        baseline=params["baseline"],
        current=params["current"],
        lines=int(summary.get("lines", 0)),
        tests_run=int(summary.get("tests_run", 0)),
        findings=tuple(findings),
        aging=tuple(
            AgingRow(
                str(row["payer"]),
                tuple((str(b["bucket"]), float(b["billed"])) for b in row["buckets"]),
            )
            for row in summary.get("ar_aging", [])
        ),
        alert_states=dict(sorted(states.items())),
    )
