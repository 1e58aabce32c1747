"""A run and its findings into the store (``analysis_run``, ``finding``), with evidence.

Each finding's ``details_json`` keeps what a person needs to judge it without
re-running anything: the effect and the test behind the p-value, the weekly series
the change date was read from, the top reasons, the codes folded into a payer-wide
finding, and for delays both Kaplan-Meier curves.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop.analysis.records import StoredFinding
from desktop.clock import iso_utc
from desktop.engines.analysis import AnalysisResult, AnalysisSettings
from desktop.engines.changepoint import WeeklySeries
from desktop.engines.delay import Cohort, DelayFinding
from desktop.engines.drift import DriftFinding
from desktop.engines.windows import from_day
from desktop.store.models import AnalysisRun, Finding


def iso_day(day: int | None) -> str | None:
    return None if day is None else from_day(day).isoformat()


def weekly_json(series: WeeklySeries | None) -> dict[str, Any] | None:
    if series is None:
        return None
    return {
        "week_start": [iso_day(d) for d in series.week_start],
        "n": list(series.n),
        "value": list(series.value),
    }


def cohort_json(cohort: Cohort) -> dict[str, Any]:
    return {
        "lines": cohort.lines,
        "paid": cohort.paid,
        "censored": cohort.censored,
        "median": None if cohort.median is None else cohort.median.as_dict(),
        "p90": None if cohort.p90 is None else cohort.p90.as_dict(),
        "naive_median_paid_only": cohort.naive_median,
        "km_days": list(cohort.curve_days),
        "km_unpaid": list(cohort.curve_unpaid),
    }


def drift_details(finding: DriftFinding, cpt_codes: tuple[str, ...]) -> dict[str, Any]:
    evidence = finding.evidence
    return {
        "effect": finding.effect,
        "method": evidence.method,
        "windows_by": evidence.view,
        "change_basis": evidence.change_basis,
        "change_p_value": evidence.change_p_value,
        "weekly": weekly_json(evidence.weekly),
        "top_reasons": [r.as_dict() for r in finding.top_reasons],
        "codes_in_payer_finding": [cpt_codes[c] for c in evidence.cells],
        "also_moved": [
            {
                "metric": c.metric,
                "baseline": c.baseline,
                "current": c.current,
                "p_value": c.outcome.p_value,
            }
            for c in evidence.companions
        ],
        "revenue_impact_per_month": finding.revenue_impact,
    }


def delay_details(finding: DelayFinding) -> dict[str, Any]:
    return {
        "effect_days": finding.shift_days,
        "effect_measured_at_share_paid": finding.shift_at_share,
        "method": "logrank",
        "current_reached": finding.current_reached,
        "cash_delayed": finding.cash_delayed,
        "baseline_cohort": cohort_json(finding.baseline_cohort),
        "current_cohort": cohort_json(finding.current_cohort),
    }


def save_run(
    session: Session,
    result: AnalysisResult,
    settings: AnalysisSettings,
    *,
    as_of_source: str,
    cpt_codes: tuple[str, ...],
    started: datetime,
    finished: datetime,
) -> tuple[str, list[StoredFinding]]:
    """Write the run and its findings in the caller's transaction; returns the stored rows."""
    run_id = str(uuid.uuid4())
    windows = result.windows
    session.add(
        AnalysisRun(
            id=run_id,
            started_at=iso_utc(started),
            finished_at=iso_utc(finished),
            as_of=from_day(windows.as_of).isoformat(),
            params_json=json.dumps(
                {
                    "as_of_source": as_of_source,
                    "baseline": windows.baseline.as_dict(),
                    "current": windows.current.as_dict(),
                    "windows_by": {"drift": "decision_date", "delay": "submitted_date"},
                    "settings": settings.as_dict(),
                },
                sort_keys=True,
            ),
            summary_json=json.dumps(summary(result), sort_keys=True),
        )
    )
    rows: list[tuple[Finding, float]] = []
    for drift in result.drift:
        row = Finding(
            run_id=run_id,
            kind="drift",
            payer=drift.payer,
            cpt=drift.cpt,
            metric=drift.metric,
            direction=drift.direction,
            baseline=drift.baseline,
            current=drift.current,
            n_baseline=drift.n_baseline,
            n_current=drift.n_current,
            p_value=drift.p_value,
            q_value=drift.q_value,
            change_date=iso_day(drift.change_date),
            severity=drift.severity,
            impact=drift.revenue_impact,
            details_json=json.dumps(drift_details(drift, cpt_codes), sort_keys=True),
        )
        rows.append((row, drift.effect))
    for delay in result.delay:
        row = Finding(
            run_id=run_id,
            kind="delay",
            payer=delay.payer,
            cpt=None,
            metric=delay.metric,
            direction="up" if delay.current >= delay.baseline else "down",
            baseline=delay.baseline,
            current=delay.current,
            n_baseline=delay.n_baseline,
            n_current=delay.n_current,
            p_value=delay.p_value,
            q_value=delay.q_value,
            change_date=None,
            severity=delay.severity,
            impact=delay.cash_delayed,
            details_json=json.dumps(delay_details(delay), sort_keys=True),
        )
        rows.append((row, delay.shift_days))
    session.add_all([row for row, _ in rows])
    session.flush()
    return run_id, [_stored(row, effect) for row, effect in rows]


def _stored(row: Finding, effect: float) -> StoredFinding:
    return StoredFinding(
        id=row.id,
        run_id=row.run_id,
        kind=row.kind,
        payer=row.payer,
        cpt=row.cpt,
        metric=row.metric,
        direction=row.direction,
        severity=row.severity,
        baseline=row.baseline,
        current=row.current,
        effect=effect,
        q_value=float(row.q_value or 0.0),
        impact=float(row.impact or 0.0),
        change_date=row.change_date,
    )


def summary(result: AnalysisResult) -> dict[str, Any]:
    return {
        "lines": result.lines,
        "tests_run": result.tests_run,
        "drift_findings": len(result.drift),
        "delay_findings": len(result.delay),
        "ar_aging": [
            {"payer": row.payer, "buckets": [b.as_dict() for b in row.buckets]}
            for row in result.aging
        ],
        "timely_filing": [risk.as_dict() for risk in result.filing],
    }
