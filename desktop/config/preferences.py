"""Preferences as the app sees them: machine policy over the person's own settings.

Precedence, highest first: the machine policy's [enforced] values, the person's own
settings, the machine policy's [defaults], the built-in defaults. Every value says
where it came from, so Settings can show "set by your organisation" and disable it.
The person's settings are a small JSON file in the per-user config folder, written
atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import platformdirs

from desktop.config.keys import SPECS
from desktop.config.machine_policy import MachinePolicy, load_machine_policy
from desktop.errors import InvalidInput, UsageError

Source = Literal["default", "user", "machine"]
USER_FILE_NAME = "settings.json"


class PreferenceLocked(UsageError):
    """IT enforced this setting through the machine policy; it cannot be changed here."""


class UserSettingsError(InvalidInput):
    """The person's own settings file cannot be read; it names the file to fix or remove."""


@dataclass(frozen=True)
class Preference:
    key: str
    value: Any
    source: Source
    locked: bool


class Preferences:
    """The effective value of every known preference."""

    def __init__(self, values: dict[str, Preference], policy: MachinePolicy) -> None:
        self._values = values
        self.policy = policy

    def get(self, key: str) -> Preference:
        try:
            return self._values[key]
        except KeyError:
            raise UsageError(f"unknown setting {key!r}") from None

    def value(self, key: str) -> Any:
        return self.get(key).value

    def __iter__(self) -> Iterator[Preference]:
        return iter(self._values.values())


def user_settings_path() -> Path:
    return platformdirs.user_config_path("Upstream", appauthor=False) / USER_FILE_NAME


def load_preferences(
    *, user_path: Path | None = None, machine_path: Path | None = None
) -> Preferences:
    policy = load_machine_policy(machine_path)
    user = _read_user(user_path or user_settings_path())
    values: dict[str, Preference] = {}
    for key, spec in SPECS.items():
        if key in policy.enforced:
            values[key] = Preference(key, policy.enforced[key], "machine", True)
        elif key in user:
            values[key] = Preference(key, user[key], "user", False)
        elif key in policy.defaults:
            values[key] = Preference(key, policy.defaults[key], "machine", False)
        else:
            values[key] = Preference(key, spec.default, "default", False)
    return Preferences(values, policy)


def set_user_preference(
    key: str, value: Any, *, user_path: Path | None = None, machine_path: Path | None = None
) -> Preferences:
    """Save one of the person's settings; refused when the machine policy enforces it."""
    spec = SPECS.get(key)
    if spec is None:
        raise UsageError(f"unknown setting {key!r}")
    current = load_preferences(user_path=user_path, machine_path=machine_path)
    if current.get(key).locked:
        raise PreferenceLocked(f"{key} is set by your organisation and cannot be changed here")
    try:
        checked = spec.check(value, "this setting")
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    path = user_path or user_settings_path()
    stored = _read_user(path)
    stored[key] = checked
    _write_atomically(path, stored)
    return load_preferences(user_path=user_path, machine_path=machine_path)


def _read_user(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserSettingsError(
            f"your settings file {path} cannot be read ({exc}); remove it to start from defaults"
        ) from exc
    if not isinstance(document, dict):
        raise UserSettingsError(f"your settings file {path} must hold a JSON object")
    checked: dict[str, Any] = {}
    for key, value in document.items():
        spec = SPECS.get(key)
        if spec is None:
            continue  # a setting of a newer or older version: kept on disk, not used
        try:
            checked[key] = spec.check(value, f"your settings file {path}")
        except ValueError as exc:
            raise UserSettingsError(f"{exc}; remove the line to use the default") from exc
    return checked


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    previous: dict[str, Any] = {}
    if path.exists():
        previous = json.loads(path.read_text(encoding="utf-8"))
    merged = {**previous, **document}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(merged, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
