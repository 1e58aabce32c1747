"""What the dashboard shows: cheap figures from the last stored run, then trends.

``dashboard_summary`` reads only small tables (the last run's stored summary, alert
counts), so a window can show it right after unlocking without running an analysis.
``dashboard_trends`` loads the claim columns and computes the headline figures for
the current window against the baseline, weekly denial rates by payer and days-to-pay
curves; the window runs it on a worker and fills the charts in when it is done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop.engines.columns import MISSING, ClaimColumns
from desktop.engines.windows import AnalysisWindows, Outcomes, Window, from_day, to_day
from desktop.store.claim_columns import load_claim_columns
from desktop.store.models import Alert, AnalysisRun, Finding, ImportBatch

TREND_WEEKS = 26
TREND_PAYERS = 5
CURVE_DAYS = 120


@dataclass(frozen=True)
class AgingBar:
    bucket: str
    lines: int
    billed: float


@dataclass(frozen=True)
class LastRun:
    id: str
    as_of: str
    finished_at: str | None
    baseline: dict[str, str]
    current: dict[str, str]
    drift_findings: int
    delay_findings: int
    high_findings: int


@dataclass(frozen=True)
class DashboardSummary:
    lines: int  # highest line id: exact after imports, cheap on any size of store
    imports: int
    last_import_at: str | None
    open_alerts: int
    last_run: LastRun | None
    open_ar: float | None  # dollars, from the last run
    aging: tuple[AgingBar, ...]


@dataclass(frozen=True)
class Headline:
    name: str
    current: float | None
    baseline: float | None
    unit: str  # percent | days | dollars | count


@dataclass(frozen=True)
class PayerTrend:
    payer: str
    week_start: tuple[str, ...]
    denial_rate: tuple[float | None, ...]


@dataclass(frozen=True)
class PayCurve:
    label: str
    days: tuple[int, ...]
    share_paid: tuple[float, ...]


@dataclass(frozen=True)
class DashboardTrends:
    windows: AnalysisWindows
    headlines: tuple[Headline, ...]
    denial_trends: tuple[PayerTrend, ...]
    pay_curves: tuple[PayCurve, ...]


def dashboard_summary(session: Session) -> DashboardSummary:
    lines = session.execute(text("SELECT coalesce(max(id), 0) FROM claim_line")).scalar_one()
    imports, last_import = session.execute(
        select(func.count(), func.max(ImportBatch.finished_at)).where(
            ImportBatch.state == "committed"
        )
    ).one()
    open_alerts = session.scalar(select(func.count()).where(Alert.state == "open")) or 0
    run = session.scalar(
        select(AnalysisRun)
        .where(AnalysisRun.finished_at.is_not(None))
        .order_by(AnalysisRun.finished_at.desc())
        .limit(1)
    )
    if run is None:
        return DashboardSummary(
            int(lines), int(imports), last_import, int(open_alerts), None, None, ()
        )
    params: dict[str, Any] = json.loads(run.params_json)
    stored: dict[str, Any] = json.loads(run.summary_json)
    high = session.scalar(
        select(func.count()).where(Finding.run_id == run.id, Finding.severity == "high")
    )
    last = LastRun(
        id=run.id,
        as_of=run.as_of,
        finished_at=run.finished_at,
        baseline=params.get("baseline", {}),
        current=params.get("current", {}),
        drift_findings=int(stored.get("drift_findings", 0)),
        delay_findings=int(stored.get("delay_findings", 0)),
        high_findings=int(high or 0),
    )
    buckets: dict[str, list[float]] = {}
    for payer in stored.get("ar_aging", []):
        for bucket in payer.get("buckets", []):
            tally = buckets.setdefault(str(bucket["bucket"]), [0, 0.0])
            tally[0] += int(bucket["lines"])
            tally[1] += float(bucket["billed"])
    aging = tuple(AgingBar(name, int(v[0]), round(v[1], 2)) for name, v in buckets.items())
    open_ar = round(sum(bar.billed for bar in aging), 2) if aging else None
    return DashboardSummary(
        int(lines), int(imports), last_import, int(open_alerts), last, open_ar, aging
    )


def trend_windows(summary: DashboardSummary, cols: ClaimColumns) -> AnalysisWindows | None:
    """The last run's windows, or the standard ones ending at the latest decision date."""
    run = summary.last_run
    if run is not None and run.baseline and run.current:
        return AnalysisWindows(
            to_day(date.fromisoformat(run.as_of)),
            _window(run.baseline),
            _window(run.current),
        )
    decided = cols.decision_date[cols.decision_date != MISSING]
    if len(decided) == 0:
        return None
    return AnalysisWindows.standard(int(decided.max()))


