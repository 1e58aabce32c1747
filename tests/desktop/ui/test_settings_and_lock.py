"""Settings honour the machine policy; idle time locks the store; the audit trail verifies."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.store import open_store
from desktop.ui.context import AppContext, AppOptions, StoreEvents
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.audit import AuditPage
from desktop.ui.pages.settings import LOCKED_NOTE
from desktop.ui.tasks import TaskRunner
from tests.conftest import PASSPHRASE
from tests.desktop.ui.conftest import wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_a_value_it_enforces_is_shown_disabled(
    qtbot: QtBot, open_window, store_path: Path, ui_options: AppOptions
) -> None:
    policy = ui_options.preferences.machine_path
    assert policy is not None
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(
        '[enforced]\n"ui.auto_lock_minutes" = 10\n"sync.server_url" = "https://sync.example.org"\n'
    )
    window = open_window(store_path)
    settings = window.show_page("settings")
    wait_idle(qtbot, window)
    assert settings.auto_lock.value() == 10  # type: ignore[attr-defined]
    assert not settings.auto_lock.isEnabled()  # type: ignore[attr-defined]
    assert settings.auto_lock_note.text() == LOCKED_NOTE  # type: ignore[attr-defined]
    assert LOCKED_NOTE in settings.sync_server.text()  # type: ignore[attr-defined]
    assert settings.updates.isEnabled()  # type: ignore[attr-defined]
    settings.updates.setChecked(True)  # type: ignore[attr-defined]
    assert ui_options.preferences.load().value("updates.check") is True


def test_idle_time_locks_the_store(qtbot: QtBot, store_path: Path, ui_options: AppOptions) -> None:
    ui_options.preferences.save("ui.auto_lock_minutes", 2)
    now = [1000.0]
    window = MainWindow(
        AppContext(open_store(store_path, PASSPHRASE), TaskRunner(), StoreEvents(), ui_options),
        idle_now=lambda: now[0],
    )
    window.show()
    wait_idle(qtbot, window)
    now[0] += 90
    window.idle.check()
    assert not window._closing  # 90 s is not 2 minutes
    now[0] += 31
    with qtbot.waitSignal(window.locked, timeout=10_000) as signal:
        window.idle.check()
    assert signal.args[0] == store_path
    assert window._closing


def test_audit_trail_lists_and_verifies(qtbot: QtBot, open_window, store_path: Path) -> None:
    window = open_window(store_path)
    page = window.show_page("audit")
    assert isinstance(page, AuditPage)
    wait_idle(qtbot, window)
    assert page.model.rows and page.model.rows[0].action == "store.created"
    page.verify()
    wait_idle(qtbot, window)
    assert page.verification is not None and page.verification.ok
    assert page.result.text().startswith("Intact")


def test_settings_change_the_passphrase(qtbot: QtBot, open_window, store_path: Path) -> None:
    window = open_window(store_path)
    settings = window.show_page("settings")
    wait_idle(qtbot, window)
    settings.old.setText(PASSPHRASE)  # type: ignore[attr-defined]
    settings.new.setText("a brand new passphrase")  # type: ignore[attr-defined]
    settings.repeat.setText("a brand new passphrase")  # type: ignore[attr-defined]
    settings.rekey_button.click()  # type: ignore[attr-defined]
    wait_idle(qtbot, window)
    assert "changed" in settings.store_message.text()  # type: ignore[attr-defined]
    with window.ctx.store.read() as session:  # the window carries on with the new key
        assert session.connection().exec_driver_sql("SELECT count(*) FROM customer").scalar() == 1
    window.close()
    open_store(store_path, "a brand new passphrase").close()
