"""The Reports page writes a PDF and a CSV of a real analysis; cancel and errors are plain."""

from __future__ import annotations

import csv
import os
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.analysis import AnalysisRequest
from desktop.analysis.wiring import run_standard_analysis
from desktop.store import open_store
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.reports import NO_ANALYSIS, ReportsPage
from desktop.ui.tasks import Task, TaskContext
from tests.conftest import PASSPHRASE
from tests.desktop.ui.conftest import wait_idle
from tests.helpers.stores import copy_store
from tests.helpers.stubs import MovableClock

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="module")
def analysed_template(demo_store_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo office after one real analysis (made once for the module)."""
    path = copy_store(
        demo_store_template, tmp_path_factory.mktemp("analysed") / "analysed.upstream"
    )
    clock = MovableClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    with open_store(path, PASSPHRASE, clock=clock) as store:
        run_standard_analysis(store, AnalysisRequest(as_of=AS_OF), clock=clock)
    return path


@pytest.fixture
def analysed(analysed_template: Path, tmp_path: Path) -> Path:
    return copy_store(analysed_template, tmp_path / "analysed.upstream")


def reports_page(window: MainWindow, answer: Path | None) -> ReportsPage:
    window.show_page("reports")
    page = window.page("reports")
    assert isinstance(page, ReportsPage)

    def ask(parent: QWidget, kind: str, suggested: Path) -> Path | None:
        assert suggested.suffix == f".{kind}"
        return answer

    page.ask_path = ask
    return page


def test_a_pdf_and_a_csv_are_written_and_shown(
    qtbot: QtBot, open_window, analysed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    window = open_window(analysed)
    page = reports_page(window, out / "monthly")  # no suffix: the chosen format's is added
    qtbot.mouseClick(page.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    pdf = out / "monthly.pdf"
    assert page.last is not None and page.last.path == pdf, page.status.text()
    reader = PdfReader(pdf)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert len(reader.pages) == page.last.pages >= 2 and "Headline figures" in text
    assert page.result_box.isVisible() and "monthly.pdf" in page.result.text()
    assert f"{page.last.pages} page(s)" in page.result.text() and "KB" in page.result.text()

    page.csv.setChecked(True)
    qtbot.mouseClick(page.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    table = out / "monthly.csv"
    assert page.last is not None and page.last.path == table, page.status.text()
    with table.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    sections = {row["section"] for row in rows}
    assert sections == {"finding", "worklist"}
    assert page.last.worklist_lines == sum(r["section"] == "worklist" for r in rows) > 0
    assert "worklist line(s)" in page.result.text()
    assert sorted(p.name for p in out.iterdir()) == ["monthly.csv", "monthly.pdf"]


def hold_worker(window: MainWindow) -> threading.Event:
    """Keep the window's worker busy until the returned event is set."""
    release = threading.Event()

    def wait(_ctx: TaskContext) -> None:
        assert release.wait(30)

    window.ctx.runner.submit(Task("hold", wait))
    return release


@pytest.mark.parametrize("kind", ["pdf", "csv"])
def test_cancel_leaves_no_file(
    qtbot: QtBot, open_window, analysed: Path, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    window = open_window(analysed)
    page = reports_page(window, out / f"r.{kind}")
    release = hold_worker(window)
    page.choose_and_write()
    assert page.busy and page.progress.isVisible() and not page.write_button.isEnabled()
    qtbot.mouseClick(page.progress.cancel, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    wait_idle(qtbot, window)
    assert page.status.text() == "Cancelled; no file was written."
    assert page.last is None and not page.result_box.isVisible()
    assert list(out.iterdir()) == []
    assert page.write_button.isEnabled()


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write to (root writes anywhere but in /sys)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder if not os.access(folder, os.W_OK) else Path("/sys")


def test_an_unwritable_folder_is_shown_plainly(
    qtbot: QtBot, open_window, analysed: Path, tmp_path: Path
) -> None:
    window = open_window(analysed)
    page = reports_page(window, unwritable_folder(tmp_path) / "r.csv")
    page.csv.setChecked(True)
    page.choose_and_write()
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    assert page.status.text().startswith("The report was not written: cannot write")
    assert "choose another folder" in page.status.text()
    boxes = [b for b in page.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and "cannot write" in boxes[0].text()
    assert page.last is None and page.write_button.isEnabled()


def test_a_store_without_analysis_says_what_to_do(
    qtbot: QtBot, open_window, store_path: Path, tmp_path: Path
) -> None:
    window = open_window(store_path)
    page = reports_page(window, tmp_path / "r.pdf")
    page.choose_and_write()
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    assert page.status.text() == NO_ANALYSIS
    assert not (tmp_path / "r.pdf").exists() and not list(tmp_path.glob(".*.partial"))


def test_cancelling_the_save_dialog_writes_nothing(
    qtbot: QtBot, open_window, analysed: Path
) -> None:
    window = open_window(analysed)
    page = reports_page(window, None)
    page.choose_and_write()
    assert not page.busy and page.status.text() == "" and not page.progress.isVisible()
