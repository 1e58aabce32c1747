"""Worklists: the claim lines behind an alert, for a biller to act on.

The lines are those of the alert's payer (and code; for a payer-wide finding the
codes the finding folded in) in the current window of the run that last found it,
dated the way the engine windowed them (drift: decision date; delay: submission
date). For denial metrics they are the denied lines; for amount metrics the paid
lines with an allowed amount; for days to pay every line submitted in the window,
unpaid ones first. Paged for the window (``limit``/``offset``); exported whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from desktop.alerts.errors import AlertNotFound
from desktop.alerts.metrics import DELAY_METRICS, DENIAL_METRICS
from desktop.engines.windows import from_day, to_day
from desktop.errors import InvalidInput
from desktop.output import output_file
from desktop.reports.csv_safe import SafeCsvWriter
from desktop.store import Store
from desktop.store.models import Alert, AnalysisRun, ClaimLine, ClaimStatus, Finding, Payer

Progress = Callable[[int, int], None]
MAX_PAGE = 1000
STATUS_NAMES = {s.value: s.name.lower() for s in ClaimStatus}
COLUMNS = (
    "claim_id", "line_number", "payer", "cpt", "date_of_service", "submitted_date",
    "decision_date", "paid_date", "billed", "allowed", "paid", "status", "carc_codes",
)  # fmt: skip


@dataclass(frozen=True)
class WorklistLine:
    claim_id: str
    line_number: int
    payer: str
    cpt: str
    date_of_service: str
    submitted_date: str
    decision_date: str | None
    paid_date: str | None
    billed: float
    allowed: float | None
    paid: float | None
    status: str
    carc_codes: str | None

    def row(self) -> list[Any]:
        return [getattr(self, name) for name in COLUMNS]


@dataclass(frozen=True)
class WorklistCriteria:
    alert_id: str
    payer: str
    codes: tuple[str, ...]  # empty: every code of the payer
    dated_by: str  # decision_date | submitted_date
    start: str
    end: str
    lines: str  # which lines: denied | paid | all

    def describe(self) -> str:
        codes = ", ".join(self.codes) if self.codes else "all codes"
        return (
            f"{self.lines} lines of {self.payer} ({codes}) by {self.dated_by.replace('_', ' ')} "
            f"from {self.start} to {self.end}"
        )


@dataclass(frozen=True)
class WorklistPage:
    criteria: WorklistCriteria
    lines: tuple[WorklistLine, ...]
    total: int
    offset: int


def criteria_for(session: Session, alert_id: str) -> WorklistCriteria:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise AlertNotFound(alert_id)
    run = (
        None if alert.last_seen_run_id is None else session.get(AnalysisRun, alert.last_seen_run_id)
    )
    if run is None:
        raise InvalidInput(f"alert {alert_id} has no analysis run to take its window from")
    params = json.loads(run.params_json)
    current = params["current"]
    delay = alert.metric in DELAY_METRICS
    codes: tuple[str, ...] = () if alert.cpt is None else (alert.cpt,)
    finding = None if alert.last_finding_id is None else session.get(Finding, alert.last_finding_id)
    if alert.cpt is None and finding is not None:
        folded = json.loads(finding.details_json).get("codes_in_payer_finding") or []
        codes = tuple(str(c) for c in folded)
    lines = "all" if delay else ("denied" if alert.metric in DENIAL_METRICS else "paid")
    return WorklistCriteria(
        alert_id,
        alert.payer,
        codes,
        "submitted_date" if delay else "decision_date",
        current["start"],
        current["end"],
        lines,
    )


def _statement(session: Session, c: WorklistCriteria) -> Select[Any]:
    payer_id = session.scalar(select(Payer.id).where(Payer.name == c.payer))
    dated = ClaimLine.submitted_date if c.dated_by == "submitted_date" else ClaimLine.decision_date
    start, end = to_day(date.fromisoformat(c.start)), to_day(date.fromisoformat(c.end))
    stmt = select(ClaimLine).where(ClaimLine.payer_id == (payer_id if payer_id is not None else -1))
    stmt = stmt.where(dated >= start, dated <= end)
    if c.codes:
        stmt = stmt.where(ClaimLine.cpt.in_(c.codes))
    if c.lines == "denied":
        stmt = stmt.where(ClaimLine.status == int(ClaimStatus.DENIED))
    elif c.lines == "paid":
        stmt = stmt.where(
            ClaimLine.status.in_((int(ClaimStatus.PAID), int(ClaimStatus.PARTIAL))),
            ClaimLine.allowed_cents.is_not(None),
        )
    return stmt


def _day(value: int | None) -> str | None:
    return None if value is None else from_day(value).isoformat()


def _dollars(cents: int | None) -> float | None:
    return None if cents is None else cents / 100.0


def _line(row: ClaimLine, payer: str) -> WorklistLine:
    return WorklistLine(
        row.claim_id,
        row.line_number,
        payer,
        row.cpt,
        from_day(row.date_of_service).isoformat(),
        from_day(row.submitted_date).isoformat(),
        _day(row.decision_date),
        _day(row.paid_date),
        row.billed_cents / 100.0,
        _dollars(row.allowed_cents),
        _dollars(row.paid_cents),
        STATUS_NAMES.get(row.status, str(row.status)),
        row.carc_codes,
    )


def _ordered(stmt: Select[Any], c: WorklistCriteria) -> Select[Any]:
    if c.lines == "all":  # unpaid first: those are the ones to chase
        return stmt.order_by(
            ClaimLine.paid_date.is_not(None), ClaimLine.billed_cents.desc(), ClaimLine.id
        )
    return stmt.order_by(ClaimLine.billed_cents.desc(), ClaimLine.id)


def worklist_page(
    session: Session, alert_id: str, *, limit: int = 100, offset: int = 0
) -> WorklistPage:
    c = criteria_for(session, alert_id)
    stmt = _statement(session, c)
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    limit = max(1, min(limit, MAX_PAGE))
    rows = session.scalars(_ordered(stmt, c).limit(limit).offset(max(0, offset)))
    return WorklistPage(c, tuple(_line(r, c.payer) for r in rows), total, offset)


def iter_worklist(session: Session, alert_id: str) -> Iterator[WorklistLine]:
    """Every line of an alert's worklist, page by page."""
    offset = 0
    while True:
        page = worklist_page(session, alert_id, limit=MAX_PAGE, offset=offset)
        yield from page.lines
        offset += len(page.lines)
        if not page.lines or offset >= page.total:
            return


def export_worklist(
    store: Store, alert_id: str, out_path: Path, *, progress: Progress | None = None
) -> int:
    """Write an alert's worklist as CSV (formula-like cells neutralised); lines written.

    ``progress`` may raise to stop the export; then no file (whole or partial) is left.
    A file that cannot be written raises ``UsageError`` naming it.
    """
    written = 0
    with (
        store.read() as session,
        output_file(out_path, make_parents=False, what="the worklist") as stream,
    ):
        total = worklist_page(session, alert_id, limit=1).total
        writer = SafeCsvWriter(stream)
        writer.writerow(COLUMNS)
        for line in iter_worklist(session, alert_id):
            writer.writerow(line.row())
            written += 1
            if progress is not None and written % 1000 == 0:
                progress(written, total)
    if progress is not None:
        progress(written, total)
    return written
