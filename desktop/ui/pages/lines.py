"""Claim lines: every stored line, paged in from the store as the table scrolls."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.store.line_pages import LineRow, line_count, read_line_page
from desktop.ui.context import AppContext
from desktop.ui.paged_model import PagedModel
from desktop.ui.pages.base import Page, heading
from desktop.ui.pages.findings import LINE_COLUMNS
from desktop.ui.tables import Column, DataTable, number
from desktop.ui.tasks import Task, TaskContext

COLUMNS: list[Column[LineRow]] = [
    Column("#", lambda r: r.id, number, True),
    Column("Payer", lambda r: r.payer),
    *LINE_COLUMNS,
]


class LinesPage(Page):
    key = "lines"
    title = "Claim lines"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: PagedModel[LineRow] = PagedModel(
            COLUMNS, self._read, lambda r: r.id, page_rows=500, parent=self
        )
        self.table = DataTable()
        self.table.setModel(self.model)
        self.total = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Claim lines"))
        layout.addWidget(self.total)
        layout.addWidget(self.table, 1)
        self._loaded = False
        ctx.events.changed.connect(lambda what: self.refresh() if what == "import" else None)

    def _read(self, after: int, limit: int) -> Sequence[LineRow]:
        with self.ctx.store.read() as session:
            return read_line_page(session, after_id=after, limit=limit)

    def refresh(self) -> None:
        self.model.reset()
        store = self.ctx.store

        def work(_ctx: TaskContext) -> int:
            with store.read() as session:
                return line_count(session)

        self.ctx.runner.submit(
            Task("line count", work),
            on_done=lambda n: self.total.setText(
                f"{n:,} lines. Scroll to load more; sorting orders the lines loaded so far."
                if n
                else "No lines yet: import your first file."
            ),
        )
