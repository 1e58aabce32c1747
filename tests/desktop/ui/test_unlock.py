"""Unlocking: a wrong passphrase says so and lets the person retry; the keychain remembers."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.store.lifecycle import has_keychain_entry
from desktop.ui.tasks import TaskRunner
from desktop.ui.unlock import NO_KEYCHAIN, UnlockDialog
from tests.conftest import PASSPHRASE
from tests.helpers.stubs import MemoryKeyring

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def make_dialog(qtbot: QtBot, path: Path) -> UnlockDialog:
    dialog = UnlockDialog(TaskRunner(), path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_wrong_passphrase_says_so_and_retry_opens(qtbot: QtBot, store_path: Path) -> None:
    dialog = make_dialog(qtbot, store_path)
    opened: list[object] = []
    dialog.unlocked.connect(lambda store, _path: opened.append(store))
    dialog.passphrase.setText("not the passphrase")
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: "Wrong passphrase" in dialog.message.text(), timeout=30_000)
    assert not opened
    assert dialog.unlock_button.isEnabled() and dialog.passphrase.isEnabled()
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.unlocked, timeout=30_000):
        dialog.unlock_button.click()
    opened[0].close()  # type: ignore[attr-defined]


def test_missing_store_says_what_to_do(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, tmp_path / "nowhere.upstream")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.unlock_button.click()
    assert "create a new store" in dialog.message.text()


def test_remember_then_open_with_keychain(
    qtbot: QtBot, store_path: Path, memory_keyring: MemoryKeyring
) -> None:
    dialog = make_dialog(qtbot, store_path)
    assert dialog.remember.isEnabled()
    dialog.remember.setChecked(True)
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.unlocked, timeout=30_000) as signal:
        dialog.unlock_button.click()
    signal.args[0].close()
    assert has_keychain_entry(store_path) and memory_keyring.secrets

    again = make_dialog(qtbot, store_path)
    assert again.keychain_button.isVisibleTo(again)
    with qtbot.waitSignal(again.unlocked, timeout=30_000) as signal:
        again.keychain_button.click()
    signal.args[0].close()


def test_no_keychain_is_explained(qtbot: QtBot, store_path: Path, no_keyring: None) -> None:
    dialog = make_dialog(qtbot, store_path)
    assert not dialog.remember.isEnabled()
    assert dialog.keychain_note.isVisibleTo(dialog)
    assert dialog.keychain_note.text() == NO_KEYCHAIN
