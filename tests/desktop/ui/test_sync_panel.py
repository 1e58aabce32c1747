"""The sync panel in Settings against a real ``upstream-server`` and a real store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.store import Store, open_store
from desktop.sync import service
from desktop.sync.client import RetryPolicy
from desktop.sync.schedule import BackgroundSchedule
from desktop.ui.context import AppContext, AppOptions, StoreEvents
from desktop.ui.pages.settings import LOCKED_NOTE
from desktop.ui.sync_panel import SyncPanel
from desktop.ui.sync_words import OFFLINE, PAUSED, REVOKED
from desktop.ui.tasks import TaskRunner
from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.sync.server import SyncServer
from tests.desktop.sync.support import FAST_RETRIES, give_feedback
from tests.desktop.ui.conftest import wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

FINGERPRINT = "cd" * 32
NEVER_S = 3600.0  # no background sync within a test unless it asks for one
PanelFactory = Callable[..., SyncPanel]


@pytest.fixture
def make_panel(
    qtbot: QtBot, ui_options: AppOptions, make_store: StoreFactory
) -> Iterator[PanelFactory]:
    panels: list[tuple[SyncPanel, Store]] = []

    def factory(
        path: Path | None = None, first_sync_s: float = NEVER_S, **kwargs: object
    ) -> SyncPanel:
        store = open_store(path or make_store().path, PASSPHRASE)
        ctx = AppContext(store, TaskRunner(), StoreEvents(), ui_options)
        panel = SyncPanel(
            ctx, policy=kwargs.pop("policy", FAST_RETRIES), first_sync_s=first_sync_s, **kwargs
        )  # type: ignore[arg-type]
        qtbot.addWidget(panel)
        panel.show()
        panels.append((panel, store))
        return panel

    yield factory
    for panel, store in panels:
        panel.shutdown()
        panel.ctx.runner.shutdown()
        store.close()


def enrol_through(qtbot: QtBot, panel: SyncPanel, server: str, code: str) -> None:
    panel.server.setText(server)
    panel.code.setText(code)
    panel.device_name.setText("Front desk")
    qtbot.mouseClick(panel.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.syncing, timeout=30_000)
    assert panel.sync_button.isEnabled() and panel.enrol_button.isEnabled()


def enrol_in_new_office(qtbot: QtBot, panel: SyncPanel, server: SyncServer) -> None:
    """Enrol the panel's store as the first device of a tenant of its own."""
    enrol_through(qtbot, panel, server.base_url, server.code(server.tenant("L")))


def sync_through(qtbot: QtBot, panel: SyncPanel) -> object:
    assert panel.sync_button.isEnabled()
    with qtbot.waitSignal(panel.synced, timeout=60_000) as signal:
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    return signal.args[0]


def test_enrol_then_sync_now_pushes_the_outbox_and_pulls(
    qtbot: QtBot, make_panel: PanelFactory, make_store: StoreFactory, sync_server: SyncServer
) -> None:
    tenant = sync_server.tenant("Lakeside Billing")
    code = sync_server.code(tenant, uses=2)
    panel = make_panel()
    assert panel.pages.currentWidget() is panel.enrol_page
    assert not panel.timer.isActive()  # not enrolled: nothing to sync
    enrol_through(qtbot, panel, sync_server.base_url, code)
    assert panel.pages.currentWidget() is panel.status_page, panel.message.text()
    store = panel.ctx.store
    state = service.status(store)
    assert state.enrolled and state.server == sync_server.base_url
    assert panel.server_value.text() == sync_server.base_url
    assert state.device_name == "Front desk"
    assert panel.device_value.text() == f"Front desk (device {state.device_id})"
    assert panel.last_sync_value.text() == "never"
    assert panel.timer.isActive()  # background sync armed once enrolled

    # Another device of the office judges an alert; this one gives feedback of its own.
    with open_store(make_store().path, PASSPHRASE) as other:
        service.enroll(other, sync_server.base_url, code, policy=FAST_RETRIES)
        give_feedback(other, "ef" * 32, "real", service.utc_now)
        service.sync_once(other, policy=FAST_RETRIES)
    feedback_id = give_feedback(store, FINGERPRINT, "noise", service.utc_now)
    panel.ctx.events.changed.emit("feedback")
    assert panel.outbox_value.text() == "1 change(s) waiting to be sent"

    changes: list[str] = []
    panel.ctx.events.changed.connect(changes.append)
    report = sync_through(qtbot, panel)
    assert isinstance(report, service.SyncReport) and report.stored == 1
    assert state.device_id is not None
    assert sync_server.item_ids(state.device_id) == [feedback_id]
    after = service.status(store)
    assert after.outbox == 0 and after.last_sync is not None and after.last_error is None
    assert panel.outbox_value.text() == "nothing waiting to be sent"
    assert panel.last_sync_value.text() != "never" and panel.problem_value.text() == "none"
    assert panel.message.text() == "Synced: 1 change(s) sent, 1 received."
    assert changes == ["sync"]  # pulled feedback: the other pages reload


