"""The report as one CSV table: the findings, then the worklist lines behind each alert.

One header for both kinds of row; ``section`` says which (``finding`` or
``worklist``) and the other kind's columns stay empty. Every text cell goes
through ``csv_safe`` so a spreadsheet cannot execute it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.alerts.worklist import COLUMNS as LINE_COLUMNS
from desktop.alerts.worklist import iter_worklist, worklist_page
from desktop.reports.content import ReportContent, ReportFinding
from desktop.reports.csv_safe import SafeCsvWriter

Progress = Callable[[int, int, str], None]
FINDING_COLUMNS = (
    "alert_id", "alert_state", "suppressed_reason", "feedback", "outcome", "outcome_reason",
    "payer", "cpt", "metric", "direction", "severity", "baseline", "current", "change_date",
    "impact", "q_value", "n_baseline", "n_current",
)  # fmt: skip
LINE_ONLY = tuple(c for c in LINE_COLUMNS if c not in ("payer", "cpt"))
HEADER = ("section", *FINDING_COLUMNS, *LINE_ONLY)


def _finding_row(f: ReportFinding) -> list[Any]:
    values = {
        "alert_id": f.alert_id,
        "alert_state": f.alert_state,
        "suppressed_reason": f.suppressed_reason,
        "feedback": f.feedback,
        "outcome": f.outcome,
        "outcome_reason": f.outcome_reason,
        "payer": f.payer,
        "cpt": f.cpt,
        "metric": f.metric,
        "direction": f.direction,
        "severity": f.severity,
        "baseline": f.baseline,
        "current": f.current,
        "change_date": f.change_date,
        "impact": round(f.impact, 2),
        "q_value": f.q_value,
        "n_baseline": f.n_baseline,
        "n_current": f.n_current,
    }
    return ["finding", *(values[c] for c in FINDING_COLUMNS), *([None] * len(LINE_ONLY))]


def write_csv(
    session: Session, content: ReportContent, path: Path, progress: Progress | None = None
) -> tuple[int, int]:
    """Write ``path``; returns (findings, worklist lines) written."""
    with_alerts = [f for f in content.findings if f.alert_id is not None]
    lines = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = SafeCsvWriter(stream)
        writer.writerow(HEADER)
        for f in content.findings:
            writer.writerow(_finding_row(f))
        for done, f in enumerate(with_alerts):
            if progress is not None:
                progress(done, len(with_alerts), f"worklist of {f.where}")
            assert f.alert_id is not None
            if worklist_page(session, f.alert_id, limit=1).total == 0:
                continue
            base: dict[str, Any] = {c: None for c in FINDING_COLUMNS}
            base.update(alert_id=f.alert_id, metric=f.metric, direction=f.direction)
            for line in iter_worklist(session, f.alert_id):
                row = dict(base, payer=line.payer, cpt=line.cpt)
                writer.writerow(
                    [
                        "worklist",
                        *(row[c] for c in FINDING_COLUMNS),
                        *(getattr(line, c) for c in LINE_ONLY),
                    ]
                )
                lines += 1
    return len(content.findings), lines
