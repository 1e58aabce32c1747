"""One alert in the inbox: its evidence, its history and the buttons to judge it.

The pane only shows what the services loaded (``load_alert``) and says which verdict
the person chose; the Alerts page records it and exports the worklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.alerts.feedback import FeedbackRecord
from desktop.alerts.queries import AlertDetail, AlertView, EventView, alert_detail
from desktop.alerts.worklist import criteria_for
from desktop.clock import iso_utc
from desktop.errors import InvalidInput
from desktop.ui.pages.findings import metric_value
from desktop.ui.tables import Column, DataTable, RecordModel, money, number, sortable

# The verdicts with their button text; the "&" letter is the Alt shortcut.
VERDICT_BUTTONS = (("real", "&Real"), ("noise", "&Noise"), ("resolved", "Re&solved"))


@dataclass(frozen=True)
class LoadedAlert:
    """An alert's detail and what its worklist would hold (or why it has none)."""

    detail: AlertDetail
    worklist: str
    has_worklist: bool


def load_alert(session: Session, alert_id: str) -> LoadedAlert:
    detail = alert_detail(session, alert_id)
    try:
        criteria = criteria_for(session, alert_id)
    except InvalidInput as exc:  # no run to take a window from: say so, export stays off
        return LoadedAlert(detail, f"No worklist: {exc}.", False)
    return LoadedAlert(detail, f"Worklist: {criteria.describe()}.", True)


def where(alert: AlertView) -> str:
    return f"{alert.payer} · {alert.cpt or 'all codes'}"


def when(value: str | None) -> str:
    """An ISO UTC stamp as minutes (sorting still uses the stamp itself)."""
    return "" if not value else value[:16].replace("T", " ")


@dataclass(frozen=True)
class Figure:
    name: str
    value: str


def evidence_figures(detail: AlertDetail) -> list[Figure]:
    alert, evidence = detail.alert, detail.evidence
    if not evidence:
        return [Figure("Evidence", "the finding behind this alert is no longer stored")]

    def p(value: Any) -> str:
        return "" if value is None else f"{value:.2g}"

    return [
        Figure("Before", metric_value(alert.metric, evidence.get("baseline"))),
        Figure("Now", metric_value(alert.metric, evidence.get("current"))),
        Figure("Lines before", number(evidence.get("n_baseline"))),
        Figure("Lines now", number(evidence.get("n_current"))),
        Figure("Changed around", str(evidence.get("change_date") or "not dated")),
        Figure("Monthly impact", money(evidence.get("impact"))),
        Figure("p / q", f"{p(evidence.get('p_value'))} / {p(evidence.get('q_value'))}"),
        Figure("Found by run", str(evidence.get("run_id", ""))),
    ]


FIGURE_COLUMNS: list[Column[Figure]] = [
    Column("Evidence", lambda f: f.name),
    Column("Value", lambda f: f.value),
]
FEEDBACK_COLUMNS: list[Column[FeedbackRecord]] = [
    Column("Given (UTC)", lambda r: iso_utc(r.at), when),
    Column("Verdict", lambda r: r.verdict),
    Column("Note", lambda r: r.note),
    Column("By", lambda r: r.actor),
    Column("From", lambda r: "this computer" if r.origin == "local" else "another device"),
]
EVENT_COLUMNS: list[Column[EventView]] = [
    Column("When (UTC)", lambda e: e.at, when),
    Column("Outcome", lambda e: e.outcome),
    Column("Why", lambda e: e.reason),
    Column("Decided by", lambda e: e.decided_by),
]


def table_of(model: RecordModel[Any], parent: QWidget) -> DataTable:
    view = DataTable()
    view.setModel(sortable(model, parent))
    return view


