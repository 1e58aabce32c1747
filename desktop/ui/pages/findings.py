"""Findings: the last run's drift and delay findings, filters, and one finding's evidence."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.analysis.findings_view import (
    FindingDetail,
    FindingRow,
    finding_detail,
    list_findings,
)
from desktop.store.line_pages import LineRow
from desktop.ui import charts
from desktop.ui.context import AppContext
from desktop.ui.pages.base import EmptyState, Page, heading
from desktop.ui.tables import Column, DataTable, RecordModel, money, number, sortable
from desktop.ui.tasks import Task, TaskContext

ALL = "(all)"
SEVERITY_ORDER = {"high": 3, "medium": 2, "low": 1}


def metric_value(metric: str, value: float | None) -> str:
    if value is None:
        return ""
    if "rate" in metric or "share" in metric:
        return f"{value * 100:.1f}%"
    if "days" in metric:
        return f"{value:.1f} d"
    return f"{value:,.2f}"


FINDING_COLUMNS: list[Column[FindingRow]] = [
    Column("Severity", lambda f: f.severity),
    Column("Kind", lambda f: f.kind),
    Column("Payer", lambda f: f.payer),
    Column("Code", lambda f: f.cpt or "all codes"),
    Column("Metric", lambda f: f.metric),
    Column("Baseline", lambda f: f.baseline, align_right=True),
    Column("Current", lambda f: f.current, align_right=True),
    Column("Change date", lambda f: f.change_date),
    Column("Impact", lambda f: f.impact, money, True),
    Column("q", lambda f: f.q_value, lambda v: "" if v is None else f"{v:.2g}", True),
]
LINE_COLUMNS: list[Column[LineRow]] = [
    Column("Claim", lambda r: r.claim_id),
    Column("Line", lambda r: r.line_number, number, True),
    Column("Code", lambda r: r.cpt),
    Column("Service date", lambda r: r.date_of_service),
    Column("Decided", lambda r: r.decision_date),
    Column("Paid on", lambda r: r.paid_date),
    Column("Status", lambda r: r.status),
    Column("Billed", lambda r: r.billed, money, True),
    Column("Paid", lambda r: r.paid, money, True),
    Column("Reasons", lambda r: r.carc_codes),
]


def percent_text(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:.1f}%"


REASON_COLUMNS: list[Column[dict[str, Any]]] = [
    Column("Reason", lambda r: r.get("code")),
    Column("Share before", lambda r: r.get("baseline_share"), percent_text, True),
    Column("Share now", lambda r: r.get("current_share"), percent_text, True),
]


class FindingsModel(RecordModel[FindingRow]):
    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole and index.column() in (5, 6):
            row = self.rows[index.row()]
            return metric_value(row.metric, row.baseline if index.column() == 5 else row.current)
        if index.isValid() and role == Qt.ItemDataRole.UserRole + 1 and index.column() == 0:
            return SEVERITY_ORDER.get(self.rows[index.row()].severity, 0)
        return super().data(index, role)


class FindingsFilter(QSortFilterProxyModel):
    """Payer, code, metric and severity filters over the findings model."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.wanted: dict[str, str] = {}
        self.setSortRole(Qt.ItemDataRole.UserRole + 1)

    def set_filter(self, name: str, value: str) -> None:
        self.beginFilterChange()
        self.wanted[name] = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, FindingsModel)
        row = model.rows[source_row]
        values = {
            "payer": row.payer,
            "code": row.cpt or "all codes",
            "metric": row.metric,
            "severity": row.severity,
        }
        return all(v in (ALL, values[k]) for k, v in self.wanted.items())


class FindingsPage(Page):
    key = "findings"
    title = "Findings"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = FindingsModel(FINDING_COLUMNS, self)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = DataTable()
        self.table.setModel(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.filters: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        for name in ("payer", "code", "metric", "severity"):
            combo = QComboBox()
            combo.setAccessibleName(f"filter by {name}")
            combo.currentTextChanged.connect(lambda text, n=name: self.proxy.set_filter(n, text))
            self.filters[name] = combo
            bar.addWidget(QLabel(name.capitalize()))
            bar.addWidget(combo)
        bar.addStretch(1)
        self.count = QLabel()
        bar.addWidget(self.count)

        self.detail_title = QLabel("Choose a finding to see its evidence.")
        self.detail_title.setWordWrap(True)
        self.series = charts.LazyChart(
            "Weekly series (the dashed line marks the change date)", dates=True
        )
        self.reasons = RecordModel(REASON_COLUMNS, self)
        reasons_view = DataTable()
        reasons_view.setModel(sortable(self.reasons, self))
        self.lines = RecordModel(LINE_COLUMNS, self)
        self.lines_view = DataTable()
        self.lines_view.setModel(sortable(self.lines, self))
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.detail_title)
        upper = QHBoxLayout()
        upper.addWidget(self.series, 2)
        upper.addWidget(reasons_view, 1)
        detail_layout.addLayout(upper, 1)
        detail_layout.addWidget(QLabel("Claim lines behind it (current window, denied first):"))
        detail_layout.addWidget(self.lines_view, 1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(heading("Findings"))
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.empty = EmptyState(
            "No findings yet. Import your first file; the analysis runs after each import.",
            "Go to Import",
            lambda: ctx.events.navigate.emit("import"),
        )
        self.stack = self.stack_views(self.empty, content)
        self.content = content
        self.detail: FindingDetail | None = None
        ctx.events.changed.connect(lambda what: self.refresh() if what == "analysis" else None)

    def refresh(self) -> None:
        store = self.ctx.store

        def work(_ctx: TaskContext) -> list[FindingRow]:
            with store.read() as session:
                return list_findings(session)

        self.ctx.runner.submit(Task("findings", work), on_done=self.show_findings)

    def show_findings(self, rows: list[FindingRow]) -> None:
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.content if rows else self.empty)
        choices = {
            "payer": sorted({r.payer for r in rows}),
            "code": sorted({r.cpt or "all codes" for r in rows}),
            "metric": sorted({r.metric for r in rows}),
            "severity": ["high", "medium", "low"],
        }
        for name, combo in self.filters.items():
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL, *choices[name]])
            combo.setCurrentText(current if current in choices[name] else ALL)
            combo.blockSignals(False)
            self.proxy.set_filter(name, combo.currentText())
        self.count.setText(f"{len(rows)} findings")
        if rows and self.table.currentIndex().row() < 0:
            self.table.selectRow(0)

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[self.proxy.mapToSource(current).row()]
        store = self.ctx.store

        def work(_ctx: TaskContext) -> FindingDetail:
            with store.read() as session:
                return finding_detail(session, row.id)

        self.ctx.runner.submit(Task("finding detail", work), on_done=self.show_detail)

    def show_detail(self, detail: FindingDetail) -> None:
        self.detail = detail
        row = detail.row
        self.detail_title.setText(
            f"{row.payer} · {row.cpt or 'all codes'} · {row.metric}: "
            f"{metric_value(row.metric, row.baseline)} → {metric_value(row.metric, row.current)}"
            f" ({row.severity}; change around {row.change_date or 'not dated'})"
        )
        series = self.series.plot
        series.clear()
        if detail.weekly_start:
            xs = [charts.epoch(d) for d in detail.weekly_start]
            charts.line(series, xs, list(detail.weekly_value), 0, row.metric)
        if row.change_date:
            charts.change_marker(series, row.change_date)
        self.reasons.set_rows(list(detail.top_reasons))
        self.lines.set_rows(list(detail.lines))
