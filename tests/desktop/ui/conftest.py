"""Fixtures for the window's tests: demo files, options pointing at tmp files, a window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from desktop.demo import write_demo_csv
from desktop.store import open_store
from desktop.ui.context import AppContext, AppOptions, PreferenceFiles, StoreEvents
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import TaskRunner
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.helpers.stubs import MemoryKeyring

DEMO_LINES = 20_000
LARGE_LINES = 200_000


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
def open_window(qtbot: QtBot, ui_options: AppOptions) -> Iterator[callable]:  # type: ignore[valid-type]
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


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    fake = MemoryKeyring()
    keyring.set_keyring(fake)
    try:
        yield fake
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def large_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A larger export, for cancelling mid-way and for the stall heartbeat."""
    path = tmp_path_factory.mktemp("large-csv") / "claims-large.csv"
    write_demo_csv(path, seed=5, lines=LARGE_LINES)
    return path
