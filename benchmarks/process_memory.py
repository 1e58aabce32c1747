"""Peak memory of a process and its children, sampled from outside (Linux ``/proc``).

``ru_maxrss`` cannot be used here: Linux carries a parent's peak over ``fork`` and
``exec``, so a child started by a large parent reports the parent's size. Sampling
the resident set of the process tree every few milliseconds measures what the
import itself holds, its reader process included.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

PAGE_KB = 4  # /proc/PID/statm counts pages of 4 KiB on the machines this runs on


@dataclass
class PeakMemory:
    """``with PeakMemory(pid) as peak: ...`` then ``peak.total_mb`` and ``peak.by_role_mb``."""

    pid: int
    interval_s: float = 0.01
    total_mb: float = 0.0
    by_role_mb: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            sizes = {"importer": _resident_mb(self.pid)}
            for child in _children(self.pid):
                sizes[f"child {child}"] = _resident_mb(child)
            self.total_mb = max(self.total_mb, sum(sizes.values()))
            for role, size in sizes.items():
                key = "importer" if role == "importer" else "reader"
                self.by_role_mb[key] = max(self.by_role_mb.get(key, 0.0), size)


def _resident_mb(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0.0  # gone already
    return int(fields[1]) * PAGE_KB / 1024


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            children.extend(int(c) for c in text.split())
    except OSError:
        return children
    return children
