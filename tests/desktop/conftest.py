"""Fixtures shared by the desktop suites: a store holding a demo office."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store import create_store, open_connection
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.desktop.sync.server import SyncServer
from tests.helpers.claims import demo_store_columns, store_lines
from tests.helpers.stores import copy_store


@pytest.fixture(scope="session")
def demo_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding a small demo office with injected changes (built once)."""
    path = tmp_path_factory.mktemp("demo") / "demo.upstream"
    create_store(path, "Riverside Family Practice Billing", PASSPHRASE, kdf=FAST_KDF)
    con = open_connection(path, PASSPHRASE)
    store_lines(con, demo_store_columns())
    con.close()
    return path


@pytest.fixture
def demo_store(demo_store_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo store for one test."""
    return copy_store(demo_store_template, tmp_path / "demo.upstream")


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[SyncServer]:
    """``upstream-server`` running on 127.0.0.1 over its own SQLite file."""
    running = SyncServer(tmp_path / "server").start()
    try:
        yield running
    finally:
        running.stop()
    assert "Traceback" not in running.output(), running.output()
