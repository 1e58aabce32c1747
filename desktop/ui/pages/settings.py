"""Settings: the store, its passphrase and keychain, auto-lock, updates and sync.

A setting IT enforces through the machine policy shows its value, disabled, with
"set by your organisation".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.config import Preferences
from desktop.errors import UpstreamError
from desktop.store import RekeyResult, Store, open_store, rekey_store
from desktop.store.keychain import keychain_available
from desktop.store.lifecycle import has_keychain_entry
from desktop.store.remember import forget_keychain, remember_in_keychain
from desktop.ui.context import AppContext
from desktop.ui.errors_view import advice_for, describe
from desktop.ui.pages.base import Page, heading
from desktop.ui.strength import passphrase_hint
from desktop.ui.tasks import Task, TaskContext
from desktop.ui.unlock import NO_KEYCHAIN

LOCKED_NOTE = "set by your organisation"


def password_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class SettingsPage(Page):
    key = "settings"
    title = "Settings"
    preferences_changed = Signal(object)  # Preferences

    def __init__(
        self, ctx: AppContext, sync_panel: QWidget | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.prefs: Preferences = ctx.options.preferences.load()
        self.sync_panel = sync_panel
        # --- the store
        self.store_info = QLabel()
        self.store_info.setWordWrap(True)
        self.old = password_field("current passphrase")
        self.new = password_field("new passphrase")
        self.repeat = password_field("new passphrase again")
        self.new_hint = QLabel()
        self.new.textChanged.connect(lambda t: self.new_hint.setText(passphrase_hint(t).message))
        self.rekey_button = QPushButton("&Change passphrase")
        self.rekey_button.clicked.connect(self.change_passphrase)
        self.keychain_state = QLabel()
        self.keychain_state.setWordWrap(True)
        self.keychain_passphrase = password_field("passphrase (to remember or forget)")
        self.remember_button = QPushButton("Remember on this computer")
        self.remember_button.clicked.connect(lambda: self.keychain(True))
        self.forget_button = QPushButton("Forget on this computer")
        self.forget_button.clicked.connect(lambda: self.keychain(False))
        self.store_message = QLabel()
        self.store_message.setWordWrap(True)
        store_box = QGroupBox("Store")
        store_form = QFormLayout(store_box)
        store_form.addRow(self.store_info)
        store_form.addRow("Current", self.old)
        store_form.addRow("New", self.new)
        store_form.addRow("Repeat", self.repeat)
        store_form.addRow("", self.new_hint)
        store_form.addRow("", self.rekey_button)
        keychain_row = QHBoxLayout()
        keychain_row.addWidget(self.keychain_passphrase, 1)
        keychain_row.addWidget(self.remember_button)
        keychain_row.addWidget(self.forget_button)
        store_form.addRow("Keychain", self.keychain_state)
        store_form.addRow("", keychain_row)
        store_form.addRow(self.store_message)
        # --- this computer's preferences
        self.auto_lock = QSpinBox()
        self.auto_lock.setRange(0, 24 * 60)
        self.auto_lock.setSuffix(" min")
        self.auto_lock.setSpecialValueText("never")
        self.auto_lock_note = QLabel()
        self.auto_lock.editingFinished.connect(
            lambda: self.save_preference("ui.auto_lock_minutes", self.auto_lock.value())
        )
        self.updates = QCheckBox("Look for new versions online")
        self.updates.toggled.connect(lambda on: self.save_preference("updates.check", on))
        self.updates_note = QLabel()
        self.pref_message = QLabel()
        self.pref_message.setWordWrap(True)
        prefs_box = QGroupBox("This computer")
        prefs_form = QFormLayout(prefs_box)
        lock_row = QHBoxLayout()
        lock_row.addWidget(self.auto_lock)
        lock_row.addWidget(self.auto_lock_note, 1)
        prefs_form.addRow("Lock when idle for", lock_row)
        updates_row = QHBoxLayout()
        updates_row.addWidget(self.updates)
        updates_row.addWidget(self.updates_note, 1)
        prefs_form.addRow("Updates", updates_row)
        prefs_form.addRow(self.pref_message)
        # --- sync (the panel comes from the sync service when this version has it)
        sync_box = QGroupBox("Sync")
        sync_layout = QVBoxLayout(sync_box)
        self.sync_server = QLabel()
        self.sync_server.setWordWrap(True)
        self.sync_server.setVisible(sync_panel is None)  # the panel shows the server itself
        sync_layout.addWidget(self.sync_server)
        if sync_panel is not None:
            sync_layout.addWidget(sync_panel)
        else:
            sync_layout.addWidget(
                QLabel(
                    "Sync (enrolment, status and “sync now”) is not available in this version. "
                    "Everything works offline on this computer."
                )
            )
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(heading("Settings"))
        body_layout.addWidget(store_box)
        body_layout.addWidget(prefs_box)
        body_layout.addWidget(sync_box)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def refresh(self) -> None:
        store = self.ctx.store
        self.store_info.setText(
            f"{store.customer.name} — {store.path} (schema {store.schema_revision})"
        )
        self._show_keychain()
        self.show_preferences(self.ctx.options.preferences.load())

    def _show_keychain(self) -> None:
        if not keychain_available():
            self.keychain_state.setText(NO_KEYCHAIN)
            self.remember_button.setEnabled(False)
            self.forget_button.setEnabled(False)
            return
        remembered = has_keychain_entry(self.ctx.store.path)
        self.keychain_state.setText(
            "This computer's keychain opens the store without the passphrase."
            if remembered
            else "The store asks for its passphrase each time it opens."
        )
        self.remember_button.setEnabled(not remembered)
        self.forget_button.setEnabled(remembered)

    def shutdown(self) -> None:
        stop = getattr(self.sync_panel, "shutdown", None)
        if callable(stop):
            stop()

    def show_preferences(self, prefs: Preferences) -> None:
        self.prefs = prefs
        lock = prefs.get("ui.auto_lock_minutes")
        self.auto_lock.blockSignals(True)
        self.auto_lock.setValue(int(lock.value))
        self.auto_lock.blockSignals(False)
        self.auto_lock.setEnabled(not lock.locked)
        self.auto_lock_note.setText(LOCKED_NOTE if lock.locked else "")
        updates = prefs.get("updates.check")
        self.updates.blockSignals(True)
        self.updates.setChecked(bool(updates.value))
        self.updates.blockSignals(False)
        self.updates.setEnabled(not updates.locked)
        self.updates_note.setText(LOCKED_NOTE if updates.locked else "")
        server = prefs.get("sync.server_url")
        where = f" ({LOCKED_NOTE})" if server.locked else ""
        self.sync_server.setText(
            f"Sync server: {server.value}{where}" if server.value else "No sync server is set."
        )

    def save_preference(self, key: str, value: Any) -> None:
        try:
            prefs = self.ctx.options.preferences.save(key, value)
        except UpstreamError as exc:  # locked by IT, or a value out of range: say so
            self.pref_message.setText(f"{describe(exc)} {advice_for(exc)}")
            return
        self.pref_message.setText("Saved.")
        self.show_preferences(prefs)
        self.preferences_changed.emit(prefs)

    # --- store actions on the worker ---------------------------------------------------

    def change_passphrase(self) -> None:
        old, new = self.old.text(), self.new.text()
        if not old or not new:
            self.store_message.setText("Type the current passphrase and the new one.")
            return
        if new != self.repeat.text():
            self.store_message.setText("The two new passphrases differ. Type the same one twice.")
            return
        self.rekey_button.setEnabled(False)
        self.store_message.setText("Re-encrypting the store under the new passphrase…")
        ctx = self.ctx
        clock = ctx.options.clock

        def work(_ctx: TaskContext) -> tuple[RekeyResult, Store]:
            path = ctx.store.path
            ctx.store.close()  # a rekey needs the file to itself
            try:
                result = rekey_store(path, old, new, clock=clock)
            except BaseException:
                ctx.store = open_store(path, old, clock=clock)
                raise
            return result, open_store(path, new, clock=clock)

        def done(result: tuple[RekeyResult, Store]) -> None:
            ctx.store = result[1]
            for field in (self.old, self.new, self.repeat):
                field.clear()
            self.rekey_button.setEnabled(True)
            self.store_message.setText(
                "The passphrase is changed and the store re-encrypted with a new key."
            )
            ctx.events.changed.emit("store")

        def failed(error: BaseException) -> None:
            self.rekey_button.setEnabled(True)
            self.store_message.setText(f"{describe(error)} {advice_for(error)}")

        ctx.runner.submit(Task("rekey", work), on_done=done, on_error=failed)

    def keychain(self, remember: bool) -> None:
        passphrase = self.keychain_passphrase.text()
        if not passphrase:
            self.store_message.setText("Type the store's passphrase first.")
            return
        path, clock = self.ctx.store.path, self.ctx.options.clock

        def work(_ctx: TaskContext) -> bool:
            if remember:
                remember_in_keychain(path, passphrase, clock=clock)
            else:
                forget_keychain(path, passphrase, clock=clock)
            return remember

        def done(remembered: bool) -> None:
            self.keychain_passphrase.clear()
            self.store_message.setText(
                "This computer now remembers the store."
                if remembered
                else "This computer no longer remembers the store; the passphrase still opens it."
            )
            self._show_keychain()

        def failed(error: BaseException) -> None:
            self.store_message.setText(f"{describe(error)} {advice_for(error)}")

        self.ctx.runner.submit(Task("keychain", work), on_done=done, on_error=failed)
