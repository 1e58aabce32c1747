"""The Alerts page on a real store after a real analysis: list, verdicts, worklist export."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.alerts.feedback import feedback_history
from desktop.alerts.queries import AlertView, get_alert, list_alerts
from desktop.alerts.worklist import COLUMNS, iter_worklist
from desktop.analysis import AnalysisRequest
from desktop.analysis.wiring import run_standard_analysis
from desktop.store import Store, open_store
from desktop.ui.context import AppContext, AppOptions, StoreEvents
from desktop.ui.pages.alerts import AlertsPage
from desktop.ui.tasks import TaskRunner
from tests.conftest import PASSPHRASE
from tests.desktop.ui.conftest import wait_idle
from tests.helpers.stubs import MovableClock

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

REQUEST = AnalysisRequest(as_of=date(2026, 10, 31))


@pytest.fixture
def analysed(demo_store: Path) -> Iterator[tuple[Store, MovableClock]]:
    """The demo office after one analysis: five open alerts."""
    clock = MovableClock(datetime(2026, 11, 2, 9, 30, tzinfo=UTC))
    with open_store(demo_store, PASSPHRASE, clock=clock) as store:
        run_standard_analysis(store, REQUEST, clock=clock)
        yield store, clock


def make_page(qtbot: QtBot, store: Store, options: AppOptions) -> AlertsPage:
    runner = TaskRunner()
    page = AlertsPage(AppContext(store, runner, StoreEvents(), options))
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()  # keyboard focus and mnemonics need the active window
    qtbot.waitUntil(page.isActiveWindow, timeout=5_000)
    page.refresh()
    settle(qtbot, page)
    return page


def settle(qtbot: QtBot, page: AlertsPage) -> None:
    # A result may queue the next load (list, then the chosen alert's detail).
    for _ in range(3):
        qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=30_000)
        QApplication.processEvents()


@pytest.fixture
def page(
    qtbot: QtBot, analysed: tuple[Store, MovableClock], ui_options: AppOptions
) -> Iterator[AlertsPage]:
    store, clock = analysed
    alerts = make_page(qtbot, store, dataclasses.replace(ui_options, clock=clock))
    yield alerts
    # Stop the worker and delete the page while its store is still open.
    alerts.ctx.runner.shutdown()
    alerts.close()
    alerts.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def service_alerts(store: Store) -> list[AlertView]:
    with store.read() as session:
        return list(list_alerts(session).items)


def shown(page: AlertsPage, column: str) -> list[str]:
    table = page.table.model()
    col = [c.title for c in page.model.columns].index(column)
    return [str(table.index(r, col).data() or "") for r in range(table.rowCount())]


def select(qtbot: QtBot, page: AlertsPage, alert_id: str) -> None:
    """Move to the alert's row with the keyboard and open it with Enter."""
    ids = [page.alert_at(page.proxy.index(r, 0)).id for r in range(page.proxy.rowCount())]
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(ids.index(alert_id), 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    settle(qtbot, page)
    assert page.detail.loaded is not None
    assert page.detail.loaded.detail.alert.id == alert_id


def test_alerts_are_listed_with_their_state_and_when_last_seen(
    qtbot: QtBot, page: AlertsPage, analysed: tuple[Store, MovableClock]
) -> None:
    store, _clock = analysed
    expected = service_alerts(store)
    assert len(expected) == 5
    assert page.stack.currentWidget() is page.content
    assert sorted(shown(page, "Payer")) == sorted(a.payer for a in expected)
    assert shown(page, "State") == ["open"] * 5
    assert set(shown(page, "Last seen (UTC)")) == {"2026-11-02 09:30"}
    assert page.count.text() == "5 alerts"
    # The first alert's evidence and history are shown without a click.
    assert page.detail.loaded is not None
    assert page.detail.events.rows and page.detail.figures.rows
    assert "Worklist:" in page.detail.worklist.text()

    page.state_filter.setCurrentText("suppressed")
    settle(qtbot, page)
    assert page.model.rows == [] and page.count.text() == "0 suppressed alerts"
    assert page.stack.currentWidget() is page.content  # filtered, not "no alerts yet"
    page.state_filter.setCurrentText("open")
    settle(qtbot, page)
    assert len(page.model.rows) == 5


def test_noise_with_a_note_holds_the_alert_and_is_stored(
    qtbot: QtBot, page: AlertsPage, analysed: tuple[Store, MovableClock]
) -> None:
    store, _clock = analysed
    acme = next(a for a in service_alerts(store) if a.metric == "denial_rate")
    select(qtbot, page, acme.id)
    assert page.detail.note.hasFocus()  # Enter put the keyboard in the verdict row
    qtbot.keyClicks(page.detail.note, "seasonal dip, payer confirmed")
    qtbot.mouseClick(page.detail.buttons["noise"], Qt.MouseButton.LeftButton)
    settle(qtbot, page)

    with store.read() as session:
        stored = get_alert(session, acme.id)
        history = feedback_history(session, acme.fingerprint)
    assert stored.state == "suppressed" and stored.suppressed_reason
    assert "marked noise" in stored.suppressed_reason
    assert [(f.verdict, f.note) for f in history] == [("noise", "seasonal dip, payer confirmed")]

    row = [a.id for a in page.model.rows].index(acme.id)
    assert page.model.rows[row].state == "suppressed"
    assert shown(page, "Verdict").count("noise") == 1
    assert stored.suppressed_reason in shown(page, "Held because")
    assert "open → suppressed" in page.message.text()
    assert page.detail.loaded is not None and page.detail.loaded.detail.alert.id == acme.id
    assert [f.verdict for f in page.detail.feedback.rows] == ["noise"]
    assert page.detail.note.text() == ""

    # "Real" lifts the hold that noise put on it.
    qtbot.mouseClick(page.detail.buttons["real"], Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    with store.read() as session:
        assert get_alert(session, acme.id).state == "open"
    assert [f.verdict for f in page.detail.feedback.rows] == ["real", "noise"]


def test_worklist_export_writes_the_alerts_lines(
    qtbot: QtBot, page: AlertsPage, analysed: tuple[Store, MovableClock], tmp_path: Path
) -> None:
    store, _clock = analysed
    acme = next(a for a in service_alerts(store) if a.metric == "denial_rate")
    select(qtbot, page, acme.id)
    asked: list[str] = []
    out = tmp_path / "exports" / "acme.csv"
    out.parent.mkdir()

    def ask(suggested: str) -> Path:
        asked.append(suggested)
        return out

    page.ask_save_path = ask
    qtbot.mouseClick(page.detail.export, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    with store.read() as session:
        expected = [line.row() for line in iter_worklist(session, acme.id)]
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert asked and asked[0].endswith(".csv")
    assert rows[0] == list(COLUMNS)
    assert len(rows) - 1 == len(expected) > 10
    assert [r[0] for r in rows[1:]] == [str(line[0]) for line in expected]
    assert f"Wrote {len(expected):,} claim lines" in page.message.text()
    assert page.detail.export.isEnabled()


def test_an_export_that_cannot_be_written_says_so(
    qtbot: QtBot, page: AlertsPage, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "worklist.csv"
    page.ask_save_path = lambda _suggested: missing
    qtbot.mouseClick(page.detail.export, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert "The worklist was not written" in page.message.text()
    assert "no-such-folder" in page.message.text()
    assert not missing.parent.exists()
    assert page.detail.export.isEnabled()


def test_choosing_no_file_writes_nothing(qtbot: QtBot, page: AlertsPage) -> None:
    page.ask_save_path = lambda _suggested: None
    before = page.message.text()
    qtbot.mouseClick(page.detail.export, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert page.message.text() == before and not page.progress.isVisible()


def test_an_empty_store_says_what_to_do(
    qtbot: QtBot,
    open_window,
    store_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    window = open_window(store_path)
    page = window.show_page("alerts")
    assert isinstance(page, AlertsPage)
    wait_idle(qtbot, window)
    assert page.stack.currentWidget() is page.empty
    assert "No alerts yet" in page.empty.label.text()
    assert window.page("rules").title == "Alert rules"


def test_the_keyboard_alone_gives_a_verdict(
    qtbot: QtBot, page: AlertsPage, analysed: tuple[Store, MovableClock]
) -> None:
    store, _clock = analysed
    late = next(a for a in service_alerts(store) if a.metric.startswith("days_to_pay"))
    select(qtbot, page, late.id)  # arrow to the row, Enter opens it
    qtbot.keyClicks(page.detail.note, "paid after appeal")
    qtbot.keyClick(page.detail.note, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    # A mnemonic "animates" the button: its click comes a moment later.
    qtbot.waitUntil(lambda: "Recorded" in page.message.text(), timeout=10_000)
    settle(qtbot, page)
    with store.read() as session:
        assert get_alert(session, late.id).state == "resolved"
        assert [f.note for f in feedback_history(session, late.fingerprint)] == [
            "paid after appeal"
        ]
