"""Dashboard: headline figures against the baseline, denial trends, days to pay, aging.

Opening it never runs an analysis: the cheap summary (last stored run, alert counts)
shows at once, and the trend figures fill in from a worker.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.analysis.overview import (
    DashboardSummary,
    DashboardTrends,
    Headline,
    dashboard_summary,
    dashboard_trends,
)
from desktop.ui import charts
from desktop.ui.context import AppContext
from desktop.ui.pages.base import EmptyState, Page, heading
from desktop.ui.tasks import Task, TaskContext


def figure_text(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{value:.0f} days"
    if unit == "dollars":
        return f"${value:,.0f}"
    return f"{value:,.0f}"


class FigureCard(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title)
        self.value = QLabel("…")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.compare = QLabel("")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.compare)

    def show_headline(self, headline: Headline) -> None:
        self.value.setText(figure_text(headline.current, headline.unit))
        self.compare.setText(f"baseline {figure_text(headline.baseline, headline.unit)}")


class DashboardPage(Page):
    key = "dashboard"
    title = "Dashboard"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.summary: DashboardSummary | None = None
        self.trends: DashboardTrends | None = None
        self.empty = EmptyState(
            "This store holds no claims yet. Import your first file: a claims export (CSV) "
            "or remittances (835).",
            "Import your first file",
            lambda: ctx.events.navigate.emit("import"),
        )
        self.loading = EmptyState("Opening the dashboard…")
        content = QWidget()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.cards = {
            name: FigureCard(name)
            for name in ("Denial rate", "Days to pay (median)", "Open A/R", "Open alerts")
        }
        grid = QGridLayout()
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, 0, i)
        self.denials = charts.LazyChart("Denial rate by payer (weekly)", dates=True, legend=True)
        self.curves = charts.LazyChart("Share paid by days since submission", legend=True)
        self.aging = charts.LazyChart("Open A/R by age (days since submission)")
        rerun = QPushButton("Run the &analysis")
        rerun.clicked.connect(lambda: ctx.events.navigate.emit("import:analyse"))
        top = QHBoxLayout()
        top.addWidget(heading("Dashboard"))
        top.addStretch(1)
        top.addWidget(rerun)
        lower = QHBoxLayout()
        lower.addWidget(self.curves)
        lower.addWidget(self.aging)
        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addLayout(grid)
        layout.addWidget(self.denials, 1)
        layout.addLayout(lower, 1)
        self.stack = self.stack_views(self.loading, self.empty, content)
        self.content = content
        ctx.events.changed.connect(lambda _what: self.refresh())

    def refresh(self) -> None:
        store = self.ctx.store

        def work(_ctx: TaskContext) -> DashboardSummary:
            with store.read() as session:
                return dashboard_summary(session)

        self.ctx.runner.submit(Task("dashboard", work), on_done=self.show_summary)

    def show_summary(self, summary: DashboardSummary) -> None:
        self.summary = summary
        if summary.lines == 0:
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentWidget(self.content)
        run = summary.last_run
        if run is None:
            self.caption.setText(
                f"{summary.lines:,} claim lines from {summary.imports} imports. No analysis "
                "has run yet: press “Run the analysis” (F5 on the Import page)."
            )
        else:
            self.caption.setText(
                f"{summary.lines:,} claim lines. Last analysis as of {run.as_of}: current "
                f"window {run.current.get('start')} – {run.current.get('end')} against the "
                f"baseline {run.baseline.get('start')} – {run.baseline.get('end')}; "
                f"{run.drift_findings} drift and {run.delay_findings} delay findings "
                f"({run.high_findings} high)."
            )
        self.cards["Open alerts"].value.setText(f"{summary.open_alerts:,}")
        self.cards["Open alerts"].compare.setText("to review in Alerts")
        if summary.open_ar is not None:
            self.cards["Open A/R"].value.setText(figure_text(summary.open_ar, "dollars"))
        store = self.ctx.store

        def work(_ctx: TaskContext) -> DashboardTrends | None:
            with store.read() as session:
                return dashboard_trends(session, summary)

        self.ctx.runner.submit(Task("dashboard trends", work), on_done=self.show_trends)

    def show_trends(self, trends: DashboardTrends | None) -> None:
        self.trends = trends
        summary = self.summary
        if summary is not None and summary.aging:
            self.aging.plot.clear()
            charts.bars(
                self.aging.plot,
                [b.bucket for b in summary.aging],
                [b.billed for b in summary.aging],
            )
        if trends is None:
            return
        for headline in trends.headlines:
            self.cards[headline.name].show_headline(headline)
        denials = self.denials.plot
        denials.clear()
        for i, trend in enumerate(trends.denial_trends):
            xs = [charts.epoch(d) for d in trend.week_start]
            ys: list[Any] = [None if v is None else v * 100 for v in trend.denial_rate]
            charts.line(denials, xs, ys, i, trend.payer)
        denials.setLabel("left", "% denied")
        curves = self.curves.plot
        curves.clear()
        for i, curve in enumerate(trends.pay_curves):
            charts.line(
                curves, list(curve.days), [v * 100 for v in curve.share_paid], i, curve.label
            )
        curves.setLabel("left", "% paid")
        curves.setLabel("bottom", "days")
