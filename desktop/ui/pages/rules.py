"""Alert rules: which findings become alerts; add, edit, switch off and remove them.

The form builds a ``RuleSpec``, whose own checks say what is wrong beside the form;
every change is one audited write through the rules service.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.alerts.metrics import KNOWN_METRICS, SEVERITIES
from desktop.alerts.rules import (
    RuleInfo,
    RuleSpec,
    add_rule,
    list_rules,
    remove_rule,
    set_rule_enabled,
    update_rule,
)
from desktop.errors import InvalidInput
from desktop.ui.context import AppContext
from desktop.ui.errors_view import in_form
from desktop.ui.pages.editor_base import EditorPage
from desktop.ui.tables import Column, money, number

COLUMNS: list[Column[RuleInfo]] = [
    Column("Id", lambda r: r.id, number, True),
    Column("Name", lambda r: r.spec.name),
    Column("On", lambda r: "yes" if r.spec.enabled else "no"),
    Column("Metrics", lambda r: ", ".join(r.spec.metrics)),
    Column("Minimum severity", lambda r: r.spec.min_severity),
    Column("Minimum effect", lambda r: r.spec.min_effect, number, True),
    Column("Minimum monthly impact", lambda r: r.spec.min_monthly_impact, money, True),
    Column("Payer", lambda r: r.spec.payer or "any"),
    Column("Code", lambda r: r.spec.cpt or "any"),
    Column("Set by", lambda r: r.source),
    Column("Updated", lambda r: r.updated_at),
]


def spin(maximum: float, decimals: int, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, maximum)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    return box


class RulesPage(EditorPage):
    key = "rules"
    title = "Alert rules"
    intro = (
        "A finding becomes an alert when an enabled rule covers its metric and it is at "
        "least as severe, as large (effect in the metric's unit: a share for rates, a "
        "relative change for allowed per unit, days for days to pay) and as costly as the "
        "rule asks. Leave payer or code empty to cover all. The next analysis uses them."
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, COLUMNS, parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("what the rule is for")
        self.metrics = {metric: QCheckBox(metric) for metric in KNOWN_METRICS}
        metric_row = QHBoxLayout()
        for box in self.metrics.values():
            metric_row.addWidget(box)
        metric_row.addStretch(1)
        self.severity = QComboBox()
        self.severity.addItems(list(SEVERITIES))
        self.min_effect = spin(1_000_000.0, 4, 0.01)
        self.min_impact = spin(1_000_000_000.0, 2, 100.0)
        self.min_impact.setPrefix("$")
        self.payer = QLineEdit()
        self.payer.setPlaceholderText("any payer")
        self.cpt = QLineEdit()
        self.cpt.setPlaceholderText("any code")
        self.cpt.setMaxLength(5)
        self.enabled = QCheckBox("Ena&bled")
        self.enabled.setChecked(True)

        group = QGroupBox("Rule")
        form = QFormLayout(group)
        form.addRow("&Name:", self.name)
        form.addRow("Metrics:", metric_row)
        form.addRow("Minimum se&verity:", self.severity)
        form.addRow("Minimum &effect:", self.min_effect)
        form.addRow("Minimum monthly &impact:", self.min_impact)
        form.addRow("Pa&yer:", self.payer)
        form.addRow("Co&de:", self.cpt)
        form.addRow("", self.enabled)
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.setObjectName("formError")
        self.form_error.setAccessibleName("rule form error")
        self.form_error.setStyleSheet("color: #b00020;")
        form.addRow(self.form_error)

        self.add_button = QPushButton("&Add as a new rule")
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton("&Save changes to the selected rule")
        self.save_button.clicked.connect(self.save)
        self.toggle_button = QPushButton("Switch &on/off")
        self.toggle_button.clicked.connect(self.toggle)
        self.remove_button = QPushButton("&Remove selected")
        self.remove_button.clicked.connect(self.remove)
        self.clear_button = QPushButton("C&lear the form")
        self.clear_button.clicked.connect(self.clear_form)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.toggle_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        column = QVBoxLayout()
        column.addWidget(group)
        column.addLayout(buttons)
        self.layout_.insertLayout(self.layout_.count() - 1, column)
        self.table.selectionModel().currentRowChanged.connect(self._fill)
        self.table.setAccessibleName("alert rules")

    def load_rows(self, session: Session) -> list[RuleInfo]:
        return list_rules(session)

    def _fill(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        rule: RuleInfo | None = self.selected()
        if rule is None:
            return
        spec = rule.spec
        self.name.setText(spec.name)
        for metric, box in self.metrics.items():
            box.setChecked(metric in spec.metrics)
        self.severity.setCurrentText(spec.min_severity)
        self.min_effect.setValue(spec.min_effect)
        self.min_impact.setValue(spec.min_monthly_impact)
        self.payer.setText(spec.payer or "")
        self.cpt.setText(spec.cpt or "")
        self.enabled.setChecked(spec.enabled)
        self.form_error.clear()

    def clear_form(self) -> None:
        """Start a new rule from nothing (choosing a row fills the form with that rule)."""
        self.name.clear()
        for box in self.metrics.values():
            box.setChecked(False)
        self.severity.setCurrentText(SEVERITIES[0])
        self.min_effect.setValue(0.0)
        self.min_impact.setValue(0.0)
        self.payer.clear()
        self.cpt.clear()
        self.enabled.setChecked(True)
        self.form_error.clear()
        self.name.setFocus()

    def spec(self) -> RuleSpec:
        """What the form says, checked by ``RuleSpec`` (raises InvalidInput)."""
        return RuleSpec(
            name=self.name.text().strip(),
            metrics=tuple(m for m, box in self.metrics.items() if box.isChecked()),
            min_severity=self.severity.currentText(),
            min_effect=self.min_effect.value(),
            min_monthly_impact=self.min_impact.value(),
            payer=self.payer.text().strip() or None,
            cpt=self.cpt.text().strip().upper() or None,
            enabled=self.enabled.isChecked(),
        )

    def _with_spec(self, then: Callable[[RuleSpec], None]) -> None:
        """Hand the form's rule to ``then``, or show beside the form why it is not valid."""
        try:
            spec = self.spec()
        except InvalidInput as exc:
            self.form_error.setText(str(exc))
            return
        self.form_error.clear()
        then(spec)

    def _form_failed(self, error: BaseException) -> None:
        self.form_error.setText(in_form(error))

    def _selected_rule(self) -> RuleInfo | None:
        rule: RuleInfo | None = self.selected()
        if rule is None:
            self.message.setText("Select a rule in the table first.")
        return rule

    def add(self) -> None:
        self._with_spec(self._add)

    def _add(self, spec: RuleSpec) -> None:
        clock = self.ctx.options.clock

        def change(session: Session) -> str:
            added = add_rule(session, spec, clock=clock)
            return f"Added rule {added.rule_id} “{spec.name}”; the next analysis uses it."

        self.write("add alert rule", change, self._form_failed)

    def save(self) -> None:
        rule = self._selected_rule()
        if rule is not None:
            self._with_spec(lambda spec: self._save(rule, spec))

    def _save(self, rule: RuleInfo, spec: RuleSpec) -> None:
        clock = self.ctx.options.clock

        def change(session: Session) -> str:
            result = update_rule(session, rule.id, spec, clock=clock)
            if not result.changed:
                return f"Rule “{spec.name}” already says this; nothing changed."
            return f"Saved rule “{spec.name}”; the next analysis uses it."

        self.write("update alert rule", change, self._form_failed)

    def toggle(self) -> None:
        rule, clock = self._selected_rule(), self.ctx.options.clock
        if rule is None:
            return
        enabled = not rule.spec.enabled

        def change(session: Session) -> str:
            set_rule_enabled(session, rule.id, enabled, clock=clock)
            return f"Rule “{rule.spec.name}” is now {'on' if enabled else 'off'}."

        self.write("switch alert rule", change, self._form_failed)

    def remove(self) -> None:
        rule, clock = self._selected_rule(), self.ctx.options.clock
        if rule is None:
            return

        def change(session: Session) -> str:
            remove_rule(session, rule.id, clock=clock)
            return f"Removed rule “{rule.spec.name}”."

        self.write("remove alert rule", change, self._form_failed)
