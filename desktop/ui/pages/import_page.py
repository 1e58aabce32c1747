"""Import: drop or choose files, map unknown headers, watch progress, read the quality report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.engines.quality import Issue
from desktop.ingest.column_mappings import save_column_mapping
from desktop.ingest.errors import ImportCancelled
from desktop.ingest.header_check import HeaderCheck, check_header
from desktop.ingest.options import ImportOptions
from desktop.ingest.pipeline import import_file
from desktop.ingest.summary import ImportResult
from desktop.ui.context import AppContext
from desktop.ui.errors_view import show_error
from desktop.ui.mapping_dialog import MappingDialog
from desktop.ui.pages.base import Page, ProgressPanel, heading
from desktop.ui.tables import Column, DataTable, RecordModel, export_csv, number, sortable
from desktop.ui.tasks import Task, TaskContext

CANCELLED = "the import was cancelled; nothing of this file was stored"
if TYPE_CHECKING:  # the analysis (scipy) loads when first run, not when the window opens
    from desktop.analysis.service import AnalysisCancelled, AnalysisOutcome

FILE_FILTER = "Claims files (*.csv *.txt *.835 *.837 *.edi *.x12);;All files (*)"


@dataclass(frozen=True)
class IssueRow:
    file: str
    rule: str
    count: int
    example_row: int | None
    field: str | None
    example: str


RESULT_COLUMNS: list[Column[ImportResult]] = [
    Column("File", lambda r: Path(r.file).name),
    Column("Status", lambda r: r.status),
    Column("Rows read", lambda r: r.rows_read, number, True),
    Column("Stored", lambda r: r.rows_stored, number, True),
    Column("Rejected", lambda r: r.rows_rejected, number, True),
    Column("New lines", lambda r: r.lines_new, number, True),
    Column("Updated", lambda r: r.lines_updated, number, True),
    Column("Message", lambda r: r.error or ""),
]
ISSUE_COLUMNS: list[Column[IssueRow]] = [
    Column("File", lambda r: r.file),
    Column("Rule", lambda r: r.rule),
    Column("Rows", lambda r: r.count, number, True),
    Column("First row", lambda r: r.example_row, number, True),
    Column("Field", lambda r: r.field),
    Column("What is wrong", lambda r: r.example),
]


def import_cancelled() -> ImportCancelled:
    return ImportCancelled(CANCELLED)


def analysis_cancelled() -> AnalysisCancelled:
    from desktop.analysis.service import AnalysisCancelled

    return AnalysisCancelled("the analysis was cancelled; the last stored results are kept")


def issue_rows(result: ImportResult) -> list[IssueRow]:
    first: dict[str, Issue] = {}
    for issue in result.issues:
        first.setdefault(issue.rule, issue)
    rows = []
    for rule, count in sorted(result.issues_by_rule.items()):
        example = first.get(rule)
        rows.append(
            IssueRow(
                Path(result.file).name,
                rule,
                count,
                example.row if example else None,
                example.field if example else None,
                example.message if example else "",
            )
        )
    return rows


def phi_text(results: Sequence[ImportResult]) -> str:
    lines = []
    for result in results:
        name = Path(result.file).name
        for d in result.phi_detections:
            where = "column name" if d.found_in == "header" else f"{d.rows:,} values"
            lines.append(
                f"{name}: column “{d.column}” looks like a patient identifier ({d.kind}, "
                f"{where}); it was {d.action.replace('_', ' ')}."
            )
    if not lines:
        return ""
    return "Patient identifiers guard: " + " ".join(lines) + " Their values were not stored."


class ImportPage(Page):
    key = "import"
    title = "Import"
    imported = Signal(object)  # list[ImportResult]
    analysed = Signal(object)  # AnalysisOutcome

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setAcceptDrops(True)
        self.choose = QPushButton("&Choose files…")
        self.choose.clicked.connect(self.choose_files)
        self.analyse = QPushButton("Run the &analysis")
        self.analyse.clicked.connect(self.run_analysis)
        QShortcut(QKeySequence("F5"), self, self.run_analysis)
        drop = QLabel(
            "Drop claim exports (CSV) or remittances (835/837) here, or choose files. "
            "Each file is imported in one step: a file with a problem stores nothing."
        )
        drop.setWordWrap(True)
        drop.setObjectName("dropHint")
        self.progress = ProgressPanel()
        self.status = QLabel("Import your first file to see what your payers are doing.")
        self.status.setWordWrap(True)
        self.phi = QLabel()
        self.phi.setWordWrap(True)
        self.phi.setVisible(False)
        self.results = RecordModel(RESULT_COLUMNS, self)
        self.issues = RecordModel(ISSUE_COLUMNS, self)
        self.results_view = DataTable()
        self.results_view.setModel(sortable(self.results, self))
        self.issues_view = DataTable()
        self.issues_view.setModel(sortable(self.issues, self))
        self.export_issues = QPushButton("&Export quality report…")
        self.export_issues.clicked.connect(self._export_issues)
        self.export_issues.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.choose)
        buttons.addWidget(self.analyse)
        buttons.addStretch(1)
        buttons.addWidget(self.export_issues)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.results_view)
        split.addWidget(self.issues_view)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Import"))
        layout.addWidget(drop)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.phi)
        layout.addWidget(split, 1)
        self._queue: list[tuple[Path, str | None]] = []
        self._done: list[ImportResult] = []
        self.last_outcome: AnalysisOutcome | None = None
        self.auto_analyse = True
        self.mapping_dialog: MappingDialog | None = None

    # --- choosing files ---------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import claims files", "", FILE_FILTER)
        if paths:
            self.import_paths([Path(p) for p in paths])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.import_paths(paths)

    # --- the import -------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.progress.isVisible()

    def import_paths(self, paths: Sequence[Path]) -> None:
        if self.busy:
            self.status.setText("An import is running; wait for it or cancel it first.")
            return
        self._done = []
        self._set_busy(True)
        store = self.ctx.store

        def work(ctx: TaskContext) -> list[HeaderCheck | None]:
            with store.read() as session:
                return [check_header(session, p) for p in paths]

        task: Task[Any] = Task("check headers", work)
        self.progress.start(task, "Reading the headers…")
        self.ctx.runner.submit(
            task,
            on_done=lambda checks: self._checked(list(paths), checks),
            on_error=self._failed,
        )

    def _checked(self, paths: list[Path], checks: list[HeaderCheck | None]) -> None:
        self._queue = [
            (p, c.mapping_name if c else None) for p, c in zip(paths, checks, strict=True)
        ]
        unmapped = [c for c in checks if c is not None and c.needs_mapping]
        if unmapped:
            self._ask_mapping(unmapped)
        else:
            self._next()

    def _ask_mapping(self, pending: list[HeaderCheck]) -> None:
        check = pending[0]
        dialog = MappingDialog(check, self)
        self.mapping_dialog = dialog

        def finished(code: int) -> None:
            self.mapping_dialog = None
            if code != QDialog.DialogCode.Accepted.value:
                self._queue = [(p, m) for p, m in self._queue if p != check.path]
                self.status.setText(
                    f"{check.path.name} was not imported: its columns are not mapped."
                )
                self._continue_mapping(pending[1:])
                return
            self._save_mapping(check, dialog.name.text().strip(), dialog.mapping(), pending[1:])

        dialog.finished.connect(finished)
        dialog.open()

    def _continue_mapping(self, rest: list[HeaderCheck]) -> None:
        if rest:
            self._ask_mapping(rest)
        else:
            self._next()

    def _save_mapping(
        self, check: HeaderCheck, name: str, mapping: dict[str, str], rest: list[HeaderCheck]
    ) -> None:
        store, clock = self.ctx.store, self.ctx.options.clock

        def work(ctx: TaskContext) -> str:
            with store.write() as session:
                save_column_mapping(session, name, check.headers, mapping, clock=clock)
            return name

        def saved(saved_name: str) -> None:
            self._queue = [(p, saved_name if p == check.path else m) for p, m in self._queue]
            self._continue_mapping(rest)

        self.ctx.runner.submit(Task("save mapping", work), on_done=saved, on_error=self._failed)

    def _next(self) -> None:
        if not self._queue:
            self._all_imported()
            return
        path, mapping_name = self._queue.pop(0)
        store = self.ctx.store
        options = ImportOptions(mapping_name=mapping_name, clock=self.ctx.options.clock)

        def work(ctx: TaskContext) -> ImportResult:
            return import_file(store, path, replace(options, progress=ctx.progress))

        task: Task[Any] = Task(f"import {path.name}", work, cancel_error=import_cancelled)
        self.progress.start(task, f"Importing {path.name}… %p%")
        self.ctx.runner.submit(
            task,
            on_done=self._file_done,
            on_error=self._failed,
            on_progress=self.progress.update_progress,
        )

    def _file_done(self, result: ImportResult) -> None:
        self._done.append(result)
        self._next()

    def _all_imported(self) -> None:
        results = self._done
        self.progress.finish()
        self.results.set_rows(results)
        self.issues.set_rows([row for r in results for row in issue_rows(r)])
        self.export_issues.setEnabled(bool(self.issues.rows))
        text = phi_text(results)
        self.phi.setText(text)
        self.phi.setVisible(bool(text))
        stored = sum(r.rows_stored for r in results if r.status == "committed")
        cancelled = [r for r in results if r.error == CANCELLED]
        if cancelled:
            self.status.setText("Import cancelled: nothing of that file was stored.")
        elif stored:
            rate = self.progress.last_rows_per_s
            speed = f" at {rate:,.0f} lines/s" if rate else ""
            self.status.setText(f"Stored {stored:,} lines{speed}.")
        else:
            self.status.setText(
                "Nothing new was stored. The table says why for each file; fix the file "
                "and import it again."
            )
        self._set_busy(False)
        self.imported.emit(results)
        if stored:
            self.ctx.events.changed.emit("import")
            if self.auto_analyse:
                self.run_analysis()

    def _failed(self, error: BaseException) -> None:
        self.progress.finish()
        self._set_busy(False)
        self._queue = []
        self.status.setText(str(error))
        show_error(self, "Import", error)

    def _set_busy(self, busy: bool) -> None:
        self.choose.setEnabled(not busy)
        self.analyse.setEnabled(not busy)

    # --- the analysis after an import ----------------------------------------------------

    def run_analysis(self) -> None:
        if self.busy:
            return
        store, clock = self.ctx.store, self.ctx.options.clock

        def work(ctx: TaskContext) -> AnalysisOutcome:
            from desktop.analysis.wiring import run_standard_analysis

            return run_standard_analysis(store, progress=ctx.progress, clock=clock)

        task: Task[Any] = Task("analysis", work, cancel_error=analysis_cancelled)
        self._set_busy(True)
        self.progress.start(task, "Analysing… %p%")
        self.ctx.runner.submit(
            task,
            on_done=self._analysed,
            on_error=self._analysis_failed,
            on_progress=self.progress.update_progress,
        )

    def _analysed(self, outcome: AnalysisOutcome) -> None:
        self.progress.finish()
        self._set_busy(False)
        self.last_outcome = outcome
        self.status.setText(
            f"{self.status.text()} Analysis done: {len(outcome.findings)} findings, "
            f"{len(outcome.alerts)} alerts. See Findings."
        )
        self.analysed.emit(outcome)
        self.ctx.events.changed.emit("analysis")

    def _analysis_failed(self, error: BaseException) -> None:
        self.progress.finish()
        self._set_busy(False)
        from desktop.analysis.service import AnalysisCancelled

        if isinstance(error, AnalysisCancelled):
            self.status.setText("Analysis cancelled; the last stored results are kept.")
            return
        self.status.setText(str(error))
        show_error(self, "Analysis", error)

    def _export_issues(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export quality report", "quality.csv", "CSV (*.csv)"
        )
        if path:
            export_csv(self.issues_view.model(), Path(path))
