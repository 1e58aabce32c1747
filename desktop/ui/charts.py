"""Charts (pyqtgraph) that follow the window's palette, light or dark."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pyqtgraph as pg
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

SERIES_COLOURS = ("#2e86c1", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#16a085")


def chart(title: str, parent: QWidget | None = None, *, dates: bool = False) -> pg.PlotWidget:
    axis = {"bottom": pg.DateAxisItem()} if dates else None
    plot = pg.PlotWidget(parent=parent, title=title, axisItems=axis)
    palette = plot.palette()
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom"):
        plot.getAxis(name).setPen(text)
        plot.getAxis(name).setTextPen(text)
    plot.getPlotItem().titleLabel.setText(title, color=text.name())
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMinimumHeight(180)
    plot.setMouseEnabled(x=False, y=False)  # wheel scrolls the page, not the chart
    return plot


def epoch(day: str) -> float:
    d = date.fromisoformat(day)
    return float((d - date(1970, 1, 1)).days * 86400)


def line(
    plot: pg.PlotWidget,
    xs: Sequence[float],
    ys: Sequence[float | None],
    index: int,
    name: str,
) -> None:
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    if not points:
        return
    pen = pg.mkPen(SERIES_COLOURS[index % len(SERIES_COLOURS)], width=2)
    plot.plot([p[0] for p in points], [p[1] for p in points], pen=pen, name=name)


def bars(plot: pg.PlotWidget, labels: Sequence[str], values: Sequence[float]) -> None:
    item = pg.BarGraphItem(
        x=list(range(len(values))), height=list(values), width=0.6, brush=SERIES_COLOURS[0]
    )
    plot.addItem(item)
    plot.getAxis("bottom").setTicks([list(enumerate(labels))])
