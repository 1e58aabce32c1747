"""Report charts drawn with QPainter: weekly series, days-to-pay curves, aging bars."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF

from desktop.reports.content import AgingRow, Curve, WeeklyEvidence

INK = QColor(40, 40, 40)
GRID = QColor(210, 210, 210)
BASE = QColor(90, 120, 170)
NOW = QColor(200, 70, 50)
BUCKETS = (
    QColor(120, 170, 120),
    QColor(190, 200, 110),
    QColor(230, 180, 90),
    QColor(220, 120, 80),
    QColor(180, 70, 70),
)


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return font


def _frame(p: QPainter, rect: QRectF, title: str) -> QRectF:
    """Draw the title and axes box; returns the plotting area."""
    p.setFont(_font(8, bold=True))
    p.setPen(INK)
    title_h = p.fontMetrics().height() * 1.4
    p.drawText(
        QRectF(rect.left(), rect.top(), rect.width(), title_h), Qt.AlignmentFlag.AlignLeft, title
    )
    p.setFont(_font(7))
    label_w = p.fontMetrics().horizontalAdvance("0000000")
    label_h = p.fontMetrics().height() * 1.3
    plot = QRectF(
        rect.left() + label_w,
        rect.top() + title_h,
        rect.width() - label_w,
        rect.height() - title_h - label_h,
    )
    p.setPen(QPen(GRID, 1))
    for i in range(5):
        y = plot.top() + plot.height() * i / 4
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
    p.setPen(QPen(INK, 1.5))
    p.drawLine(plot.bottomLeft(), plot.bottomRight())
    p.drawLine(plot.bottomLeft(), plot.topLeft())
    return plot


def _y_labels(
    p: QPainter, plot: QRectF, low: float, high: float, fmt: Callable[[float], str]
) -> None:
    p.setPen(INK)
    width = plot.left() - 4
    for i in range(5):
        value = high - (high - low) * i / 4
        y = plot.top() + plot.height() * i / 4
        box = QRectF(plot.left() - width - 4, y - 20, width, 40)
        p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, fmt(value))


def _x_label(p: QPainter, plot: QRectF, x: float, text: str, align: Qt.AlignmentFlag) -> None:
    h = p.fontMetrics().height() * 1.3
    w = p.fontMetrics().horizontalAdvance(text) + 8
    left = x if align == Qt.AlignmentFlag.AlignLeft else x - w
    p.drawText(QRectF(left, plot.bottom() + 2, w, h), align, text)


def draw_weekly(
    p: QPainter,
    rect: QRectF,
    weekly: WeeklyEvidence,
    change_date: str | None,
    fmt: Callable[[float], str],
    title: str,
) -> None:
    """The weekly series the change date was read from, the change date marked."""
    plot = _frame(p, rect, title)
    values = [v for v in weekly.value if v is not None]
    if not values:
        return
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    days = [date.fromisoformat(d).toordinal() for d in weekly.week_start]
    first, last = days[0], max(days[-1], days[0] + 1)

    def x_of(day: float) -> float:
        return plot.left() + plot.width() * (day - first) / (last - first)

    def y_of(value: float) -> float:
        return plot.bottom() - plot.height() * (value - low) / (high - low)

    _y_labels(p, plot, low, high, fmt)
    p.setPen(QPen(BASE, 3))
    segment: list[QPointF] = []
    for d, v in zip(days, weekly.value, strict=True):
        if v is None:  # a gap in the series: end the line here
            if len(segment) > 1:
                p.drawPolyline(QPolygonF(segment))
            segment = []
            continue
        segment.append(QPointF(x_of(d), y_of(v)))
    if len(segment) > 1:
        p.drawPolyline(QPolygonF(segment))
    p.setPen(INK)
    _x_label(p, plot, plot.left(), weekly.week_start[0], Qt.AlignmentFlag.AlignLeft)
    _x_label(p, plot, plot.right(), weekly.week_start[-1], Qt.AlignmentFlag.AlignRight)
    if change_date is not None:
        x = x_of(date.fromisoformat(change_date).toordinal())
        pen = QPen(NOW, 2.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        p.setPen(NOW)
        text = f"change ~{change_date}"
        w = p.fontMetrics().horizontalAdvance(text) + 8
        left = x + 6 if x + w < plot.right() else x - w - 6
        p.drawText(
            QRectF(left, plot.top(), w, p.fontMetrics().height() * 1.3),
            Qt.AlignmentFlag.AlignLeft,
            text,
        )


def draw_curves(p: QPainter, rect: QRectF, base: Curve, current: Curve, title: str) -> None:
    """Share of claims still unpaid by days since submission: baseline and current."""
    plot = _frame(p, rect, title)
    longest = max([*base.days, *current.days, 1.0])

    def point(day: float, unpaid: float) -> QPointF:
        return QPointF(
            plot.left() + plot.width() * day / longest, plot.bottom() - plot.height() * unpaid
        )

    _y_labels(p, plot, 0.0, 1.0, lambda v: f"{v:.0%}")
    for curve, color, name in ((base, BASE, "baseline"), (current, NOW, "current")):
        steps: list[QPointF] = [point(0.0, 1.0)]
        previous = 1.0
        for day, unpaid in zip(curve.days, curve.unpaid, strict=True):
            steps += [point(day, previous), point(day, unpaid)]
            previous = unpaid
        p.setPen(QPen(color, 3))
        p.drawPolyline(QPolygonF(steps))
        _legend(p, plot, color, name, 0 if name == "baseline" else 1)
    p.setPen(INK)
    _x_label(p, plot, plot.left(), "0 days", Qt.AlignmentFlag.AlignLeft)
    _x_label(p, plot, plot.right(), f"{longest:.0f} days", Qt.AlignmentFlag.AlignRight)


def _legend(p: QPainter, plot: QRectF, color: QColor, name: str, row: int) -> None:
    h = p.fontMetrics().height() * 1.3
    top = plot.top() + 6 + row * h
    p.setPen(QPen(color, 3))
    p.drawLine(QPointF(plot.right() - 260, top + h / 2), QPointF(plot.right() - 200, top + h / 2))
    p.setPen(INK)
    p.drawText(QRectF(plot.right() - 190, top, 190, h), Qt.AlignmentFlag.AlignLeft, name)


def draw_aging(p: QPainter, rect: QRectF, rows: Sequence[AgingRow], title: str) -> None:
    """Open A/R by payer (largest first), stacked by age bucket."""
    p.setFont(_font(8, bold=True))
    p.setPen(INK)
    title_h = p.fontMetrics().height() * 1.4
    p.drawText(
        QRectF(rect.left(), rect.top(), rect.width(), title_h), Qt.AlignmentFlag.AlignLeft, title
    )
    p.setFont(_font(7))
    if not rows:
        return
    labels = [label for label, _ in rows[0].buckets]
    legend_h = p.fontMetrics().height() * 1.5
    name_w = rect.width() * 0.3
    area = QRectF(
        rect.left() + name_w,
        rect.top() + title_h,
        rect.width() - name_w,
        rect.height() - title_h - legend_h,
    )
    largest = max(sum(b for _, b in row.buckets) for row in rows) or 1.0
    bar_h = area.height() / len(rows)
    for i, row in enumerate(rows):
        top = area.top() + i * bar_h
        p.setPen(INK)
        p.drawText(
            QRectF(rect.left(), top, name_w - 8, bar_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            row.payer,
        )
        x = area.left()
        for j, (_, billed) in enumerate(row.buckets):
            w = area.width() * 0.82 * billed / largest  # room for the total
            p.fillRect(QRectF(x, top + bar_h * 0.15, w, bar_h * 0.7), BUCKETS[j % len(BUCKETS)])
            x += w
        total = sum(b for _, b in row.buckets)
        p.setPen(INK)
        p.drawText(QRectF(x + 6, top, 400, bar_h), Qt.AlignmentFlag.AlignVCenter, f"${total:,.0f}")
    x = area.left()
    for j, label in enumerate(labels):
        box = QRectF(x, area.bottom() + legend_h * 0.25, legend_h * 0.5, legend_h * 0.5)
        p.fillRect(box, BUCKETS[j % len(BUCKETS)])
        text = f"{label} days"
        w = p.fontMetrics().horizontalAdvance(text) + 30
        p.setPen(INK)
        p.drawText(
            QRectF(box.right() + 6, area.bottom(), w, legend_h), Qt.AlignmentFlag.AlignVCenter, text
        )
        x = box.right() + 6 + w