def test_an_offline_server_says_so_and_keeps_the_outbox(
    qtbot: QtBot, make_panel: PanelFactory, sync_server: SyncServer
) -> None:
    panel = make_panel()
    enrol_in_new_office(qtbot, panel, sync_server)
    store = panel.ctx.store
    give_feedback(store, FINGERPRINT, "noise", service.utc_now)
    sync_server.stop()
    error = sync_through(qtbot, panel)
    assert type(error).__name__ == "ServerUnreachable"
    assert panel.message.text() == OFFLINE
    assert panel.problem_value.text() == OFFLINE
    assert service.status(store).outbox == 1
    assert panel.outbox_value.text() == "1 change(s) waiting to be sent"
    assert panel.timer.isActive() and panel.schedule.failures == 1  # retried later
    # The server comes back: the next sync sends the outbox and the problem is gone.
    sync_server.start()
    report = sync_through(qtbot, panel)
    assert isinstance(report, service.SyncReport) and report.stored == 1
    assert panel.problem_value.text() == "none" and panel.schedule.failures == 0


def test_a_revoked_device_is_named_and_pauses_background_sync(
    qtbot: QtBot, make_panel: PanelFactory, sync_server: SyncServer
) -> None:
    panel = make_panel()
    enrol_in_new_office(qtbot, panel, sync_server)
    store = panel.ctx.store
    give_feedback(store, FINGERPRINT, "noise", service.utc_now)
    device_id = service.status(store).device_id
    assert device_id is not None
    sync_server.admin("device", "revoke", device_id)
    error = sync_through(qtbot, panel)
    assert type(error).__name__ == "DeviceRevoked"
    assert panel.message.text() == REVOKED + PAUSED
    assert panel.problem_value.text() == REVOKED + PAUSED
    assert not panel.timer.isActive()
    assert service.status(store).outbox == 1
    # Enrolling again with a new code resumes it.
    qtbot.mouseClick(panel.enrol_again_button, Qt.MouseButton.LeftButton)
    assert panel.pages.currentWidget() is panel.enrol_page
    enrol_through(qtbot, panel, sync_server.base_url, sync_server.code(sync_server.tenant("M")))
    assert panel.pages.currentWidget() is panel.status_page and panel.timer.isActive()
    assert panel.problem_value.text() == "none"


def test_a_refused_code_is_plain_and_nothing_is_enrolled(
    qtbot: QtBot, make_panel: PanelFactory, sync_server: SyncServer
) -> None:
    panel = make_panel()
    enrol_through(qtbot, panel, sync_server.base_url, "not-a-real-code")
    assert "enrolment code was refused" in panel.message.text()
    assert panel.pages.currentWidget() is panel.enrol_page
    assert not service.status(panel.ctx.store).enrolled
    assert panel.enrol_button.isEnabled()


def test_the_background_timer_syncs_by_itself(
    qtbot: QtBot, make_panel: PanelFactory, sync_server: SyncServer
) -> None:
    panel = make_panel(
        first_sync_s=0.05, schedule=BackgroundSchedule(interval_s=0.2, first_retry_s=0.2)
    )
    enrol_in_new_office(qtbot, panel, sync_server)
    device_id = service.status(panel.ctx.store).device_id
    assert device_id is not None
    feedback_id = give_feedback(panel.ctx.store, FINGERPRINT, "noise", service.utc_now)
    qtbot.waitUntil(lambda: sync_server.item_ids(device_id) == [feedback_id], timeout=30_000)
    qtbot.waitUntil(lambda: panel.outbox_value.text() == "nothing waiting to be sent")
    start = panel.runs
    qtbot.waitUntil(lambda: panel.runs >= start + 2, timeout=30_000)  # and again, on schedule
    assert panel.last_sync_value.text() != "never"


def test_shutdown_stops_the_timer_and_waits_for_a_running_sync(
    qtbot: QtBot, make_panel: PanelFactory, sync_server: SyncServer
) -> None:
    slow = RetryPolicy(attempts=4, base_delay_s=0.4, max_delay_s=0.4, connect_timeout_s=1.0)
    panel = make_panel(policy=slow)
    enrol_in_new_office(qtbot, panel, sync_server)
    sync_server.stop()  # each sync now spends a while retrying
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert panel.syncing and not panel.sync_button.isEnabled()
    panel.shutdown()
    assert panel.runner._pool.activeThreadCount() == 0  # the sync has finished
    assert not panel.timer.isActive() and not panel.syncing
    assert not panel.sync_button.isEnabled()
    panel.sync_now()  # after shutdown nothing starts
    assert not panel.syncing
    # The worker's failure was recorded in the store before shutdown returned.
    assert service.status(panel.ctx.store).last_error is not None


def test_settings_shows_the_panel_and_the_server_the_organisation_set(
    qtbot: QtBot, open_window, store_path: Path, ui_options: AppOptions
) -> None:
    policy = ui_options.preferences.machine_path
    assert policy is not None
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text('[enforced]\n"sync.server_url" = "https://sync.example.org"\n')
    window = open_window(store_path)
    settings = window.show_page("settings")
    wait_idle(qtbot, window)
    panel = settings.sync_panel  # type: ignore[attr-defined]
    assert isinstance(panel, SyncPanel) and panel.isVisible()
    assert not settings.sync_server.isVisible()  # type: ignore[attr-defined]
    assert panel.server.text() == "https://sync.example.org" and panel.server.isReadOnly()
    assert panel.server_note.text() == LOCKED_NOTE
    assert panel.pages.currentWidget() is panel.enrol_page
    window.close()
    assert panel._stopped and not panel.timer.isActive()
