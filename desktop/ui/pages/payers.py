"""Payer mappings: which exported payer names are one payer."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget
from sqlalchemy.orm import Session

from desktop.ingest.payers import (
    PayerMappingInfo,
    list_payer_mappings,
    remove_payer_mapping,
    set_payer_mapping,
)
from desktop.ui.context import AppContext
from desktop.ui.pages.editor_base import EditorPage
from desktop.ui.tables import Column

COLUMNS: list[Column[PayerMappingInfo]] = [
    Column("Name in the files", lambda m: m.raw_name),
    Column("Payer", lambda m: m.payer),
    Column("Set by", lambda m: m.source),
    Column("Updated", lambda m: m.updated_at),
]


class PayersPage(EditorPage):
    key = "payers"
    title = "Payer mappings"
    intro = (
        "Exports name one payer in several ways. Map a name to the payer it means; its "
        "lines move to that payer and the next analysis counts them together."
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, COLUMNS, parent)
        self.raw = QLineEdit()
        self.raw.setPlaceholderText("name as it appears in the files")
        self.payer = QLineEdit()
        self.payer.setPlaceholderText("the payer it means")
        save = QPushButton("&Map")
        save.clicked.connect(self.save)
        remove = QPushButton("&Remove selected")
        remove.clicked.connect(self.remove)
        row = QHBoxLayout()
        row.addWidget(self.raw, 1)
        row.addWidget(self.payer, 1)
        row.addWidget(save)
        row.addWidget(remove)
        self.layout_.insertLayout(self.layout_.count() - 1, row)
        self.table.clicked.connect(lambda _i: self._fill())

    def load_rows(self, session: Session) -> list[PayerMappingInfo]:
        return list_payer_mappings(session)

    def _fill(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.raw.setText(chosen.raw_name)
            self.payer.setText(chosen.payer)

    def save(self) -> None:
        raw, payer, clock = (
            self.raw.text().strip(),
            self.payer.text().strip(),
            self.ctx.options.clock,
        )
        if not raw or not payer:
            self.message.setText("Type the name from the files and the payer it means.")
            return

        def change(session: Session) -> str:
            result = set_payer_mapping(session, raw, payer, clock=clock)
            return f"“{raw}” now means {payer}; {result.lines_rekeyed:,} lines moved."

        self.write("map payer", change)

    def remove(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.message.setText("Select a mapping to remove.")
            return
        clock = self.ctx.options.clock

        def change(session: Session) -> str:
            result = remove_payer_mapping(session, chosen.raw_name, clock=clock)
            return (
                f"Removed the mapping of “{chosen.raw_name}”; {result.lines_rekeyed:,} lines moved."
            )

        self.write("remove payer mapping", change)
