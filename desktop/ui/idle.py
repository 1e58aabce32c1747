"""Auto-lock: notice when nobody has used the window for the configured minutes."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
CHECK_EVERY_MS = 5_000


class IdleWatcher(QObject):
    """Emits ``idle`` once the person was inactive for ``minutes`` (0: never)."""

    idle = Signal()

    def __init__(
        self,
        minutes: int,
        *,
        now: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self.minutes = minutes
        self.last_activity = now()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.last_activity = self._now()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in ACTIVITY:
            self.last_activity = self._now()
        return False

    def check(self) -> None:
        if self.minutes > 0 and self._now() - self.last_activity >= self.minutes * 60:
            self.timer.stop()
            self.idle.emit()
