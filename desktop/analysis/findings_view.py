"""Stored findings for reading: the last run's list, and one finding's evidence.

The evidence comes from ``details_json`` (written with the run, see ``persist``) and
the claim lines behind a finding from the store, so nothing is re-computed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desktop.engines.windows import to_day
from desktop.errors import UsageError
from desktop.store.line_pages import LINE_SELECT, LineRow, line_row
from desktop.store.models import AnalysisRun, Finding
from desktop.store.models.claims import ClaimStatus

LINES_BEHIND_LIMIT = 500


@dataclass(frozen=True)
class FindingRow:
    id: int
    kind: str
    payer: str
    cpt: str | None
    metric: str
    direction: str
    severity: str
    baseline: float | None
    current: float | None
    q_value: float | None
    impact: float | None
    change_date: str | None
    n_current: int


@dataclass(frozen=True)
class FindingDetail:
    row: FindingRow
    weekly_start: tuple[str, ...]
    weekly_value: tuple[float | None, ...]
    top_reasons: tuple[dict[str, Any], ...]
    details: dict[str, Any]
    current_window: dict[str, str]
    lines: tuple[LineRow, ...]


def last_run_id(session: Session) -> str | None:
    return session.scalar(
        select(AnalysisRun.id)
        .where(AnalysisRun.finished_at.is_not(None))
        .order_by(AnalysisRun.finished_at.desc())
        .limit(1)
    )


def list_findings(session: Session, run_id: str | None = None) -> list[FindingRow]:
    """The findings of one run (default: the last one), drift and delay."""
    wanted = run_id or last_run_id(session)
    if wanted is None:
        return []
    rows = session.scalars(
        select(Finding).where(Finding.run_id == wanted, Finding.kind != "quality")
    ).all()
    return [_row(f) for f in rows]


def finding_detail(session: Session, finding_id: int) -> FindingDetail:
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise UsageError(f"there is no finding {finding_id}; run the analysis again")
    run = session.get(AnalysisRun, finding.run_id)
    params: dict[str, Any] = json.loads(run.params_json) if run else {}
    details: dict[str, Any] = json.loads(finding.details_json or "{}")
    weekly = details.get("weekly") or {}
    current = params.get("current", {})
    return FindingDetail(
        row=_row(finding),
        weekly_start=tuple(weekly.get("week_start", ())),
        weekly_value=tuple(weekly.get("value", ())),
        top_reasons=tuple(details.get("top_reasons", ())),
        details=details,
        current_window=current,
        lines=tuple(_lines_behind(session, finding, current, details)),
    )


def _row(f: Finding) -> FindingRow:
    return FindingRow(
        id=f.id,
        kind=f.kind,
        payer=f.payer,
        cpt=f.cpt,
        metric=f.metric,
        direction=f.direction,
        severity=f.severity,
        baseline=f.baseline,
        current=f.current,
        q_value=f.q_value,
        impact=f.impact,
        change_date=f.change_date,
        n_current=f.n_current,
    )


def _lines_behind(
    session: Session, finding: Finding, current: dict[str, str], details: dict[str, Any]
) -> list[LineRow]:
    """The current window's lines of the finding's payer (and code), denied ones first."""
    if not current:
        return []
    by_decision = finding.kind == "drift" and details.get("windows_by") != "date_of_service"
    date_column = "decision_date" if by_decision else "submitted_date"
    if finding.kind == "drift" and details.get("windows_by") == "date_of_service":
        date_column = "date_of_service"
    codes = [finding.cpt] if finding.cpt else list(details.get("codes_in_payer_finding") or [])
    code_clause = ""
    bind: dict[str, Any] = {
        "payer": finding.payer,
        "start": to_day(date.fromisoformat(current["start"])),
        "end": to_day(date.fromisoformat(current["end"])),
        "denied": int(ClaimStatus.DENIED),
        "limit": LINES_BEHIND_LIMIT,
    }
    if codes:
        names = [f":c{i}" for i in range(len(codes))]
        code_clause = f"AND l.cpt IN ({', '.join(names)})"
        bind.update({f"c{i}": c for i, c in enumerate(codes)})
    sql = text(
        LINE_SELECT
        + f"""
        WHERE p.name = :payer AND l.{date_column} BETWEEN :start AND :end {code_clause}
        ORDER BY (l.status = :denied) DESC, l.id
        LIMIT :limit
        """  # noqa: S608 - only fixed column names and numbered binds are formatted in
    )
    return [line_row(r) for r in session.execute(sql, bind).all()]
