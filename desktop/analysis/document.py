"""A run as the contract's JSON document (``analyze --json``) and as text for people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.analysis.persist import iso_day
from desktop.analysis.service import AnalysisOutcome
from desktop.engines.delay import DelayFinding
from desktop.engines.drift import DriftFinding
from desktop.engines.drift_tests import (
    ALLOWED_PER_UNIT,
    DENIAL_RATE,
    DENIAL_REASON_MIX,
    PAID_TO_ALLOWED,
)

METRIC_NAMES = {
    DENIAL_RATE: "denial rate",
    ALLOWED_PER_UNIT: "allowed per unit",
    PAID_TO_ALLOWED: "paid to allowed",
    DENIAL_REASON_MIX: "denial reasons",
    "days_to_pay_median": "median days to pay",
    "days_to_pay_p90": "90th percentile of days to pay",
}


@dataclass(frozen=True)
class AlertOutcomes:
    """How a run's findings were treated: counts by outcome, and by outcome and reason."""

    counts: dict[str, Any]  # {"raised": n, "suppressed": {reason: n}, "no_rule": n, …}
    by_reason: dict[str, dict[str, int]]

    def as_dict(self) -> dict[str, Any]:
        return {"alert_outcomes": self.counts, "alert_outcome_reasons": self.by_reason}


def _p(value: float) -> float:
    """p- and q-values with three significant digits (underflow stays 0.0)."""
    return float(f"{value:.3g}")


def drift_event(finding: DriftFinding, finding_id: int | None) -> dict[str, Any]:
    digits = 2 if finding.metric == ALLOWED_PER_UNIT and finding.cpt is not None else 4
    return {
        "payer": finding.payer,
        "cpt": finding.cpt,
        "metric": finding.metric,
        "baseline": round(finding.baseline, digits),
        "current": round(finding.current, digits),
        "n_baseline": finding.n_baseline,
        "n_current": finding.n_current,
        "p_value": _p(finding.p_value),
        "q_value": _p(finding.q_value),
        "change_date": iso_day(finding.change_date),
        "severity": finding.severity,
        "revenue_impact": round(finding.revenue_impact, 2),
        "top_reasons": [r.as_dict() for r in finding.top_reasons],
        "direction": finding.direction,
        "finding_id": finding_id,
    }


def delay_event(finding: DelayFinding, finding_id: int | None) -> dict[str, Any]:
    return {
        "payer": finding.payer,
        "metric": finding.metric,
        "baseline": finding.baseline,
        "current": finding.current,
        "n_baseline": finding.n_baseline,
        "n_current": finding.n_current,
        "censored_current": finding.censored_current,
        "p_value": _p(finding.p_value),
        "q_value": _p(finding.q_value),
        "cash_delayed": round(finding.cash_delayed, 2),
        "severity": finding.severity,
        "current_reached": finding.current_reached,
        "finding_id": finding_id,
    }


def analysis_document(
    outcome: AnalysisOutcome, alert_outcomes: AlertOutcomes | None = None
) -> dict[str, Any]:
    """The contract's ``analyze --json`` document (its fields first, then additions).

    ``alert_outcomes`` are the run's stored outcome counts (by outcome, and by reason
    for each outcome); without them the document has no ``alert_outcomes`` fields.
    """
    result = outcome.result
    windows = result.windows
    drift_ids = [f.id for f in outcome.findings if f.kind == "drift"]
    delay_ids = [f.id for f in outcome.findings if f.kind == "delay"]
    return {
        "as_of": iso_day(windows.as_of),
        "baseline": windows.baseline.as_dict(),
        "current": windows.current.as_dict(),
        "drift_events": [drift_event(f, i) for f, i in zip(result.drift, drift_ids, strict=True)],
        "delay_events": [delay_event(f, i) for f, i in zip(result.delay, delay_ids, strict=True)],
        "alerts": [a.as_dict() for a in outcome.alerts],
        **({} if alert_outcomes is None else alert_outcomes.as_dict()),
        "as_of_source": outcome.as_of_source,
        "run_id": outcome.run_id,
        "lines": result.lines,
        "tests_run": result.tests_run,
        "ar_aging": [
            {"payer": row.payer, "buckets": [b.as_dict() for b in row.buckets]}
            for row in result.aging
        ],
        "timely_filing": [risk.as_dict() for risk in result.filing],
    }


def _value(metric: str, cpt: str | None, value: float) -> str:
    if metric == DENIAL_RATE:
        return f"{value:.1%}"
    if metric == ALLOWED_PER_UNIT:
        return f"${value:,.2f}" if cpt is not None else f"{value:.3f} of the codes' baseline"
    if metric == PAID_TO_ALLOWED:
        return f"{value:.1%}"
    return f"{value:.0%}"


