"""Fixtures for the window's tests: demo files, options pointing at tmp files, a window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.demo import write_demo_csv
from desktop.store import open_store
from desktop.ui.context import AppContext, AppOptions, PreferenceFiles, StoreEvents
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import TaskRunner
from tests.conftest import FAST_KDF, PASSPHRASE

DEMO_LINES = 20_000


@pytest.fixture(scope="session")
def demo_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic claims export with injected payer changes (written once)."""
    path = tmp_path_factory.mktemp("demo-csv") / "claims.csv"
    write_demo_csv(path, seed=3, lines=DEMO_LINES)
    return path


@pytest.fixture
def ui_options(tmp_path: Path) -> AppOptions:
    return AppOptions(
        preferences=PreferenceFiles(
            user_path=tmp_path / "prefs" / "settings.toml",
            machine_path=tmp_path / "prefs" / "policy.toml",
        ),
        kdf=FAST_KDF,
        layout_file=tmp_path / "layout.ini",
    )


@pytest.fixture
def open_window(
    qtbot: QtBot, ui_options: AppOptions
) -> Iterator[callable]:  # type: ignore[valid-type]
    windows: list[MainWindow] = []

    def factory(path: Path, passphrase: str = PASSPHRASE) -> MainWindow:
        store = open_store(path, passphrase)
        ctx = AppContext(store, TaskRunner(), StoreEvents(), ui_options)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield factory
    for window in windows:
        if not window._closing:
            window.close()


def wait_idle(qtbot: QtBot, window: MainWindow, timeout: int = 60_000) -> None:
    """Until the window's worker has nothing left to do (results delivered)."""
    qtbot.waitUntil(lambda: not window.ctx.runner.busy, timeout=timeout)
