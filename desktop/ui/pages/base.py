"""What pages share: a title, a refresh hook, an empty-state panel and a busy bar."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.context import AppContext
from desktop.ui.tasks import Task


class Page(QWidget):
    key = "page"
    title = "Page"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page-{self.key}")

    def refresh(self) -> None:
        """Reload from the store (called when shown and after the store changed)."""

    def shutdown(self) -> None:
        """Stop any work of the page's own before the store closes (lock or quit)."""

    def stack_views(self, *views: QWidget) -> QStackedWidget:
        """Fill the page with views shown one at a time (an empty state, the content…)."""
        stack = QStackedWidget()
        for view in views:
            stack.addWidget(view)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(stack)
        return stack


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    return label


class EmptyState(QWidget):
    """A plain sentence saying why the page is empty and the one thing to do about it."""

    def __init__(
        self,
        message: str,
        action: str | None = None,
        on_action: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.label = QLabel(message)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.label)
        self.button: QPushButton | None = None
        if action is not None and on_action is not None:
            self.button = QPushButton(action)
            self.button.clicked.connect(on_action)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(self.button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(2)


ROWS_IN_DETAIL = re.compile(r"([\d,]+) rows")


class ProgressPanel(QWidget):
    """A progress bar, a rate (lines/s when the task reports rows) and a Cancel button."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.rate = QLabel()
        self.cancel = QPushButton("Cancel")
        self.cancel.setShortcut("Esc")
        self.cancel.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.rate)
        layout.addWidget(self.cancel)
        self._task: Task[object] | None = None
        self._started = 0.0
        self.last_rows_per_s: float | None = None
        self.setVisible(False)

    def start(self, task: Task[object], label: str) -> None:
        self._task = task
        self._started = time.monotonic()
        self.bar.setRange(0, 0)
        self.bar.setFormat(label)
        self.rate.clear()
        self.cancel.setEnabled(True)
        self.setVisible(True)

    def update_progress(self, done: int, total: int | None, detail: str) -> None:
        if total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * done / total))
        elapsed = max(time.monotonic() - self._started, 1e-3)
        match = ROWS_IN_DETAIL.search(detail)
        if match:
            rows = int(match.group(1).replace(",", ""))
            self.last_rows_per_s = rows / elapsed
            self.rate.setText(f"{rows:,} lines · {self.last_rows_per_s:,.0f} lines/s")
        else:
            self.rate.setText(detail)

    def finish(self) -> None:
        self._task = None
        self.setVisible(False)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.cancel.setEnabled(False)
            self.bar.setFormat("Cancelling…")
            self.cancel_requested.emit()
