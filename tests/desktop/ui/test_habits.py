"""Habits: tables sort and copy, keyboard shortcuts switch pages, PHI findings are plain."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.demo import write_demo_csv
from desktop.ui.pages.findings import FindingsPage
from desktop.ui.pages.lines import LinesPage
from tests.desktop.ui.conftest import wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def imported_window(qtbot: QtBot, open_window, store_path: Path, demo_csv: Path):  # type: ignore[no-untyped-def]
    window = open_window(store_path)
    page = window.import_page
    with qtbot.waitSignal(page.analysed, timeout=120_000):
        page.import_paths([demo_csv])
    wait_idle(qtbot, window)
    return window


def test_findings_sort_and_copy(qtbot: QtBot, imported_window) -> None:  # type: ignore[no-untyped-def]
    window = imported_window
    page = window.show_page("findings")
    assert isinstance(page, FindingsPage)
    wait_idle(qtbot, window)
    table = page.table
    payer_column = 2
    table.sortByColumn(payer_column, Qt.SortOrder.AscendingOrder)
    shown = [table.model().index(r, payer_column).data() for r in range(table.model().rowCount())]
    assert shown == sorted(shown)
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied.split("\t")[payer_column] == shown[0]
    page.filters["severity"].setCurrentText("high")
    severities = {table.model().index(r, 0).data() for r in range(table.model().rowCount())}
    assert severities <= {"high"}


def test_shortcuts_switch_pages_and_lines_page_in(qtbot: QtBot, imported_window) -> None:  # type: ignore[no-untyped-def]
    window = imported_window
    window.activateWindow()
    lines_row = [p.key for p in window.pages].index("lines")
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + lines_row), Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.page("lines")
    page = window.page("lines")
    assert isinstance(page, LinesPage)
    wait_idle(qtbot, window)
    first = page.model.rowCount()
    assert 0 < first < 20_000  # a page, not the whole store
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > first, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.page("dashboard")


def test_patient_identifiers_are_reported_plainly(
    qtbot: QtBot, open_window, store_path: Path, tmp_path: Path
) -> None:
    canary = tmp_path / "with-phi.csv"
    write_demo_csv(canary, seed=9, lines=3_000, phi_canary=True)
    window = open_window(store_path)
    page = window.import_page
    page.auto_analyse = False
    with qtbot.waitSignal(page.imported, timeout=60_000):
        page.import_paths([canary])
    assert page.phi.isVisibleTo(page)
    assert "patient identifier" in page.phi.text()
