"""Reports of the latest analysis as a file: ``write_report`` (see the package).

The file appears whole or not at all (``desktop.output``): it is written beside its final
name as a hidden partial file and renamed at the end; a failure or a cancel removes it.
The window reads the report's content on a worker thread (``read_report``) and draws
the PDF on the GUI thread (``write_pdf_report``): Qt does not promise thread-safe font
rendering on every platform.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desktop.clock import Clock, utc_now
from desktop.errors import UpstreamError, UsageError
from desktop.output import CannotWriteOutput, output_path
from desktop.reports.content import ReportContent, build_report
from desktop.reports.csv_export import write_csv
from desktop.store import Store

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]
FORMATS = (".pdf", ".csv")


class ReportCancelled(UpstreamError):
    """Writing the report was cancelled; no file was left behind."""


class ReportNotWritable(UsageError):
    """The report's folder cannot be written to."""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    format: str  # pdf | csv
    run_id: str
    as_of: str
    findings: int
    worklist_lines: int  # CSV only
    pages: int  # PDF only

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def report_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"a report is a .pdf or a .csv file, not {path.name!r}")
    return suffix[1:]


def check_destination(out_path: Path) -> str:
    """The report's format; raises when the suffix or the folder cannot be used."""
    kind = report_format(out_path)
    if not out_path.parent.is_dir():
        raise UsageError(f"the folder {out_path.parent} does not exist")
    return kind


def read_report(store: Store, *, clock: Clock = utc_now) -> ReportContent:
    """What the report says (the latest analysis run), read in one transaction."""
    with store.read() as session:
        return build_report(session, now=clock())


def write_report(
    store: Store,
    out_path: Path,
    progress: Progress | None = None,
    *,
    clock: Clock = utc_now,
    cancel: Cancel | None = None,
) -> ReportResult:
    kind = check_destination(out_path)
    if kind == "pdf":
        content = read_report(store, clock=clock)
        return write_pdf_report(content, out_path, progress, cancel=cancel)
    with store.read() as session, _part_file(out_path, cancel) as part:
        content = build_report(session, now=clock())
        _check(cancel)
        findings, lines = write_csv(session, content, part, progress)
    return ReportResult(out_path, "csv", content.run_id, content.as_of, findings, lines, 0)


def write_pdf_report(
    content: ReportContent,
    out_path: Path,
    progress: Progress | None = None,
    *,
    cancel: Cancel | None = None,
) -> ReportResult:
    """Draw ``content`` as a PDF (Qt; call it on the GUI thread in the window)."""
    check_destination(out_path)
    from desktop.reports.pdf import write_pdf  # Qt only when a PDF is asked for

    with _part_file(out_path, cancel) as part:
        _check(cancel)
        pages = write_pdf(content, part, progress)
    return ReportResult(
        out_path, "pdf", content.run_id, content.as_of, len(content.findings), 0, pages
    )


def _check(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ReportCancelled("the report was cancelled; no file was written")


@contextmanager
def _part_file(out_path: Path, cancel: Cancel | None) -> Iterator[Path]:
    """A temporary file to write, renamed to ``out_path`` only when whole and not cancelled."""
    try:
        with output_path(out_path, make_parents=False) as part:
            part.touch()  # an unwritable folder fails here, before any work
            yield part
            _check(cancel)  # a cancel that came while writing still leaves no file
            if part.stat().st_size == 0:
                raise ReportNotWritable(
                    f"nothing could be written to {out_path}; choose another file"
                )
    except CannotWriteOutput as error:
        raise ReportNotWritable(f"{error}; choose another folder or name") from None
