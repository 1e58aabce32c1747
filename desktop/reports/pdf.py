"""The manager's report as a PDF, written with Qt's own ``QPdfWriter`` and ``QPainter``.

Page 1: who and when, the period compared, the headline figures, every change found
in one line each (with its alert's state and, when held back, why), and the open A/R
by age. Then one section per top finding: the figures, the alert, the evidence
(weekly series with the change date marked, or days-to-pay curves), top reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from desktop.clock import iso_utc
from desktop.reports.charts import draw_aging, draw_curves, draw_weekly
from desktop.reports.content import ReportContent, ReportFinding
from desktop.reports.qt_app import ensure_gui_app

Progress = Callable[[int, int, str], None]
RESOLUTION = 150  # dots per inch of the painter's coordinates
TOP_FINDINGS = 10
AGING_PAYERS = 8
MUTED = QColor(90, 90, 90)
SEVERITY_COLORS = {"high": QColor(180, 40, 40), "medium": QColor(200, 120, 20), "low": MUTED}


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    # No ligatures: text copied or extracted from the PDF keeps plain letters ("fi").
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return font


class _Flow:
    """Text and blocks placed top to bottom, a new page when one does not fit."""

    def __init__(self, writer: QPdfWriter, painter: QPainter) -> None:
        self.writer = writer
        self.p = painter
        self.page = writer.pageLayout().paintRectPixels(RESOLUTION)
        self.width = float(self.page.width())
        self.y = 0.0
        self.pages = 1

    def new_page(self) -> None:
        self.writer.newPage()
        self.pages += 1
        self.y = 0.0

    def ensure(self, height: float) -> None:
        if self.y + height > self.page.height() and self.y > 0:
            self.new_page()

    def text(
        self, text: str, size: float = 10, *, bold: bool = False, color: QColor | None = None,
        indent: float = 0.0, gap: float = 0.3,
    ) -> None:  # fmt: skip
        self.p.setFont(_font(size, bold))
        self.p.setPen(color or QColor(20, 20, 20))
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        box = QRectF(indent, 0, self.width - indent, 10_000)
        height = self.p.boundingRect(box, flags, text).height()
        self.ensure(height)
        self.p.drawText(QRectF(indent, self.y, self.width - indent, height), flags, text)
        self.y += height + self.p.fontMetrics().height() * gap

    def block(self, height: float) -> QRectF:
        self.ensure(height)
        rect = QRectF(0, self.y, self.width, height)
        self.y += height + 20
        return rect


def _headline(content: ReportContent) -> list[str]:
    drift = [f for f in content.findings if f.kind == "drift"]
    delay = [f for f in content.findings if f.kind == "delay"]
    states = ", ".join(f"{n} {s}" for s, n in content.alert_states.items()) or "none"
    return [
        f"Claim lines analysed: {content.lines:,}",
        f"Payers denying more or paying less: {len(drift)} change(s), about "
        f"${content.revenue_at_risk:,.0f} a month at stake",
        f"Payers paying later: {len(delay)} change(s), ${content.cash_delayed:,.0f} arriving "
        "later than usual",
        f"Open A/R waiting on payers: ${content.open_ar:,.0f}",
        f"Alerts: {states}",
    ]


def _alert_line(f: ReportFinding) -> str:
    if f.alert_id is None:
        why = f" ({f.outcome_reason})" if f.outcome_reason else ""
        return f"Not an alert: {f.outcome or 'not evaluated'}{why}"
    parts = [f"Alert {f.alert_id[:8]}: {f.alert_state}"]
    if f.suppressed_reason:
        parts.append(f"held back: {f.suppressed_reason}")
    if f.feedback:
        parts.append(f"operator feedback: {f.feedback}")
    return "; ".join(parts)


def _section(flow: _Flow, number: int, f: ReportFinding) -> None:
    flow.ensure(flow.page.height() * 0.45)
    flow.text(f"{number}. {f.headline()}", 12, bold=True)
    flow.text(
        f"Severity {f.severity}; {f.impact_text()}; {f.n_baseline:,} lines in the baseline, "
        f"{f.n_current:,} in the current window; q-value {f.q_value or 0:.2g}.",
        9,
        color=MUTED,
    )
    flow.text(_alert_line(f), 9, color=SEVERITY_COLORS.get(f.severity, MUTED))
    if f.weekly is not None:
        rect = flow.block(flow.page.height() * 0.22)
        draw_weekly(
            flow.p,
            rect,
            f.weekly,
            f.change_date,
            f.value_text,
            f"Weekly {f.metric_name}, {f.where}",
        )
    if f.curves is not None:
        rect = flow.block(flow.page.height() * 0.22)
        draw_curves(
            flow.p, rect, f.curves[0], f.curves[1], f"Share still unpaid by days, {f.where}"
        )
    if f.top_reasons:
        reasons = "; ".join(
            f"{r['code']} {r['baseline_share']:.0%} -> {r['current_share']:.0%}"
            for r in f.top_reasons
        )
        flow.text(f"Denial reasons (share of denials, baseline -> current): {reasons}", 9)
    flow.y += 30


def write_pdf(content: ReportContent, path: Path, progress: Progress | None = None) -> int:
    """Write the report to ``path``; returns the number of pages."""
    ensure_gui_app()
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setTitle(f"Upstream report, {content.customer}, as of {content.as_of}")
    writer.setCreator("Upstream")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter(writer)
    try:
        flow = _Flow(writer, painter)
        top = content.findings[:TOP_FINDINGS]
        total = len(top) + 1
        if progress is not None:
            progress(0, total, "summary")
        flow.text(f"What changed with payers: {content.customer}", 16, bold=True)
        flow.text(
            f"As of {content.as_of}. Current period {content.current['start']} to "
            f"{content.current['end']}, compared with {content.baseline['start']} to "
            f"{content.baseline['end']}. Prepared {iso_utc(content.generated_at)[:10]}.",
            9,
            color=MUTED,
        )
        flow.text("Headline figures", 12, bold=True)
        for line in _headline(content):
            flow.text(line, 10, indent=20, gap=0.1)
        flow.y += 20
        flow.text("Changes found", 12, bold=True)
        if not content.findings:
            flow.text("No payer changed how it denies, pays or pays on time.", 10)
        for f in content.findings:
            flow.text(
                f"[{f.severity.upper()}] {f.headline()}; {f.impact_text()}", 10, indent=20, gap=0.05
            )
            flow.text(_alert_line(f), 8, color=MUTED, indent=40)
        if content.aging:
            rows = content.aging[:AGING_PAYERS]
            rect = flow.block(36.0 * len(rows) + 100)
            draw_aging(painter, rect, rows, "Open A/R by payer and age (days since service)")
        for number, f in enumerate(top, start=1):
            if number == 1:
                flow.new_page()
                flow.text("The top findings and their evidence", 14, bold=True)
            _section(flow, number, f)
            if progress is not None:
                progress(number, total, f.where)
        pages = flow.pages
        if progress is not None:
            progress(total, total, "done")
    finally:
        painter.end()
    return pages