def dashboard_trends(session: Session, summary: DashboardSummary) -> DashboardTrends | None:
    cols = load_claim_columns(
        session, ("payer", "submitted_date", "decision_date", "paid_date", "billed_cents", "status")
    )
    windows = trend_windows(summary, cols)
    if windows is None:
        return None
    outcomes = Outcomes.at(cols, windows.as_of)
    headlines = (
        Headline(
            "Denial rate",
            _denial_rate(cols, outcomes, windows.current),
            _denial_rate(cols, outcomes, windows.baseline),
            "percent",
        ),
        Headline(
            "Days to pay (median)",
            _median_days_to_pay(cols, outcomes, windows.current),
            _median_days_to_pay(cols, outcomes, windows.baseline),
            "days",
        ),
        Headline(
            "Open A/R",
            _open_ar(cols, windows.as_of),
            _open_ar(cols, windows.baseline.end),
            "dollars",
        ),
    )
    return DashboardTrends(
        windows,
        headlines,
        _denial_trends(cols, outcomes, windows.as_of),
        (
            _pay_curve(cols, outcomes, windows.baseline, "baseline", windows.as_of),
            _pay_curve(cols, outcomes, windows.current, "current", windows.as_of),
        ),
    )


def _window(d: dict[str, str]) -> Window:
    return Window(to_day(date.fromisoformat(d["start"])), to_day(date.fromisoformat(d["end"])))


def _denial_rate(cols: ClaimColumns, outcomes: Outcomes, window: Window) -> float | None:
    inside = outcomes.decided & window.contains(cols.decision_date)
    decided = int(inside.sum())
    return None if decided == 0 else float((outcomes.denied & inside).sum()) / decided


def _median_days_to_pay(cols: ClaimColumns, outcomes: Outcomes, window: Window) -> float | None:
    paid = outcomes.paid & window.contains(cols.paid_date)
    if not paid.any():
        return None
    days = cols.paid_date[paid].astype(np.int64) - cols.submitted_date[paid]
    return float(np.median(days))


def _open_ar(cols: ClaimColumns, as_of: int) -> float:
    outcomes = Outcomes.at(cols, as_of)
    still_open = (cols.submitted_date <= as_of) & ~outcomes.denied & ~outcomes.paid
    return round(float(cols.billed_cents[still_open].sum()) / 100.0, 2)


def _denial_trends(cols: ClaimColumns, outcomes: Outcomes, as_of: int) -> tuple[PayerTrend, ...]:
    first = as_of - TREND_WEEKS * 7 + 1
    inside = outcomes.decided & (cols.decision_date >= first) & (cols.decision_date <= as_of)
    if not inside.any():
        return ()
    payer = cols.payer[inside]
    week = (cols.decision_date[inside] - first) // 7
    denied = outcomes.denied[inside]
    volume = np.bincount(payer, minlength=len(cols.payer_names))
    top = [int(p) for p in np.argsort(-volume)[:TREND_PAYERS] if volume[p] > 0]
    starts = tuple(from_day(first + 7 * w).isoformat() for w in range(TREND_WEEKS))
    trends = []
    for p in top:
        mine = payer == p
        n = np.bincount(week[mine], minlength=TREND_WEEKS)
        d = np.bincount(week[mine], weights=denied[mine], minlength=TREND_WEEKS)
        rates = tuple(None if n[w] == 0 else float(d[w] / n[w]) for w in range(TREND_WEEKS))
        trends.append(PayerTrend(cols.payer_names[p], starts, rates))
    return tuple(trends)


def _pay_curve(
    cols: ClaimColumns, outcomes: Outcomes, window: Window, label: str, as_of: int
) -> PayCurve:
    """Share paid within d days of submission, among the window's lines old enough to tell.

    A line submitted fewer than d days before as-of could not have waited d days yet,
    so it counts only at the days it has lived through (recent windows are not
    mistaken for slow ones).
    """
    submitted = window.contains(cols.submitted_date) & ~outcomes.denied
    days = tuple(range(0, CURVE_DAYS + 1, 5))
    sent = cols.submitted_date[submitted].astype(np.int64)
    if len(sent) == 0:
        return PayCurve(label, days, tuple(0.0 for _ in days))
    paid = outcomes.paid[submitted]
    waited = np.where(
        paid, cols.paid_date[submitted].astype(np.int64) - sent, np.iinfo(np.int64).max
    )
    age = as_of - sent
    shares: list[float] = []
    kept: list[int] = []
    for d in days:
        old_enough = age >= d
        n = int(old_enough.sum())
        if n == 0:
            break
        shares.append(float((waited[old_enough] <= d).sum()) / n)
        kept.append(d)
    return PayCurve(label, tuple(kept), tuple(shares))
