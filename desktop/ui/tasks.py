"""One task runner for every page: work off the GUI thread, results back by signal.

Store work runs on one serialised thread (one writer at a time, like the store wants);
the GUI thread only receives progress, results and errors through queued signals.
A task's function is plain Python that never touches a widget: it gets a
``TaskContext`` whose ``progress`` raises the task's cancel error once Cancel is pressed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from desktop.errors import UpstreamError

log = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_INTERVAL_S = 0.1  # at most ten progress signals a second reach the GUI


class TaskCancelled(UpstreamError):
    """The person pressed Cancel (used when a service has no cancel error of its own)."""


@dataclass
class TaskContext:
    """Handed to a task's function: progress reporting and the cancel flag."""

    cancel_error: Callable[[], BaseException]
    _signals: _TaskSignals
    _cancelled: threading.Event = field(default_factory=threading.Event)
    _last: float = 0.0

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise self.cancel_error()

    def progress(self, done: int, total: int | None, detail: str = "") -> None:
        """Report progress (throttled); raises the cancel error once Cancel was pressed."""
        self.check()
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or (total is not None and done >= total):
            self._last = now
            self._signals.progress.emit(done, -1 if total is None else total, detail)


class _TaskSignals(QObject):
    progress = Signal(int, int, str)  # done, total (-1: unknown), detail
    finished = Signal(object)
    failed = Signal(object)  # the exception


class Task(QRunnable, Generic[T]):
    """A unit of background work; connect to ``signals`` before submitting it."""

    def __init__(
        self,
        name: str,
        work: Callable[[TaskContext], T],
        *,
        cancel_error: Callable[[], BaseException] = TaskCancelled,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until its result is delivered
        self.name = name
        self.signals = _TaskSignals()
        self.context = TaskContext(cancel_error, self.signals)
        self._work = work
        self.done = threading.Event()

    def cancel(self) -> None:
        self.context._cancelled.set()

    def run(self) -> None:
        try:
            result = self._work(self.context)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, never swallowed
            if not isinstance(exc, UpstreamError):
                log.error("task %s failed", self.name, exc_info=exc)
            self.done.set()
            self.signals.failed.emit(exc)
            return
        self.done.set()
        self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Runs store tasks one at a time on a worker thread; knows what is still running."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: list[Task[Any]] = []
        self._relays: list[_Relay] = []
        self._closed = False

    def submit(
        self,
        task: Task[T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int | None, str], None] | None = None,
    ) -> Task[T]:
        # The relay lives in the GUI thread, so Qt queues the worker's signals to it.
        relay = _Relay(self, task, on_done, on_error, on_progress)
        task.signals.progress.connect(relay.progress)
        task.signals.finished.connect(relay.finished)
        task.signals.failed.connect(relay.failed)
        self._running.append(task)
        self._relays.append(relay)
        self.busy_changed.emit(True)
        self._pool.start(task)
        return task

    def _settle(self, relay: _Relay) -> None:
        if relay.task in self._running:
            self._running.remove(relay.task)
        if relay in self._relays:
            self._relays.remove(relay)
        if not self._running:
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel, wait, and deliver nothing more (the pages are going away)."""
        self._closed = True
        self.cancel_all()
        return self.wait(timeout_ms)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the worker is idle (closing or locking the store waits for it)."""
        return bool(self._pool.waitForDone(timeout_ms))


class _Relay(QObject):
    """Receives one task's signals in the GUI thread and calls the page's callbacks."""

    def __init__(
        self,
        runner: TaskRunner,
        task: Task[Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[int, int | None, str], None] | None,
    ) -> None:
        super().__init__(runner)
        self.runner = runner
        self.task = task
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress

    @Slot(int, int, str)
    def progress(self, done: int, total: int, detail: str) -> None:
        if (
            self._on_progress is not None
            and not self.task.done.is_set()
            and not self.runner._closed
        ):
            self._on_progress(done, None if total < 0 else total, detail)

    @Slot(object)
    def finished(self, result: object) -> None:
        self.runner._settle(self)
        if self.runner._closed:
            return
        if self._on_done is not None:
            self._on_done(result)

    @Slot(object)
    def failed(self, error: object) -> None:
        self.runner._settle(self)
        if self.runner._closed:
            return
        if self._on_error is not None:
            assert isinstance(error, BaseException)
            self._on_error(error)
        else:
            log.error("task %s failed with nobody listening: %s", self.task.name, error)
