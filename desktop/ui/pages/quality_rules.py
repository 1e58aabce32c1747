"""Quality rules: the checks every import runs, switched on or off, with their severity."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget
from sqlalchemy.orm import Session

from desktop.ingest.quality_rules import QualityRuleInfo, list_quality_rules, update_rule
from desktop.ui.context import AppContext
from desktop.ui.pages.editor_base import EditorPage
from desktop.ui.tables import Column

COLUMNS: list[Column[QualityRuleInfo]] = [
    Column("Rule", lambda r: r.code),
    Column("On", lambda r: "yes" if r.enabled else "no"),
    Column("Severity", lambda r: r.severity),
    Column("Kind", lambda r: r.kind),
    Column("Field", lambda r: r.field),
    Column("Scope", lambda r: " ".join(filter(None, (r.scope_payer, r.scope_cpt))) or "all"),
    Column("Settings", lambda r: json.dumps(r.params, sort_keys=True) if r.params else ""),
    Column("What it checks", lambda r: r.description),
]


class QualityRulesPage(EditorPage):
    key = "quality"
    title = "Quality rules"
    intro = (
        "Every import checks its lines against these rules; "
        "the import's report lists what they found."
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, COLUMNS, parent)
        self.severity = QComboBox()
        self.severity.addItems(["warning", "error"])
        toggle = QPushButton("Switch &on/off")
        toggle.clicked.connect(self.toggle)
        apply = QPushButton("Set &severity")
        apply.clicked.connect(self.set_severity)
        row = QHBoxLayout()
        row.addWidget(QLabel("Selected rule:"))
        row.addWidget(toggle)
        row.addWidget(self.severity)
        row.addWidget(apply)
        row.addStretch(1)
        self.layout_.insertLayout(self.layout_.count() - 1, row)

    def load_rows(self, session: Session) -> list[QualityRuleInfo]:
        return list_quality_rules(session)

    def toggle(self) -> None:
        rule = self.selected()
        if rule is None:
            self.message.setText("Select a rule first.")
            return
        clock = self.ctx.options.clock

        def change(session: Session) -> str:
            update_rule(session, rule.code, enabled=not rule.enabled, clock=clock)
            return f"{rule.code} is now {'off' if rule.enabled else 'on'}."

        self.write("toggle rule", change)

    def set_severity(self, _checked: bool = False) -> None:
        rule = self.selected()
        if rule is None:
            self.message.setText("Select a rule first.")
            return
        severity, clock = self.severity.currentText(), self.ctx.options.clock

        def change(session: Session) -> str:
            update_rule(session, rule.code, severity=severity, clock=clock)
            return f"{rule.code} now reports {severity}."

        self.write("rule severity", change)
