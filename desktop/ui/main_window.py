"""The main window: a page list on the left, the page on the right, a status bar.

Keyboard: Ctrl+1…Ctrl+9 switch pages, Ctrl+O imports files, F5 runs the analysis,
Ctrl+L locks the store, Ctrl+Q quits. Geometry and splitter layout are remembered
(QSettings). Locking or idling closes the store and hands back to the unlock dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from desktop.config import Preferences
from desktop.ui.context import AppContext
from desktop.ui.idle import IdleWatcher
from desktop.ui.pages.alerts import AlertsPage
from desktop.ui.pages.audit import AuditPage
from desktop.ui.pages.base import Page
from desktop.ui.pages.dashboard import DashboardPage
from desktop.ui.pages.findings import FindingsPage
from desktop.ui.pages.import_page import ImportPage
from desktop.ui.pages.lines import LinesPage
from desktop.ui.pages.payers import PayersPage
from desktop.ui.pages.quality_rules import QualityRulesPage
from desktop.ui.pages.reports import ReportsPage
from desktop.ui.pages.rules import RulesPage
from desktop.ui.pages.settings import SettingsPage
from desktop.ui.sync_panel import SyncPanel

log = logging.getLogger(__name__)

PageFactory = Callable[[AppContext], Page]


def standard_pages(ctx: AppContext) -> list[Page]:
    """Every page in menu order."""
    return [
        DashboardPage(ctx),
        ImportPage(ctx),
        FindingsPage(ctx),
        AlertsPage(ctx),
        RulesPage(ctx),
        ReportsPage(ctx),
        LinesPage(ctx),
        PayersPage(ctx),
        QualityRulesPage(ctx),
        SettingsPage(ctx, SyncPanel(ctx)),
        AuditPage(ctx),
    ]


class MainWindow(QMainWindow):
    locked = Signal(object)  # the store's path, after the store was closed

    def __init__(self, ctx: AppContext, *, idle_now: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Upstream — {ctx.store.customer.name}")
        self.pages = standard_pages(ctx)
        self.nav = QListWidget()
        self.nav.setAccessibleName("pages")
        self.stack = QStackedWidget()
        for number, page in enumerate(self.pages, start=1):
            item = QListWidgetItem(page.title)
            if number <= 9:
                item.setToolTip(f"Ctrl+{number}")
            self.nav.addItem(item)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.show_page_at)
        self.nav.setMaximumWidth(240)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self.busy_label = QLabel()
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().showMessage(f"{ctx.store.customer.name} · {ctx.store.path.name}")
        ctx.runner.busy_changed.connect(
            lambda busy: self.busy_label.setText("Working…" if busy else "")
        )
        ctx.events.navigate.connect(self.navigate)
        self._actions()
        prefs = ctx.options.preferences.load()
        minutes = int(prefs.value("ui.auto_lock_minutes"))
        self.idle = (
            IdleWatcher(minutes, parent=self)
            if idle_now is None
            else IdleWatcher(minutes, now=idle_now, parent=self)
        )
        self.idle.idle.connect(self._idle)
        self.settings_page.preferences_changed.connect(self._preferences_changed)
        self._closing = False
        self.restore_layout()
        self.nav.setCurrentRow(0)

    # --- pages --------------------------------------------------------------------------

    def page(self, key: str) -> Page:
        for page in self.pages:
            if page.key == key:
                return page
        raise KeyError(key)

    @property
    def settings_page(self) -> SettingsPage:
        page = self.page("settings")
        assert isinstance(page, SettingsPage)
        return page

    @property
    def import_page(self) -> ImportPage:
        page = self.page("import")
        assert isinstance(page, ImportPage)
        return page

    def show_page_at(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            if self.nav.currentRow() != row:
                self.nav.setCurrentRow(row)
            self.pages[row].refresh()

    def show_page(self, key: str) -> Page:
        page = self.page(key)
        self.show_page_at(self.pages.index(page))
        return page

    def navigate(self, target: str) -> None:
        key, _, action = target.partition(":")
        self.show_page(key)
        if key == "import" and action == "analyse":
            self.import_page.run_analysis()

    def _actions(self) -> None:
        for number in range(1, min(len(self.pages), 9) + 1):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _c=False, row=number - 1: self.show_page_at(row))
            self.addAction(action)
        for keys, handler in (
            ("Ctrl+O", self._import_files),
            ("Ctrl+L", self.lock),
            ("Ctrl+Q", self.close),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(handler)
            self.addAction(action)

    def _import_files(self) -> None:
        self.show_page("import")
        self.import_page.choose_files()

    # --- layout memory --------------------------------------------------------------------

    def _qsettings(self) -> QSettings:
        return self.ctx.options.qsettings()

    def restore_layout(self) -> None:
        settings = self._qsettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        splitter = settings.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([170, max(self.width() - 170, 600)])

    def save_layout(self) -> None:
        settings = self._qsettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.splitter.saveState())

    # --- locking --------------------------------------------------------------------------

    def _preferences_changed(self, prefs: Preferences) -> None:
        self.idle.set_minutes(int(prefs.value("ui.auto_lock_minutes")))

    def _idle(self) -> None:
        if self.ctx.runner.busy:
            # Never lock under a running import or analysis: check again later.
            self.idle.last_activity = self.idle._now()
            self.idle.timer.start()
            return
        self.statusBar().showMessage("Locked after being idle.")
        self.lock()

    def lock(self) -> None:
        """Close the store (waiting for running work) and hand back to the unlock dialog."""
        if self._closing:
            return
        self._closing = True
        self._shutdown()
        path = self.ctx.store.path
        self.save_layout()
        self.ctx.store.close()
        self.hide()
        self.locked.emit(path)
        self.deleteLater()

    def _shutdown(self) -> None:
        for page in self.pages:
            page.shutdown()
        self.ctx.runner.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self._closing:
            self._closing = True
            self._shutdown()
            self.save_layout()
            self.ctx.store.close()
        event.accept()


def page_widgets(window: MainWindow) -> list[QWidget]:
    return list(window.pages)
