"""The application: unlock (or create) a store, then the main window; lock returns here.

``run(store_path)`` is what ``upstream`` with no command calls. ``run(path,
passphrase=...)`` starts unlocked (``make run`` on the demo store).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop.store import Store
from desktop.ui.context import AppContext, AppOptions, StoreEvents
from desktop.ui.create_store import CreateStoreDialog
from desktop.ui.early_unlock import EarlyUnlock, take_early_unlock
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import Task, TaskContext, TaskRunner
from desktop.ui.theme import follow_system_scheme
from desktop.ui.unlock import UnlockDialog

READY_ENV = "UPSTREAM_UI_EXIT_WHEN_READY"  # benchmarks: quit once the dashboard shows
DEFAULT_STORE_NAME = "office.upstream"


class AppController(QObject):
    """Moves between the unlock dialog and the main window; owns nothing global."""

    def __init__(self, options: AppOptions | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options or AppOptions()
        self.unlock_runner = TaskRunner(self)
        self.unlock_dialog: UnlockDialog | None = None
        self.create_dialog: CreateStoreDialog | None = None
        self.window: MainWindow | None = None
        self.on_ready: list[object] = []

    def _settings(self) -> QSettings:
        return self.options.qsettings()

    def last_store(self) -> Path | None:
        value = self._settings().value("store/last_path")
        return Path(str(value)) if value else None

    def start(self, path: Path | None = None, passphrase: str | None = None) -> None:
        path = path or self.last_store()
        if path is None:
            self.show_create(None)  # first run: nothing to unlock yet
        else:
            self.show_unlock(path, passphrase)

    def show_unlock(self, path: Path | None, passphrase: str | None = None) -> None:
        dialog = UnlockDialog(self.unlock_runner, path)
        dialog.unlocked.connect(self.open_window)
        dialog.create_requested.connect(lambda: self.show_create(dialog))
        self.unlock_dialog = dialog
        dialog.show()
        if passphrase is not None and path is not None:
            dialog.passphrase.setText(passphrase)
            dialog.unlock_button.click()

    def start_unlocking(self, early: EarlyUnlock) -> None:
        """A store already being unlocked (passphrase given): the window when it is open."""

        def work(_ctx: TaskContext) -> Store:
            return early.result()

        def failed(error: BaseException) -> None:
            self.show_unlock(early.path)
            if self.unlock_dialog is not None:
                self.unlock_dialog._failed(error)

        self.unlock_runner.submit(
            Task("unlock", work),
            on_done=lambda store: self.open_window(store, early.path),
            on_error=failed,
        )

    def show_create(self, over: UnlockDialog | None) -> None:
        base = Path.home() / "Documents" if (Path.home() / "Documents").is_dir() else Path.home()
        dialog = CreateStoreDialog(
            self.unlock_runner, base / DEFAULT_STORE_NAME, kdf=self.options.kdf
        )
        dialog.created.connect(self.open_window)
        if over is not None:
            dialog.created.connect(lambda *_: over.close())
        self.create_dialog = dialog
        dialog.show()

    def open_window(self, store: Store, path: Path) -> None:
        self._settings().setValue("store/last_path", str(path))
        ctx = AppContext(store, TaskRunner(), StoreEvents(), self.options)
        window = MainWindow(ctx)
        window.locked.connect(self.locked)
        self.window = window
        window.show()

    def locked(self, path: Path) -> None:
        self.window = None
        self.show_unlock(path)


def configure_qt() -> None:
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    configure_qt()
    app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("Upstream")
    app.setOrganizationName("Upstream")
    app.setApplicationDisplayName("Upstream")
    follow_system_scheme(app)
    return app


def run(
    store_path: Path | None, *, passphrase: str | None = None, options: AppOptions | None = None
) -> int:
    started = time.perf_counter()
    app = make_application()
    controller = AppController(options)
    if os.environ.get(READY_ENV):
        _exit_when_dashboard_shows(app, controller, started)
    early = take_early_unlock()
    if early is not None and early.path == store_path:
        controller.start_unlocking(early)
    elif store_path is not None and passphrase is not None:
        controller.start_unlocking(EarlyUnlock.begin(store_path, passphrase))
    else:
        controller.start(store_path, passphrase)
    return int(app.exec())


def _exit_when_dashboard_shows(
    app: QApplication, controller: AppController, started: float
) -> None:
    """For the cold-start benchmark: print the seconds to a painted dashboard, then quit."""

    def poll() -> None:
        window = controller.window
        if window is not None:
            page = window.page("dashboard")
            summary = getattr(page, "summary", None)
            if summary is not None:
                QApplication.processEvents()
                print(f"dashboard ready {time.perf_counter() - started:.3f}", flush=True)
                timer.stop()
                window.close()
                app.quit()

    timer = QTimer(app)
    timer.setInterval(5)
    timer.timeout.connect(poll)
    timer.start()
