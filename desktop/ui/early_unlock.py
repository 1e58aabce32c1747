"""Unlocking on a thread of its own while the window's modules load.

Argon2id takes about half a second and releases the GIL, so when the passphrase is
known before the window exists (``make run``, the start-up benchmark) the key is
derived while Qt and the pages import. ``begin`` is called as early as possible
(see ``desktop.ui.start``); ``run`` picks the unlock up with ``take_early_unlock``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.store import Store

_started: list[EarlyUnlock] = []


class EarlyUnlock:
    def __init__(self, path: Path, passphrase: str) -> None:
        self.path = path
        self._passphrase = passphrase
        self._store: Store | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._open, name="early unlock", daemon=True)

    @classmethod
    def begin(cls, path: Path, passphrase: str) -> EarlyUnlock:
        early = cls(path, passphrase)
        early._thread.start()
        return early

    def _open(self) -> None:
        from desktop.store import open_store

        try:
            self._store = open_store(self.path, self._passphrase)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits in result()
            self._error = exc
        finally:
            self._passphrase = ""

    def result(self) -> Store:
        """The open store (waits for the thread); raises what opening raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._store is not None
        return self._store


def begin_early_unlock(path: Path, passphrase: str) -> None:
    _started.append(EarlyUnlock.begin(path, passphrase))


def take_early_unlock() -> EarlyUnlock | None:
    return _started.pop() if _started else None
