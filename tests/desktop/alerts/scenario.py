"""Driving alert evaluation on a real store with hand-made findings and a movable clock.

``Scenario.run(...)`` stores an analysis run and its findings (as ``save_run`` would)
and evaluates them exactly as ``run_analysis`` does, in one write transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from desktop.alerts.evaluate import EvaluationResult, evaluate_run
from desktop.alerts.feedback import FeedbackResult, record_feedback
from desktop.alerts.fingerprint import fingerprint
from desktop.alerts.suppression import PolicyParams, save_params
from desktop.analysis.records import StoredFinding
from desktop.clock import iso_utc
from desktop.store import Store
from desktop.store.models import Alert, AnalysisRun, Finding
from tests.helpers.stubs import MovableClock


@dataclass(frozen=True)
class Spec:
    """A finding to put in a run (defaults: a valid one the default rules take)."""

    payer: str = "Acme Health"
    cpt: str | None = "99213"
    metric: str = "denial_rate"
    direction: str = "up"
    severity: str = "medium"
    effect: float = 0.10
    impact: float = 2_000.0
    kind: str = "drift"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.payer, self.cpt, self.metric, self.direction)


class Scenario:
    def __init__(self, store: Store, clock: MovableClock) -> None:
        self.store = store
        self.clock = clock

    def params(self, **values: float) -> None:
        with self.store.write() as session:
            save_params(session, PolicyParams(**values), clock=self.clock)  # type: ignore[arg-type]

    def run(self, *specs: Spec) -> EvaluationResult:
        now: datetime = self.clock()
        with self.store.write() as session:
            run_id = str(uuid.uuid4())
            session.add(
                AnalysisRun(
                    id=run_id,
                    started_at=iso_utc(now),
                    finished_at=iso_utc(now),
                    as_of="2026-10-31",
                    params_json=json.dumps(
                        {
                            "current": {"start": "2026-10-02", "end": "2026-10-31"},
                            "baseline": {"start": "2026-06-04", "end": "2026-09-01"},
                        }
                    ),
                    summary_json="{}",
                )
            )
            rows = [
                Finding(
                    run_id=run_id,
                    kind=s.kind,
                    payer=s.payer,
                    cpt=s.cpt,
                    metric=s.metric,
                    direction=s.direction,
                    baseline=0.05,
                    current=0.05 + s.effect,
                    n_baseline=500,
                    n_current=200,
                    p_value=1e-6,
                    q_value=1e-5,
                    change_date="2026-09-16",
                    severity=s.severity if s.severity in ("low", "medium", "high") else "low",
                    impact=s.impact,
                    details_json="{}",
                )
                for s in specs
            ]
            session.add_all(rows)
            session.flush()
            stored = [
                StoredFinding(
                    id=row.id,
                    run_id=run_id,
                    kind=s.kind,
                    payer=s.payer,
                    cpt=s.cpt,
                    metric=s.metric,
                    direction=s.direction,
                    severity=s.severity,
                    baseline=row.baseline,
                    current=row.current,
                    effect=s.effect,
                    q_value=1e-5,
                    impact=s.impact,
                    change_date=row.change_date,
                )
                for row, s in zip(rows, specs, strict=True)
            ]
            return evaluate_run(session, run_id, stored, now=now)

    def alert(self, spec: Spec) -> Alert:
        with self.store.read() as session:
            alert = session.query(Alert).filter_by(fingerprint=spec.fingerprint).one()
            session.expunge(alert)
            return alert

    def feedback(self, spec: Spec, verdict: str, note: str | None = None) -> FeedbackResult:
        return record_feedback(
            self.store, self.alert(spec).id, verdict, note, actor="tester", clock=self.clock
        )
