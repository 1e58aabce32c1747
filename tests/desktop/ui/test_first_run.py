"""The whole path a new office takes: create, import, read findings, give feedback on
an alert, lock, unlock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.alerts.queries import get_alert
from desktop.ui.app import AppController
from desktop.ui.context import AppOptions
from desktop.ui.pages.alerts import AlertsPage
from desktop.ui.pages.findings import FindingsPage
from tests.conftest import PASSPHRASE
from tests.desktop.ui.conftest import wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_first_run_create_import_findings_feedback_lock_unlock(
    qtbot: QtBot, tmp_path: Path, ui_options: AppOptions, demo_csv: Path
) -> None:
    controller = AppController(ui_options)
    controller.start(None)  # no store yet: the first-run dialog
    create = controller.create_dialog
    assert create is not None
    qtbot.addWidget(create)
    store_file = tmp_path / "office.upstream"
    create.path_edit.setText(str(store_file))
    create.customer.setText("Riverside Family Practice Billing")
    create.passphrase.setText("short")
    assert create.hint.text().startswith("Weak")
    create.passphrase.setText(PASSPHRASE)
    create.repeat.setText(PASSPHRASE + "typo")
    create.create_button.click()
    assert "differ" in create.message.text()
    create.repeat.setText(PASSPHRASE)
    create.create_button.click()
    qtbot.waitUntil(lambda: create.pages.currentIndex() == 1, timeout=30_000)
    assert len(create.recovery_key.toPlainText()) > 20  # shown once, to be kept
    create.continue_button.click()
    window = controller.window
    assert window is not None  # not handed to qtbot: locking deletes it
    wait_idle(qtbot, window)

    importer = window.import_page
    window.show_page("import")
    with qtbot.waitSignal(importer.analysed, timeout=120_000):
        importer.import_paths([demo_csv])
    assert importer.results.rows[0].status == "committed"
    assert "Stored" in importer.status.text()
    wait_idle(qtbot, window)

    findings = window.show_page("findings")
    assert isinstance(findings, FindingsPage)
    wait_idle(qtbot, window)
    assert findings.model.rows, "the demo data hides payer changes: findings must show"
    assert findings.stack.currentWidget() is findings.content
    qtbot.waitUntil(lambda: findings.detail is not None, timeout=30_000)
    assert findings.detail is not None and findings.detail.lines

    alerts = window.show_page("alerts")
    assert isinstance(alerts, AlertsPage)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: alerts.detail.loaded is not None, timeout=30_000)
    assert alerts.detail.loaded is not None
    chosen = alerts.detail.loaded.detail.alert
    assert chosen.state == "open"
    qtbot.keyClicks(alerts.detail.note, "payer confirmed a billing-system glitch")
    qtbot.mouseClick(alerts.detail.buttons["noise"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    with window.ctx.store.read() as session:
        assert get_alert(session, chosen.id).state == "suppressed"
    qtbot.waitUntil(
        lambda: any(a.id == chosen.id and a.state == "suppressed" for a in alerts.model.rows),
        timeout=30_000,
    )

    dashboard = window.show_page("dashboard")
    wait_idle(qtbot, window)
    assert dashboard.summary is not None and dashboard.summary.last_run is not None  # type: ignore[attr-defined]

    with qtbot.waitSignal(window.locked, timeout=30_000):
        window.lock()
    unlock = controller.unlock_dialog
    assert unlock is not None
    qtbot.addWidget(unlock)
    assert unlock.store_path() == store_file
    unlock.passphrase.setText(PASSPHRASE)
    unlock.unlock_button.click()
    qtbot.waitUntil(lambda: controller.window is not None, timeout=30_000)
    reopened = controller.window
    assert reopened is not None
    qtbot.addWidget(reopened)
    wait_idle(qtbot, reopened)
    assert reopened.page("dashboard").summary.lines == 20_000  # type: ignore[attr-defined]
    with reopened.ctx.store.read() as session:  # the verdict outlived the lock
        assert get_alert(session, chosen.id).state == "suppressed"
    reopened.close()
