"""Pages whose services this version does not have yet: their layout and a plain note."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.ui.context import AppContext
from desktop.ui.pages.base import EmptyState, Page, heading


class NotAvailablePage(Page):
    def __init__(
        self, ctx: AppContext, key: str, title: str, what: str, parent: QWidget | None = None
    ) -> None:
        self.key = key
        self.title = title
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title))
        layout.addWidget(EmptyState(f"{what} is not available in this version."), 1)
