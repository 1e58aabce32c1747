"""The Import page: cancel leaves the store as it was; the GUI thread keeps beating."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.store.models import ClaimLine, ImportBatch
from desktop.ui.heartbeat import Heartbeat
from tests.desktop.ui.conftest import LARGE_LINES, wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

# Generous on purpose (shared CI machines): the figure itself is in benchmarks/bench_ui.py.
STALL_BOUND_MS = 1_000


def test_cancel_an_import_stores_nothing(
    qtbot: QtBot, open_window, store_path: Path, large_csv: Path
) -> None:
    window = open_window(store_path)
    page = window.import_page
    page.auto_analyse = False
    window.show_page("import")
    wait_idle(qtbot, window)
    cancelled = []
    page.progress.cancel_requested.connect(lambda: cancelled.append(True))

    def cancel_on_first_progress(done: int, total: object, detail: str) -> None:
        if not cancelled and done > 0:
            page.progress.cancel.click()

    page.import_paths([large_csv])
    qtbot.waitUntil(
        lambda: page.progress._task is not None and "Importing" in page.progress.bar.format(),
        timeout=30_000,
    )
    task = page.progress._task
    assert task is not None
    task.signals.progress.connect(cancel_on_first_progress)
    with qtbot.waitSignal(page.imported, timeout=120_000) as signal:
        pass
    results = signal.args[0]
    assert cancelled
    assert results[0].status == "failed"
    assert "cancelled" in page.status.text()
    with window.ctx.store.read() as session:
        assert session.scalar(select(func.count()).select_from(ClaimLine)) == 0
        states = session.scalars(select(ImportBatch.state)).all()
    assert states == ["failed"]
    assert page.choose.isEnabled()  # ready for the next file


def test_gui_thread_keeps_beating_during_a_large_import(
    qtbot: QtBot, open_window, store_path: Path, large_csv: Path
) -> None:
    window = open_window(store_path)
    page = window.import_page
    page.auto_analyse = False
    window.show_page("import")
    wait_idle(qtbot, window)
    heartbeat = Heartbeat(10)
    heartbeat.start()
    with qtbot.waitSignal(page.imported, timeout=300_000) as signal:
        page.import_paths([large_csv])
    heartbeat.stop()
    assert signal.args[0][0].rows_stored == LARGE_LINES
    assert heartbeat.beats > 10
    assert heartbeat.longest_stall_ms < STALL_BOUND_MS
    stall = heartbeat.longest_stall_ms
    print(f"longest GUI stall during a {LARGE_LINES:,}-line import: {stall:.0f} ms")
