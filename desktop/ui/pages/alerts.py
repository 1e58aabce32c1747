"""Alerts: the inbox of alerts with their state, a verdict on each and worklist export.

Everything the page changes goes through the alert services on the task runner's
worker (``record_feedback`` as ``upstream feedback`` does, ``export_worklist`` with
progress); the page shows their results and their errors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.alerts.feedback import FeedbackResult, record_feedback
from desktop.alerts.metrics import SEVERITIES, severity_rank
from desktop.alerts.queries import MAX_PAGE, STATE_ORDER, AlertView, list_alerts
from desktop.alerts.worklist import export_worklist
from desktop.ui.context import AppContext
from desktop.ui.errors_view import in_form
from desktop.ui.pages.alert_detail import AlertDetailPane, LoadedAlert, load_alert, when, where
from desktop.ui.pages.base import EmptyState, Page, ProgressPanel, heading
from desktop.ui.tables import Column, DataTable, RecordModel, sortable
from desktop.ui.tasks import Task, TaskCancelled, TaskContext

ALL_STATES = "all"
# Shares move in percentage points; allowed per unit is a relative change.
POINT_METRICS = ("denial_rate", "paid_to_allowed", "denial_reason_mix")

AskPath = Callable[[str], Path | None]


def effect_text(metric: str, effect: float | None) -> str:
    if effect is None:
        return ""
    if "days" in metric:
        return f"{effect:+.1f} d"
    if metric in POINT_METRICS:
        return f"{effect * 100:+.1f} pts"
    return f"{effect * 100:+.1f}%"


ALERT_COLUMNS: list[Column[AlertView]] = [
    # State and severity sort by rank (open first, high first), and show their names.
    Column("State", lambda a: STATE_ORDER.index(a.state), lambda i: STATE_ORDER[i]),
    Column("Severity", lambda a: severity_rank(a.severity), lambda i: SEVERITIES[i]),
    Column("Payer", lambda a: a.payer),
    Column("Code", lambda a: a.cpt or "all codes"),
    Column("Metric", lambda a: a.metric),
    Column("Direction", lambda a: a.direction),
    Column("Effect", lambda a: a.effect, align_right=True),
    Column("Held because", lambda a: a.suppressed_reason),
    Column("Verdict", lambda a: None if a.feedback is None else a.feedback.verdict),
    Column("First raised (UTC)", lambda a: a.first_raised_at, when),
    Column("Last seen (UTC)", lambda a: a.last_seen_at, when),
]
EFFECT_COLUMN = 6


class AlertsModel(RecordModel[AlertView]):
    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        shown = role == Qt.ItemDataRole.DisplayRole
        if index.isValid() and shown and index.column() == EFFECT_COLUMN:
            row = self.rows[index.row()]
            return effect_text(row.metric, row.effect)
        return super().data(index, role)


def every_alert(ctx: AppContext, states: list[str] | None) -> list[AlertView]:
    """All alerts in the given states, read page by page (runs on the worker)."""
    views: list[AlertView] = []
    with ctx.store.read() as session:
        while True:
            page = list_alerts(session, states=states, limit=MAX_PAGE, offset=len(views))
            views += page.items
            if not page.items or len(views) >= page.total:
                return views


def choose_csv_path(parent: QWidget, suggested: str) -> Path | None:
    """The save dialog; None when the person cancels it."""
    chosen, _ = QFileDialog.getSaveFileName(parent, "Export worklist", suggested, "CSV (*.csv)")
    return Path(chosen) if chosen else None


class AlertsPage(Page):
    key = "alerts"
    title = "Alerts"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        # Tests (and a future "export all") replace this to pick the file without a dialog.
        self.ask_save_path: AskPath = lambda suggested: choose_csv_path(self, suggested)
        self.model = AlertsModel(ALERT_COLUMNS, self)
        self.proxy = sortable(self.model, self)
        self.table = DataTable()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("alerts")
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._open)  # Enter (or double-click) on a row

        self.state_filter = QComboBox()
        self.state_filter.addItems([ALL_STATES, *STATE_ORDER])
        self.state_filter.setAccessibleName("filter by state")
        self.state_filter.currentTextChanged.connect(lambda _t: self.refresh())
        state_label = QLabel("S&tate:")
        state_label.setBuddy(self.state_filter)
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(state_label)
        bar.addWidget(self.state_filter)
        bar.addStretch(1)
        bar.addWidget(self.count)

        self.detail = AlertDetailPane()
        self.detail.verdict_chosen.connect(self.give_feedback)
        self.detail.export_requested.connect(self.export_worklist)
        self.progress = ProgressPanel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("alerts message")

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(heading("Alerts"))
        layout.addLayout(bar)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.empty = EmptyState(
            "No alerts yet: import a file and run an analysis; "
            "the alert rules turn its findings into alerts.",
            "Go to Import",
            lambda: ctx.events.navigate.emit("import"),
        )
        self.stack = self.stack_views(self.empty, content)
        self.content = content
        QWidget.setTabOrder(self.state_filter, self.table)
        QWidget.setTabOrder(self.table, self.detail.note)

        self._keep: str | None = None  # the alert to select again after a reload
        self._focus_detail = False
        self.loaded_count = 0  # reloads delivered (tests wait on it)
        ctx.events.changed.connect(self._store_changed)

    # --- the list ---------------------------------------------------------------------

    def _store_changed(self, what: str) -> None:
        if what in ("analysis", "sync"):
            self.refresh()

    def states(self) -> list[str] | None:
        chosen = self.state_filter.currentText()
        return None if chosen == ALL_STATES else [chosen]

    def refresh(self) -> None:
        ctx, states = self.ctx, self.states()
        if self.detail.loaded is not None:
            self._keep = self.detail.loaded.detail.alert.id

        def work(_ctx: TaskContext) -> tuple[list[str] | None, list[AlertView]]:
            return states, every_alert(ctx, states)

        self.ctx.runner.submit(
            Task("alerts", work), on_done=lambda r: self.show_alerts(*r), on_error=self._failed
        )

    def show_alerts(self, states: list[str] | None, rows: list[AlertView]) -> None:
        self.model.set_rows(rows)
        self.loaded_count += 1
        # Only an unfiltered empty list means there are no alerts at all.
        self.stack.setCurrentWidget(self.content if rows or states else self.empty)
        which = "" if states is None else f" {states[0]}"
        self.count.setText(f"{len(rows)}{which} alert{'s' if len(rows) != 1 else ''}")
        if not rows:
            self.detail.clear()
            return
        wanted = self._keep
        self._keep = None
        row = next((i for i, r in enumerate(rows) if r.id == wanted), 0)
        self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
        self.table.selectRow(self.table.currentIndex().row())

    def alert_at(self, index: QModelIndex | QPersistentModelIndex) -> AlertView:
        return self.model.rows[self.proxy.mapToSource(index).row()]

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.load_detail(self.alert_at(current).id)

    def _open(self, index: QModelIndex) -> None:
        """Enter on a row: show that alert and put the keyboard in its verdict row."""
        alert = self.alert_at(index)
        loaded = self.detail.loaded
        if loaded is not None and loaded.detail.alert.id == alert.id:
            self.detail.note.setFocus()
        else:
            self._focus_detail = True
            self.load_detail(alert.id)

    # --- one alert --------------------------------------------------------------------

    def load_detail(self, alert_id: str) -> None:
        store = self.ctx.store

        def work(_ctx: TaskContext) -> LoadedAlert:
            with store.read() as session:
                return load_alert(session, alert_id)

        self.ctx.runner.submit(
            Task("alert detail", work), on_done=self.show_detail, on_error=self._failed
        )

    def show_detail(self, loaded: LoadedAlert) -> None:
        current = self.table.currentIndex()
        if current.isValid() and self.alert_at(current).id != loaded.detail.alert.id:
            return  # the person moved on while it loaded; that row's detail follows
        self.detail.show_alert(loaded)
        if self._focus_detail:
            self._focus_detail = False
            self.detail.note.setFocus()

    def give_feedback(self, verdict: str, note: str) -> None:
        loaded = self.detail.loaded
        if loaded is None:
            self.message.setText("Choose an alert first.")
            return
        alert = loaded.detail.alert
        store, clock = self.ctx.store, self.ctx.options.clock

        def work(_ctx: TaskContext) -> FeedbackResult:
            return record_feedback(store, alert.id, verdict, note or None, clock=clock)

        self.detail.set_actions_enabled(False)
        self.ctx.runner.submit(
            Task("feedback", work),
            on_done=lambda result: self._feedback_recorded(alert, result),
            on_error=self._failed,
        )

    def _feedback_recorded(self, alert: AlertView, result: FeedbackResult) -> None:
        held = f" ({result.suppressed_reason})" if result.suppressed_reason else ""
        self.message.setText(
            f"Recorded “{result.feedback.verdict}” on {where(alert)}: {alert.metric}; "
            f"state {result.state_before} → {result.state_after}{held}."
        )
        self.detail.note.clear()
        self._keep = result.alert_id
        self.refresh()
        self.ctx.events.changed.emit("feedback")

    # --- the worklist -----------------------------------------------------------------

    def export_worklist(self) -> None:
        loaded = self.detail.loaded
        if loaded is None:
            self.message.setText("Choose an alert first.")
            return
        alert = loaded.detail.alert
        suggested = f"worklist-{alert.payer}-{alert.cpt or 'all'}-{alert.metric}.csv"
        path = self.ask_save_path(suggested.replace(" ", "_"))
        if path is None:
            return
        store = self.ctx.store

        def work(task: TaskContext) -> int:
            def progress(done: int, total: int) -> None:
                task.progress(done, total, f"{done:,} rows")

            return export_worklist(store, alert.id, path, progress=progress)

        task: Task[Any] = Task("export worklist", work)
        self.detail.export.setEnabled(False)
        self.progress.start(task, "Writing the worklist…")
        self.ctx.runner.submit(
            task,
            on_done=lambda written: self._exported(path, written),
            on_error=self._export_failed,
            on_progress=self.progress.update_progress,
        )

    def _exported(self, path: Path, written: int) -> None:
        self.progress.finish()
        self.detail.set_actions_enabled(True)
        self.message.setText(f"Wrote {written:,} claim lines to {path}.")

    def _export_failed(self, error: BaseException) -> None:
        self.progress.finish()
        self.detail.set_actions_enabled(self.detail.loaded is not None)
        if isinstance(error, TaskCancelled):
            self.message.setText("Worklist export cancelled; no file was written.")
            return
        self.message.setText(f"The worklist was not written. {in_form(error)}")

    def _failed(self, error: BaseException) -> None:
        self.detail.set_actions_enabled(self.detail.loaded is not None)
        self.message.setText(in_form(error))
