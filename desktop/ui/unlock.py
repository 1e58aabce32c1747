"""Opening a store: the unlock dialog (passphrase or keychain) and first-run creation.

Argon2id takes about half a second, so unlocking and creating run on a worker; the
dialog stays responsive and says plainly when the passphrase is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import KeychainUnavailable, WrongPassphrase
from desktop.store import Store, open_store, open_store_with_keychain
from desktop.store.keychain import keychain_available
from desktop.store.lifecycle import has_keychain_entry
from desktop.store.remember import remember_in_keychain
from desktop.ui.errors_view import advice_for, describe
from desktop.ui.tasks import Task, TaskContext, TaskRunner

STORE_FILTER = "Upstream stores (*.upstream);;All files (*)"
NO_KEYCHAIN = (
    "This computer has no keychain Upstream can use, so it cannot remember the store. "
    "You will type the passphrase each time; nothing is saved in a file instead."
)


@dataclass(frozen=True)
class Unlocked:
    store: Store
    remembered: bool
    keychain_note: str | None  # why remembering did not happen, when asked for


def unlock(path: Path, passphrase: str, remember: bool) -> Unlocked:
    """Open the store; keep its key in the keychain too when asked and possible."""
    note: str | None = None
    store = open_store(path, passphrase)  # a wrong passphrase stops here
    if remember:
        try:
            remember_in_keychain(path, passphrase)
        except KeychainUnavailable as exc:
            note = str(exc)
    return Unlocked(store, remember and note is None, note)


class UnlockDialog(QDialog):
    """Choose a store and unlock it; ``unlocked`` carries the open store."""

    unlocked = Signal(object, object)  # Store, Path
    create_requested = Signal()

    def __init__(
        self, runner: TaskRunner, path: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open an Upstream store")
        self.setMinimumWidth(460)
        self._runner = runner
        self.path_edit = QLineEdit(str(path) if path else "")
        self.path_edit.setPlaceholderText("the .upstream file of your office")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("passphrase")
        self.remember = QCheckBox("&Remember on this computer")
        self.remember.setToolTip(
            "Keeps the store's key in this computer's keychain, so it opens without the "
            "passphrase for your user account on this computer."
        )
        self.keychain_button = QPushButton("Open with this computer's &keychain")
        self.keychain_button.clicked.connect(self._unlock_with_keychain)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("unlockMessage")
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        create = QPushButton("&Create a new store…")
        create.clicked.connect(self.create_requested)

        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Store", path_row)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("", self.remember)
        self.keychain_note = QLabel(NO_KEYCHAIN)
        self.keychain_note.setWordWrap(True)
        self.keychain_note.setVisible(False)
        form.addRow("", self.keychain_note)
        buttons = QHBoxLayout()
        buttons.addWidget(create)
        buttons.addStretch(1)
        buttons.addWidget(self.keychain_button)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.path_edit.textChanged.connect(self._path_changed)
        self._path_changed()
        if not keychain_available():
            self.remember.setEnabled(False)
            self.remember.setToolTip(NO_KEYCHAIN)
            self.keychain_note.setVisible(True)
        self.passphrase.setFocus()

    def store_path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Open a store", "", STORE_FILTER)
        if chosen:
            self.path_edit.setText(chosen)

    def _path_changed(self) -> None:
        path = self.store_path()
        remembered = False
        if path.is_file() and Path(str(path) + ".keys").is_file():
            remembered = has_keychain_entry(path)
        self.keychain_button.setVisible(remembered and keychain_available())

    def _busy(self, busy: bool, text: str = "") -> None:
        for widget in (self.unlock_button, self.keychain_button, self.passphrase, self.path_edit):
            widget.setEnabled(not busy)
        self.message.setText(text)

    def _unlock(self) -> None:
        path = self.store_path()
        if not path.is_file():
            self.message.setText(
                f"There is no store at {path}. Choose the .upstream file, or create a new store."
            )
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self.message.setText("Type the store's passphrase.")
            return
        remember = self.remember.isChecked() and self.remember.isEnabled()
        self._busy(True, "Unlocking…")
        task: Task[Unlocked] = Task("unlock", lambda _ctx: unlock(path, passphrase, remember))
        self._runner.submit(task, on_done=self._done, on_error=self._failed)

    def _unlock_with_keychain(self) -> None:
        path = self.store_path()
        self._busy(True, "Unlocking with the keychain…")

        def work(_ctx: TaskContext) -> Unlocked:
            return Unlocked(open_store_with_keychain(path), True, None)

        self._runner.submit(Task("unlock", work), on_done=self._done, on_error=self._failed)

    def _done(self, result: Unlocked) -> None:
        self._busy(False, result.keychain_note or "")
        self.passphrase.clear()
        self.unlocked.emit(result.store, self.store_path())
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        if isinstance(error, WrongPassphrase):
            self.message.setText(
                "Wrong passphrase: it does not open this store. Type it again "
                f"(check Caps Lock). ({error})"
            )
            self.passphrase.selectAll()
        else:
            self.message.setText(f"{describe(error)} {advice_for(error)}")
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