class AlertDetailPane(QWidget):
    """The chosen alert; ``verdict_chosen(verdict, note)`` and ``export_requested``."""

    verdict_chosen = Signal(str, str)
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loaded: LoadedAlert | None = None
        self.title = QLabel("Choose an alert to see its evidence.")
        self.title.setWordWrap(True)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.figures: RecordModel[Figure] = RecordModel(FIGURE_COLUMNS, self)
        self.figures_view = table_of(self.figures, self)
        self.worklist = QLabel()
        self.worklist.setWordWrap(True)
        self.export = QPushButton("Export &worklist…")
        self.export.setToolTip("Write the claim lines behind this alert to a CSV file")
        self.export.clicked.connect(self.export_requested)

        self.note = QLineEdit()
        self.note.setPlaceholderText("why (optional; kept with the verdict)")
        self.note.setAccessibleName("feedback note")
        note_label = QLabel("N&ote:")
        note_label.setBuddy(self.note)
        self.buttons: dict[str, QPushButton] = {}
        judge = QGroupBox("Your verdict")
        row = QHBoxLayout(judge)
        row.addWidget(note_label)
        row.addWidget(self.note, 1)
        for verdict, text in VERDICT_BUTTONS:
            button = QPushButton(text)
            button.setAccessibleName(f"mark {verdict}")
            button.clicked.connect(lambda _c=False, v=verdict: self._choose(v))
            self.buttons[verdict] = button
            row.addWidget(button)
        # Enter in the note gives no verdict: the person picks one on purpose.

        self.feedback: RecordModel[FeedbackRecord] = RecordModel(FEEDBACK_COLUMNS, self)
        self.feedback_view = table_of(self.feedback, self)
        self.events: RecordModel[EventView] = RecordModel(EVENT_COLUMNS, self)
        self.events_view = table_of(self.events, self)
        self.history = QTabWidget()
        self.history.addTab(self.feedback_view, "Feedback history")
        self.history.addTab(self.events_view, "Outcomes of each run")

        worklist_row = QHBoxLayout()
        worklist_row.addWidget(self.worklist, 1)
        worklist_row.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addWidget(judge)
        layout.addLayout(worklist_row)
        layout.addWidget(self.figures_view, 1)
        layout.addWidget(self.history, 1)
        QWidget.setTabOrder(self.note, self.buttons["real"])
        QWidget.setTabOrder(self.buttons["real"], self.buttons["noise"])
        QWidget.setTabOrder(self.buttons["noise"], self.buttons["resolved"])
        QWidget.setTabOrder(self.buttons["resolved"], self.export)
        QWidget.setTabOrder(self.export, self.figures_view)
        QWidget.setTabOrder(self.figures_view, self.history)
        self.clear()

    def clear(self) -> None:
        self.loaded = None
        self.title.setText("Choose an alert to see its evidence.")
        self.state.clear()
        self.worklist.clear()
        self.figures.set_rows([])
        self.feedback.set_rows([])
        self.events.set_rows([])
        self.set_actions_enabled(False)

    def set_actions_enabled(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)
        self.export.setEnabled(enabled and self.loaded is not None and self.loaded.has_worklist)

    def show_alert(self, loaded: LoadedAlert) -> None:
        self.loaded = loaded
        detail = loaded.detail
        alert = detail.alert
        self.title.setText(f"{where(alert)} · {alert.metric} {alert.direction} ({alert.severity})")
        self.state.setText(state_text(alert))
        self.worklist.setText(loaded.worklist)
        self.figures.set_rows(evidence_figures(detail))
        self.feedback.set_rows(list(detail.feedback))
        self.events.set_rows(list(detail.events))
        self.set_actions_enabled(True)

    def _choose(self, verdict: str) -> None:
        if self.loaded is not None:
            self.verdict_chosen.emit(verdict, self.note.text())


def state_text(alert: AlertView) -> str:
    parts = [f"State: {alert.state}."]
    if alert.suppressed_reason:
        parts.append(f"Held: {alert.suppressed_reason}.")
    if alert.feedback is not None:
        verdict = alert.feedback
        note = f" (“{verdict.note}”)" if verdict.note else ""
        parts.append(
            f"Verdict in force: {verdict.verdict}{note} by {verdict.actor} "
            f"on {when(iso_utc(verdict.at))}."
        )
    parts.append(f"Last found by a run: {when(alert.last_seen_at) or 'never'}.")
    return " ".join(parts)
