"""Reports: choose PDF or CSV and a file; the report is written off the GUI thread.

The store is read on the worker. A CSV is written there too; a PDF is drawn on the
GUI thread from the content the worker read, because Qt does not promise thread-safe
font rendering on every platform (drawing takes well under a second).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UpstreamError
from desktop.reports.content import NoAnalysisYet, ReportContent
from desktop.reports.service import (
    FORMATS,
    ReportCancelled,
    ReportResult,
    read_report,
    write_pdf_report,
    write_report,
)
from desktop.ui.context import AppContext
from desktop.ui.errors_view import advice_for, describe, show_error
from desktop.ui.pages.base import Page, ProgressPanel, heading
from desktop.ui.tasks import Task, TaskContext

# Asks where to save a report of a format ("pdf" or "csv"); None when the person cancels.
AskPath = Callable[[QWidget, str, Path], Path | None]
FILTERS = {"pdf": "PDF document (*.pdf)", "csv": "CSV table (*.csv)"}
NO_ANALYSIS = (
    "There is no analysis to report on yet. Import claims and run the analysis on the "
    "Import page first."
)


def ask_save_path(parent: QWidget, kind: str, suggested: Path) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Save the report", str(suggested), FILTERS[kind]
    )
    return Path(chosen) if chosen else None


def with_suffix(path: Path, kind: str) -> Path:
    """The chosen name, given the format's suffix when it has neither .pdf nor .csv."""
    return path if path.suffix.lower() in FORMATS else path.with_name(f"{path.name}.{kind}")


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def result_text(result: ReportResult) -> str:
    what = (
        f"{result.pages} page(s), {result.findings} finding(s)"
        if result.format == "pdf"
        else f"{result.findings} finding(s), {result.worklist_lines:,} worklist line(s)"
    )
    return (
        f"Wrote {result.path.name} ({what}; {size_text(result.size_bytes)}), "
        f"from the analysis as of {result.as_of}.\nIn the folder {result.path.parent}"
    )


def cancelled() -> ReportCancelled:
    return ReportCancelled("the report was cancelled; no file was written")


class ReportsPage(Page):
    key = "reports"
    title = "Reports"

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, ask_path: AskPath = ask_save_path
    ) -> None:
        super().__init__(ctx, parent)
        self.ask_path = ask_path  # tests answer the save dialog themselves
        self.last: ReportResult | None = None
        self._task: Task[Any] | None = None
        intro = QLabel(
            "A report of the latest analysis: the period compared, the headline figures and "
            "every change found, with its alert. Choose the kind of file, then where to save it."
        )
        intro.setWordWrap(True)
        self.pdf = QRadioButton("PDF for a manager: summary, every change, evidence charts")
        self.csv = QRadioButton(
            "CSV for a spreadsheet: the findings, then the worklist lines behind each alert"
        )
        self.pdf.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.pdf)
        kinds.addButton(self.csv)
        self.write_button = QPushButton("&Write report…")
        self.write_button.clicked.connect(self.choose_and_write)
        self.progress = ProgressPanel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.open_folder = QPushButton("Open the folder")
        self.open_folder.clicked.connect(self._open_folder)
        self.result_box = QGroupBox("Last report")
        result_layout = QVBoxLayout(self.result_box)
        result_layout.addWidget(self.result)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.open_folder)
        folder_row.addStretch(1)
        result_layout.addLayout(folder_row)
        self.result_box.setVisible(False)
        button_row = QHBoxLayout()
        button_row.addWidget(self.write_button)
        button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Reports"))
        layout.addWidget(intro)
        layout.addWidget(self.pdf)
        layout.addWidget(self.csv)
        layout.addLayout(button_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.result_box)
        layout.addStretch(1)

    @property
    def kind(self) -> str:
        return "csv" if self.csv.isChecked() else "pdf"

    @property
    def busy(self) -> bool:
        return self._task is not None

    def suggested_path(self) -> Path:
        folder = (
            self.last.path.parent
            if self.last is not None
            else Path(
                QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            )
        )
        return folder / f"upstream-report-{date.today().isoformat()}.{self.kind}"

    def choose_and_write(self) -> None:
        chosen = self.ask_path(self, self.kind, self.suggested_path())
        if chosen is not None:
            self.write_to(chosen)

    def write_to(self, path: Path) -> None:
        """Write the report to ``path`` (its suffix says PDF or CSV) on the worker."""
        if self.busy:
            self.status.setText("A report is being written; wait for it or cancel it first.")
            return
        out = with_suffix(path.expanduser(), self.kind)
        kind = out.suffix.lower()[1:]
        store, clock = self.ctx.store, self.ctx.options.clock

        def work(tc: TaskContext) -> ReportResult | ReportContent:
            if kind == "csv":
                return write_report(
                    store, out, tc.progress, clock=clock, cancel=lambda: tc.cancelled
                )
            content = read_report(store, clock=clock)
            tc.check()
            return content

        task: Task[Any] = Task(f"report {out.name}", work, cancel_error=cancelled)
        self._task = task
        self._set_busy(True)
        self.status.setText(f"Writing {out.name}…")
        self.progress.start(task, f"Writing the {kind.upper()} report… %p%")
        self.ctx.runner.submit(
            task,
            on_done=lambda value: self._written(task, out, value),
            on_error=self._failed,
            on_progress=self.progress.update_progress,
        )

    def _written(self, task: Task[Any], out: Path, value: ReportResult | ReportContent) -> None:
        if isinstance(value, ReportContent):
            try:  # the PDF is drawn here, on the GUI thread (see the module's note)
                value = write_pdf_report(value, out, cancel=lambda: task.context.cancelled)
            except UpstreamError as error:
                self._failed(error)
                return
        self._finish()
        self.last = value
        self.status.setText("The report is written.")
        self.result.setText(result_text(value))
        self.result_box.setVisible(True)

    def _failed(self, error: BaseException) -> None:
        self._finish()
        if isinstance(error, ReportCancelled):
            self.status.setText("Cancelled; no file was written.")
        elif isinstance(error, NoAnalysisYet):
            self.status.setText(NO_ANALYSIS)
        else:
            self.status.setText(
                f"The report was not written: {describe(error)}. {advice_for(error)}"
            )
            show_error(self, "Report", error)

    def _finish(self) -> None:
        self._task = None
        self.progress.finish()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.write_button, self.pdf, self.csv):
            widget.setEnabled(not busy)

    def _open_folder(self) -> None:
        if self.last is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last.path.parent)))

    def shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
