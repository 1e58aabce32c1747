from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.ui.pages.dashboard import DashboardPage
from tests.desktop.ui.conftest import wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_window_opens_on_an_empty_store(qtbot: QtBot, open_window, store_path: Path) -> None:
    window = open_window(store_path)
    wait_idle(qtbot, window)
    dashboard = window.page("dashboard")
    assert isinstance(dashboard, DashboardPage)
    assert dashboard.stack.currentWidget() is dashboard.empty
    for row in range(len(window.pages)):
        window.show_page_at(row)
        wait_idle(qtbot, window)