def _drift_line(f: DriftFinding) -> str:
    where = f.payer if f.cpt is None else f"{f.payer} / {f.cpt}"
    name = METRIC_NAMES[f.metric]
    if f.metric == DENIAL_REASON_MIX and f.top_reasons:
        top = f.top_reasons[0]
        change = f"{top.code} {top.baseline_share:.0%} -> {top.current_share:.0%} of denials"
    else:
        before, after = _value(f.metric, f.cpt, f.baseline), _value(f.metric, f.cpt, f.current)
        change = f"{before} -> {after}"
    parts = [f"{f.severity.upper():6} {where}: {name} {change}"]
    if f.change_date is not None:
        parts.append(f"since about {iso_day(f.change_date)}")
    if f.revenue_impact:
        parts.append(f"about ${abs(f.revenue_impact):,.0f} a month")
    if f.top_reasons and f.metric == DENIAL_RATE:
        reasons = ", ".join(
            f"{r.code} {r.baseline_share:.0%}->{r.current_share:.0%}" for r in f.top_reasons[:2]
        )
        parts.append(f"reasons {reasons}")
    return "  " + "; ".join(parts)


def _delay_line(f: DelayFinding) -> str:
    after = f"{f.current:.0f}" if f.current_reached else f"more than {f.current:.0f}"
    estimate = ""
    if f.shift_at_share != 0.5 and f.metric == "days_to_pay_median":
        estimate = f" (about {f.shift_days:+.0f} days by the time {f.shift_at_share:.0%} is paid)"
    return (
        f"  {f.severity.upper():6} {f.payer}: {METRIC_NAMES[f.metric]} {f.baseline:.0f} -> "
        f"{after} days{estimate}; ${f.cash_delayed:,.0f} arriving later than usual "
        f"({f.censored_current:,} of {f.n_current:,} recent claims not paid yet)"
    )


def alert_outcomes_line(outcomes: AlertOutcomes) -> str:
    c = outcomes.counts
    held = ", ".join(f"{reason} {n}" for reason, n in c["suppressed"].items())
    total_held = sum(c["suppressed"].values())
    return (
        f"Alerts: {c['raised']} raised, {total_held} held back"
        + (f" ({held})" if held else "")
        + f", {c['no_rule']} taken by no rule, {c['invalid']} invalid"
        + (f"; {c['cleared']} cleared" if c.get("cleared") else "")
        + " (upstream alerts lists them)."
    )


def analysis_text(outcome: AnalysisOutcome, alert_outcomes: AlertOutcomes | None = None) -> str:
    result = outcome.result
    w = result.windows
    source = " (the latest date in the data)" if outcome.as_of_source != "given" else ""
    lines = [
        f"Analysed {result.lines:,} claim lines as of {iso_day(w.as_of)}{source}.",
        f"Baseline {w.baseline.as_dict()['start']} to {w.baseline.as_dict()['end']}, "
        f"current {w.current.as_dict()['start']} to {w.current.as_dict()['end']} "
        "(denials and amounts by decision date, days to pay by submission date).",
        "",
    ]
    if result.drift:
        lines.append(f"Denying more or paying less ({len(result.drift)}):")
        lines += [_drift_line(f) for f in result.drift]
    else:
        lines.append("No payer is denying more or paying less than in the baseline.")
    lines.append("")
    if result.delay:
        lines.append(f"Paying later ({len(result.delay)}):")
        lines += [_delay_line(f) for f in result.delay]
    else:
        lines.append("No payer is paying later than in the baseline.")
    if result.aging:
        total = sum(row.billed for row in result.aging)
        lines += ["", f"Open A/R: ${total:,.0f} billed, waiting on payers. Largest:"]
        for row in result.aging[:5]:
            buckets = ", ".join(f"{b.label}: ${b.billed:,.0f}" for b in row.buckets if b.lines)
            lines.append(f"  {row.payer}: {buckets}")
    due = [r for r in result.filing if r.due_soon_lines]
    if due:
        lines += ["", "Timely filing closes within the warning days for:"]
        lines += [
            f"  {r.payer}: {r.due_soon_lines:,} lines, ${r.due_soon_billed:,.0f} "
            f"(limit {r.limit_days} days from service)"
            for r in due[:10]
        ]
    if alert_outcomes is not None:
        lines += ["", alert_outcomes_line(alert_outcomes)]
    lines += ["", f"{result.tests_run:,} tests run; run {outcome.run_id} saved."]
    return "\n".join(lines)
