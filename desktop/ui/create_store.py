"""First run: create a store for one customer, then show its recovery key once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.store import CreatedStore, Store, create_store, open_store
from desktop.store.keys import KdfParams
from desktop.ui.errors_view import advice_for, describe
from desktop.ui.strength import passphrase_hint
from desktop.ui.tasks import Task, TaskContext, TaskRunner
from desktop.ui.unlock import STORE_FILTER

HINT_COLOURS = {"empty": "", "weak": "#c0392b", "fair": "#b7950b", "strong": "#1e8449"}


class CreateStoreDialog(QDialog):
    """Customer name, passphrase twice with a strength hint; ``created`` gives the open store."""

    created = Signal(object, object)  # Store, Path

    def __init__(
        self,
        runner: TaskRunner,
        default_path: Path,
        *,
        kdf: KdfParams | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create an Upstream store")
        self.setMinimumWidth(480)
        self._runner = runner
        self._kdf = kdf
        self._store: Store | None = None
        self.path_edit = QLineEdit(str(default_path))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        self.customer = QLineEdit()
        self.customer.setPlaceholderText("the billing office or practice this store is for")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.hint = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.create_button = QPushButton("&Create store")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._create)

        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Store file", path_row)
        form.addRow("Customer", self.customer)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("Repeat it", self.repeat)
        form.addRow("", self.hint)
        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.addLayout(form)
        entry_layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.create_button)
        entry_layout.addLayout(row)

        recovery = QWidget()
        recovery_layout = QVBoxLayout(recovery)
        explain = QLabel(
            "The store is created. Below is its recovery key: it opens the store if the "
            "passphrase is ever forgotten. Print it or write it down and keep it somewhere "
            "safe. Upstream shows it only now."
        )
        explain.setWordWrap(True)
        self.recovery_key = QPlainTextEdit()
        self.recovery_key.setReadOnly(True)
        self.recovery_key.setMaximumHeight(80)
        self.continue_button = QPushButton("I have kept the recovery key — &continue")
        self.continue_button.clicked.connect(self._continue)
        recovery_layout.addWidget(explain)
        recovery_layout.addWidget(self.recovery_key)
        recovery_layout.addWidget(self.continue_button)

        self.pages = QStackedWidget()
        self.pages.addWidget(entry)
        self.pages.addWidget(recovery)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.passphrase.textChanged.connect(self._update_hint)
        self._update_hint()
        self.customer.setFocus()

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "New store", self.path_edit.text(), STORE_FILTER
        )
        if chosen:
            self.path_edit.setText(chosen if chosen.endswith(".upstream") else chosen + ".upstream")

    def _update_hint(self) -> None:
        hint = passphrase_hint(self.passphrase.text())
        self.hint.setText(hint.message)
        colour = HINT_COLOURS[hint.level]
        self.hint.setStyleSheet(f"color: {colour};" if colour else "")

    def _create(self) -> None:
        path = Path(self.path_edit.text().strip()).expanduser()
        customer = self.customer.text().strip()
        passphrase = self.passphrase.text()
        if not customer:
            self.message.setText("Type the customer's name: the store belongs to one customer.")
            return
        if not passphrase:
            self.message.setText("Choose a passphrase.")
            return
        if passphrase != self.repeat.text():
            self.message.setText("The two passphrases differ. Type the same one twice.")
            self.repeat.selectAll()
            self.repeat.setFocus()
            return
        self.create_button.setEnabled(False)
        self.message.setText("Creating the encrypted store…")
        kdf = self._kdf

        def work(_ctx: TaskContext) -> tuple[CreatedStore, Store]:
            created = create_store(path, customer, passphrase, kdf=kdf)
            return created, open_store(path, passphrase)

        self._runner.submit(Task("create store", work), on_done=self._done, on_error=self._failed)

    def _done(self, result: tuple[CreatedStore, Store]) -> None:
        created, store = result
        self._store = store
        self.passphrase.clear()
        self.repeat.clear()
        self.recovery_key.setPlainText(created.recovery_key)
        self.pages.setCurrentIndex(1)
        self.continue_button.setFocus()

    def _failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        self.message.setText(f"{describe(error)} {advice_for(error)}")

    def _continue(self) -> None:
        if self._store is None:
            return
        self.created.emit(self._store, self._store.path)
        self.accept()
