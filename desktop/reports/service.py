"""Reports of the latest analysis as a file: ``write_report`` (see the package)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.clock import Clock, utc_now
from desktop.errors import UsageError
from desktop.reports.content import build_report
from desktop.reports.csv_export import write_csv
from desktop.store import Store

Progress = Callable[[int, int, str], None]
FORMATS = (".pdf", ".csv")


@dataclass(frozen=True)
class ReportResult:
    path: Path
    format: str  # pdf | csv
    run_id: str
    as_of: str
    findings: int
    worklist_lines: int  # CSV only
    pages: int  # PDF only


def report_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"a report is a .pdf or a .csv file, not {path.name!r}")
    return suffix[1:]


def write_report(
    store: Store,
    out_path: Path,
    progress: Progress | None = None,
    *,
    clock: Clock = utc_now,
) -> ReportResult:
    kind = report_format(out_path)
    if not out_path.parent.is_dir():
        raise UsageError(f"the folder {out_path.parent} does not exist")
    part = out_path.with_name(f".{out_path.name}.part")
    pages = lines = 0
    try:
        with store.read() as session:
            content = build_report(session, now=clock())
            if kind == "csv":
                findings, lines = write_csv(session, content, part, progress)
        if kind == "pdf":
            from desktop.reports.pdf import write_pdf  # Qt only when a PDF is asked for

            pages = write_pdf(content, part, progress)
        part.replace(out_path)
    finally:
        part.unlink(missing_ok=True)
    return ReportResult(
        out_path, kind, content.run_id, content.as_of, len(content.findings), lines, pages
    )
