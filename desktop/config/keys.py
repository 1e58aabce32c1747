"""The preferences a person or IT can set, their types and built-in defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PreferenceSpec:
    key: str
    kind: type
    default: Any
    nullable: bool = False
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""

    def check(self, value: Any, where: str) -> Any:
        """The value if it fits this preference; raises ValueError saying why not."""
        if value is None:
            if self.nullable:
                return None
            raise ValueError(f"{where}: {self.key} cannot be empty")
        # bool is an int subclass: a number for a switch (or the reverse) is a mistake.
        if isinstance(value, bool) != (self.kind is bool) or not isinstance(value, self.kind):
            raise ValueError(f"{where}: {self.key} must be {self.kind.__name__}, not {value!r}")
        if isinstance(value, int) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{where}: {self.key} must be at least {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"{where}: {self.key} must be at most {self.maximum}")
        if (
            isinstance(value, str)
            and self.key.endswith("_url")
            and not value.startswith(("https://", "http://"))
        ):
            raise ValueError(f"{where}: {self.key} must start with https:// or http://")
        return value


SPECS: dict[str, PreferenceSpec] = {
    spec.key: spec
    for spec in (
        PreferenceSpec(
            "sync.server_url", str, None, nullable=True, help="the office's sync server"
        ),
        PreferenceSpec(
            "sync.enrolment_required",
            bool,
            False,
            help="the app asks to enrol with the sync server before use",
        ),
        PreferenceSpec(
            "ui.auto_lock_minutes",
            int,
            15,
            minimum=0,
            maximum=24 * 60,
            help="close the store after this many idle minutes (0: never)",
        ),
        PreferenceSpec("updates.check", bool, False, help="look for new versions online"),
    )
}
