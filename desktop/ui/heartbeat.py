"""A GUI-thread heartbeat: how long the event loop went without running a timer.

Used by the tests and the benchmark to measure the longest stall while work runs.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer


class Heartbeat(QObject):
    def __init__(self, interval_ms: int = 10, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.longest_gap_s = 0.0
        self.beats = 0
        self._last = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def longest_stall_ms(self) -> float:
        """The longest gap beyond the timer's own interval."""
        return max(0.0, self.longest_gap_s * 1000 - self.interval_ms)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest_gap_s = max(self.longest_gap_s, now - self._last)
        self._last = now
        self.beats += 1
