"""Charts (pyqtgraph) that follow the window's palette, light or dark.

pyqtgraph takes a noticeable part of a second to import, so each chart widget is
made when its first data arrive (``LazyChart``): the window opens without waiting for
it. The import runs on the GUI thread: importing pyqtgraph on a worker thread crashed
Qt (it touches Qt objects at import).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from importlib import import_module
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

SERIES_COLOURS = ("#2e86c1", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#16a085")


def load() -> Any:
    """Import pyqtgraph (on the GUI thread only)."""
    return import_module("pyqtgraph")


def chart(title: str, parent: QWidget | None = None, *, dates: bool = False) -> Any:
    pg = load()
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
    plot.setMouseEnabled(x=False, y=False)  # the wheel scrolls the page, not the chart
    return plot


class LazyChart(QWidget):
    """A chart's place in the layout; the pyqtgraph widget is made on first use."""

    def __init__(
        self,
        title: str,
        *,
        dates: bool = False,
        legend: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self._dates = dates
        self._legend = legend
        self._plot: Any = None
        self.setMinimumHeight(180)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def plot(self) -> Any:
        if self._plot is None:
            self._plot = chart(self.title, self, dates=self._dates)
            if self._legend:
                self._plot.addLegend(offset=(10, 10))
            self._layout.addWidget(self._plot)
        return self._plot


def epoch(day: str) -> float:
    d = date.fromisoformat(day)
    return float((d - date(1970, 1, 1)).days * 86400)


def line(plot: Any, xs: Sequence[float], ys: Sequence[float | None], index: int, name: str) -> None:
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    if not points:
        return
    pg = load()
    pen = pg.mkPen(SERIES_COLOURS[index % len(SERIES_COLOURS)], width=2)
    plot.plot([p[0] for p in points], [p[1] for p in points], pen=pen, name=name)


def bars(plot: Any, labels: Sequence[str], values: Sequence[float]) -> None:
    pg = load()
    item = pg.BarGraphItem(
        x=list(range(len(values))), height=list(values), width=0.6, brush=SERIES_COLOURS[0]
    )
    plot.addItem(item)
    plot.getAxis("bottom").setTicks([list(enumerate(labels))])


def change_marker(plot: Any, day: str) -> None:
    from PySide6.QtCore import Qt

    pg = load()
    pen = pg.mkPen("#c0392b", style=Qt.PenStyle.DashLine)
    plot.addItem(pg.InfiniteLine(pos=epoch(day), angle=90, pen=pen))
