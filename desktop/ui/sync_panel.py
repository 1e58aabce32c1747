"""Sync inside Settings: enrol, see the sync status, "Sync now", and sync in the background.

Enrolment and every sync run on the panel's own worker thread (network waits never
hold up the window's store work, and never the GUI thread); one at a time. While
enrolled, a single-shot timer armed from ``BackgroundSchedule`` starts the next sync:
the interval after a success, a growing jittered wait after a failure. A revoked
device or a protocol mismatch pauses it: only a person can fix those.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.sync import service
from desktop.sync.client import RetryPolicy
from desktop.sync.schedule import BackgroundSchedule
from desktop.sync.service import SyncReport, SyncStatus
from desktop.ui.context import AppContext
from desktop.ui.pages.settings import LOCKED_NOTE
from desktop.ui.sync_words import (
    PAUSED,
    device_words,
    last_sync_words,
    outbox_words,
    pauses_background,
    problem_words,
    stored_problem_words,
)
from desktop.ui.tasks import Task, TaskContext, TaskRunner

FIRST_SYNC_S = 10.0  # after the window opens or the device enrols
SHUTDOWN_WAIT_MS = 120_000  # a sync in its retries finishes them; it is never cut off


def report_words(report: SyncReport) -> str:
    pulled = report.pulled
    received = (
        pulled.feedback_added
        + pulled.rules_set
        + pulled.rules_removed
        + pulled.mappings_set
        + pulled.mappings_removed
    )
    text = f"Synced: {report.stored:,} change(s) sent, {received:,} received."
    if report.rejected:
        text += f" The server refused {len(report.rejected):,} item(s); they are kept, marked."
    return text


class SyncPanel(QWidget):
    synced = Signal(object)  # the SyncReport, or the error, after each sync
    status_shown = Signal(object)  # the SyncStatus just shown

    def __init__(
        self,
        ctx: AppContext,
        *,
        schedule: BackgroundSchedule | None = None,
        policy: RetryPolicy | None = None,
        first_sync_s: float = FIRST_SYNC_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.schedule = schedule or BackgroundSchedule()
        self.policy = policy or RetryPolicy()
        self.first_sync_s = first_sync_s
        self.runner = TaskRunner(self)  # its own thread: see the module's note
        self.status: SyncStatus | None = None
        self.runs = 0
        self._task: Task[Any] | None = None
        self._paused = False
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._background)
        # --- not enrolled: the enrolment form
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://sync.example.org")
        self.server_note = QLabel()
        self.code = QLineEdit()
        self.code.setPlaceholderText("the code your administrator gave you")
        self.device_name = QLineEdit(service.default_device_name())
        self.enrol_button = QPushButton("&Enrol")
        self.enrol_button.clicked.connect(self.enrol)
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self._back)
        server_row = QHBoxLayout()
        server_row.addWidget(self.server, 1)
        server_row.addWidget(self.server_note)
        enrol_row = QHBoxLayout()
        enrol_row.addWidget(self.enrol_button)
        enrol_row.addWidget(self.back_button)
        enrol_row.addStretch(1)
        self.enrol_page = QWidget()
        enrol_form = QFormLayout(self.enrol_page)
        enrol_form.setContentsMargins(0, 0, 0, 0)
        enrol_form.addRow(
            QLabel(
                "Enrol this computer with your office's sync server to share alert feedback, "
                "rules and payer names. Claim lines never leave this computer."
            )
        )
        enrol_form.addRow("Server address", server_row)
        enrol_form.addRow("Enrolment code", self.code)
        enrol_form.addRow("This computer's name", self.device_name)
        enrol_form.addRow("", enrol_row)
        # --- enrolled: the status and "sync now"
        self.server_value = QLabel()
        self.device_value = QLabel()
        self.last_sync_value = QLabel()
        self.outbox_value = QLabel()
        self.problem_value = QLabel()
        self.problem_value.setWordWrap(True)
        self.sync_button = QPushButton("&Sync now")
        self.sync_button.clicked.connect(self.sync_now)
        self.enrol_again_button = QPushButton("Enrol again…")
        self.enrol_again_button.clicked.connect(self.show_enrolment)
        status_row = QHBoxLayout()
        status_row.addWidget(self.sync_button)
        status_row.addWidget(self.enrol_again_button)
        status_row.addStretch(1)
        self.status_page = QWidget()
        status_form = QFormLayout(self.status_page)
        status_form.setContentsMargins(0, 0, 0, 0)
        status_form.addRow("Server", self.server_value)
        status_form.addRow("This computer", self.device_value)
        status_form.addRow("Last successful sync", self.last_sync_value)
        status_form.addRow("Outbox", self.outbox_value)
        status_form.addRow("Problem", self.problem_value)
        status_form.addRow("", status_row)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.enrol_page)
        self.pages.addWidget(self.status_page)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        self._show_policy()
        ctx.events.changed.connect(self._store_changed)
        self.refresh()
        self._arm(self.first_sync_s)

    # --- what is shown ------------------------------------------------------------------

    @property
    def syncing(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        """Read the status (a quick local read) and show it."""
        self.show_status(service.status(self.ctx.store))

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        if not status.enrolled:
            self.pages.setCurrentWidget(self.enrol_page)
            self.back_button.setVisible(False)
        elif self.pages.currentWidget() is self.enrol_page and not self.back_button.isVisible():
            self.pages.setCurrentWidget(self.status_page)
        self.server_value.setText(status.server or "")
        self.device_value.setText(device_words(status.device_name, status.device_id))
        self.last_sync_value.setText(last_sync_words(status.last_sync))
        self.outbox_value.setText(outbox_words(status.outbox, status.rejected))
        problem = "none" if status.last_error is None else stored_problem_words(status.last_error)
        self.problem_value.setText(problem + (PAUSED if self._paused else ""))
        self.status_shown.emit(status)

    def show_enrolment(self) -> None:
        self.back_button.setVisible(True)
        self.pages.setCurrentWidget(self.enrol_page)

    def _back(self) -> None:
        self.pages.setCurrentWidget(self.status_page)

    def _show_policy(self) -> None:
        server = self.ctx.options.preferences.load().get("sync.server_url")
        if server.value and not self.server.text():
            self.server.setText(str(server.value))
        self.server.setReadOnly(server.locked)
        self.server_note.setText(LOCKED_NOTE if server.locked else "")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._stopped:
            self.refresh()

    def _store_changed(self, what: str) -> None:
        if not self._stopped and what != "sync":  # "sync" is this panel's own news
            self.refresh()

    # --- enrolment ----------------------------------------------------------------------

    def enrol(self) -> None:
        server, code = self.server.text().strip(), self.code.text().strip()
        if not server or not code:
            self.message.setText("Type the server address and the enrolment code.")
            return
        if self.syncing:
            self.message.setText("A sync is running; enrol when it has finished.")
            return
        store, clock, policy = self.ctx.store, self.ctx.options.clock, self.policy
        name = self.device_name.text().strip() or None

        def work(_tc: TaskContext) -> SyncStatus:
            return service.enroll(store, server, code, device_name=name, clock=clock, policy=policy)

        self.message.setText(f"Enrolling with {server}…")
        self._start(Task("sync enrol", work), self._enrolled, self._enrol_failed)

    def _enrolled(self, status: SyncStatus) -> None:
        self._task = None
        self._paused = False
        self.code.clear()
        self.back_button.setVisible(False)
        self.pages.setCurrentWidget(self.status_page)
        self.show_status(status)
        self.message.setText(
            f"Enrolled with {status.server}. Upstream syncs in the background while it is open."
        )
        self._set_buttons()
        self.schedule.after_success()
        self._arm(self.first_sync_s)

    def _enrol_failed(self, error: BaseException) -> None:
        self._task = None
        self.message.setText(problem_words(error))
        self._set_buttons()

    # --- syncing ------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Push the outbox and pull what is new, on the panel's worker."""
        if self.syncing:
            self.message.setText("A sync is running already.")
            return
        if self._stopped:
            return
        self.timer.stop()  # re-armed when this sync ends
        store, clock, policy = self.ctx.store, self.ctx.options.clock, self.policy

        def work(tc: TaskContext) -> tuple[SyncReport, SyncStatus]:
            report = service.sync_once(
                store, cancel=lambda: tc.cancelled, clock=clock, policy=policy
            )
            return report, service.status(store)

        self.message.setText("Syncing…")
        self._start(Task("sync", work), self._synced, self._sync_failed)

    def _synced(self, result: tuple[SyncReport, SyncStatus]) -> None:
        report, status = result
        self._task = None
        self.runs += 1
        self._paused = False
        self.show_status(status)
        self.message.setText(report_words(report))
        self._set_buttons()
        self._arm(self.schedule.after_success())
        if report.pulled.anything:
            # Feedback from another device has acted on this device's alerts: pages reload.
            self.ctx.events.changed.emit("sync")
        self.synced.emit(report)

    def _sync_failed(self, error: BaseException) -> None:
        self._task = None
        self.runs += 1
        self._paused = pauses_background(error)
        self.refresh()
        self.message.setText(problem_words(error) + (PAUSED if self._paused else ""))
        self._set_buttons()
        if not self._paused:
            self._arm(self.schedule.after_failure())
        self.synced.emit(error)

    def _background(self) -> None:
        if not self.syncing:  # a running sync re-arms the timer when it ends
            self.sync_now()

    def _arm(self, delay_s: float) -> None:
        if self._stopped or self._paused or self.status is None or not self.status.enrolled:
            return
        self.timer.start(max(0, int(delay_s * 1000)))

    def _start(self, task: Task[Any], done: Any, failed: Any) -> None:
        self._task = task
        self._set_buttons()
        self.runner.submit(task, on_done=done, on_error=failed)

    def _set_buttons(self) -> None:
        idle = not self.syncing and not self._stopped
        for button in (self.sync_button, self.enrol_button, self.enrol_again_button):
            button.setEnabled(idle)

    def shutdown(self) -> None:
        """Stop the timer and wait for a running sync (the store is about to close)."""
        self._stopped = True
        self.timer.stop()
        self.runner.shutdown(SHUTDOWN_WAIT_MS)
        self._task = None
        self._set_buttons()
