"""What the small editors share: a sortable table, a form row and store writes on the worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from desktop.ui.context import AppContext
from desktop.ui.errors_view import advice_for, describe
from desktop.ui.pages.base import Page, heading
from desktop.ui.tables import Column, DataTable, RecordModel, sortable
from desktop.ui.tasks import Task, TaskContext

R = TypeVar("R")


class EditorPage(Page):
    """A table of the current entries over a form; each change is one write transaction."""

    intro = ""

    def __init__(
        self, ctx: AppContext, columns: list[Column[Any]], parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.model: RecordModel[Any] = RecordModel(columns, self)
        self.table = DataTable()
        self.table.setModel(sortable(self.model, self))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(heading(self.title))
        if self.intro:
            intro = QLabel(self.intro)
            intro.setWordWrap(True)
            self.layout_.addWidget(intro)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.message)

    def load(self) -> list[Any]:
        raise NotImplementedError

    def refresh(self) -> None:
        store = self.ctx.store
        loader = self.load_rows

        def work(_ctx: TaskContext) -> list[Any]:
            with store.read() as session:
                return loader(session)

        self.ctx.runner.submit(Task(f"load {self.key}", work), on_done=self.model.set_rows)

    def load_rows(self, session: Session) -> list[Any]:
        raise NotImplementedError

    def selected(self) -> Any | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        proxy = self.table.model()
        source = proxy.mapToSource(index)  # type: ignore[attr-defined]
        return self.model.rows[source.row()]

    def write(
        self,
        name: str,
        change: Callable[[Session], str],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``change`` in a write transaction; show what it says, then reload.

        A failure goes to ``on_error`` when given (a form shows it beside itself), else
        to the page's message line.
        """
        store = self.ctx.store

        def work(_ctx: TaskContext) -> str:
            with store.write() as session:
                return change(session)

        def done(text: str) -> None:
            self.message.setText(text)
            self.refresh()
            self.ctx.events.changed.emit(self.key)

        def failed(error: BaseException) -> None:
            self.message.setText(f"{describe(error)} {advice_for(error)}")

        self.ctx.runner.submit(Task(name, work), on_done=done, on_error=on_error or failed)
