"""What every page is given: the open store, the task runner, the clock, preferences.

Passed explicitly to each page (no global "current store"). ``changed`` is the one
signal pages refresh from after anything alters the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from desktop.clock import Clock, utc_now
from desktop.config import Preferences, load_preferences, set_user_preference
from desktop.store import Store
from desktop.store.keys import KdfParams
from desktop.ui.tasks import TaskRunner


@dataclass(frozen=True)
class PreferenceFiles:
    """Where preferences live (None: the OS locations); tests point them at tmp files."""

    user_path: Path | None = None
    machine_path: Path | None = None

    def load(self) -> Preferences:
        return load_preferences(user_path=self.user_path, machine_path=self.machine_path)

    def save(self, key: str, value: Any) -> Preferences:
        return set_user_preference(
            key, value, user_path=self.user_path, machine_path=self.machine_path
        )


@dataclass(frozen=True)
class AppOptions:
    """How the application is set up (the defaults are the real ones)."""

    preferences: PreferenceFiles = field(default_factory=PreferenceFiles)
    clock: Clock = utc_now
    kdf: KdfParams | None = None  # None: the store's standard Argon2id cost
    layout_file: Path | None = None  # None: the OS's QSettings place (window layout)

    def qsettings(self) -> QSettings:
        if self.layout_file is not None:
            return QSettings(str(self.layout_file), QSettings.Format.IniFormat)
        return QSettings("Upstream", "Upstream")


class StoreEvents(QObject):
    """``changed(what)`` after an import, analysis, feedback or edit; pages refresh."""

    changed = Signal(str)
    navigate = Signal(str)  # a page asks the window to show another page by its key


@dataclass
class AppContext:
    store: Store
    runner: TaskRunner
    events: StoreEvents
    options: AppOptions
