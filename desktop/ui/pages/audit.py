"""Audit trail: who did what, newest first, and a check that nobody altered it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.store import audit
from desktop.store.audit import AuditRecord, AuditVerification
from desktop.ui.context import AppContext
from desktop.ui.paged_model import PagedModel
from desktop.ui.pages.base import Page, heading
from desktop.ui.tables import Column, DataTable, number
from desktop.ui.tasks import Task, TaskContext

COLUMNS: list[Column[AuditRecord]] = [
    Column("#", lambda r: r.seq, number, True),
    Column("When", lambda r: r.at),
    Column("Who", lambda r: r.actor),
    Column("What", lambda r: r.action),
    Column("Object", lambda r: f"{r.object_type} {r.object_id or ''}".strip()),
    Column("Details", lambda r: json.dumps(r.details, sort_keys=True)),
]


class AuditPage(Page):
    key = "audit"
    title = "Audit trail"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        # Paged by offset: entries() reads in sequence order.
        self.model: PagedModel[AuditRecord] = PagedModel(
            COLUMNS, self._read, lambda r: r.seq, page_rows=300, parent=self
        )
        self.table = DataTable()
        self.table.setModel(self.model)
        self.verify_button = QPushButton("&Verify the trail")
        self.verify_button.clicked.connect(self.verify)
        self.result = QLabel("Verify checks every entry's hash chain: any edit shows.")
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Audit trail"))
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.verification: AuditVerification | None = None

    def _read(self, loaded: int, limit: int) -> Sequence[AuditRecord]:
        with self.ctx.store.read() as session:
            return audit.entries(session, limit=limit, offset=loaded)

    def refresh(self) -> None:
        self.model.reset()

    def verify(self) -> None:
        store = self.ctx.store
        self.verify_button.setEnabled(False)
        self.result.setText("Checking…")

        def work(_ctx: TaskContext) -> AuditVerification:
            with store.read() as session:
                return audit.verify(session)

        self.ctx.runner.submit(Task("verify audit", work), on_done=self._verified)

    def _verified(self, verification: AuditVerification) -> None:
        self.verification = verification
        self.verify_button.setEnabled(True)
        if verification.ok:
            self.result.setText(f"Intact: {verification.entries_checked:,} entries checked.")
        else:
            assert verification.problem is not None
            self.result.setText(
                f"Not intact at entry {verification.problem.seq} "
                f"({verification.problem.kind}): {verification.problem.message} "
                "Keep a copy of this store and tell your administrator."
            )
