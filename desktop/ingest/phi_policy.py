"""What the PHI guard does when it finds patient identifiers, per store.

The policy is explicit and kept as a store setting (so every change is audited):
a column whose *header* names a patient identifier is dropped by default; a *value*
that looks like one (an SSN, a Medicare MBI, an e-mail address …) rejects the whole
file by default, because a hit in a kept column means the export is not what it
claims to be. Either can be switched to the other action. An office can add header
keywords, value keywords and value patterns of its own.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, cast

from sqlalchemy.orm import Session

from desktop.clock import Clock, utc_now
from desktop.errors import UsageError
from desktop.store.settings import SettingChange, get_setting, set_setting

PhiAction = Literal["drop_column", "reject_file"]
ACTIONS: tuple[PhiAction, ...] = ("drop_column", "reject_file")
SETTING_KEY = "phi_policy"
MAX_CUSTOM_ENTRIES = 200


@dataclass(frozen=True)
class PhiPolicy:
    header_hits: PhiAction = "drop_column"
    value_hits: PhiAction = "reject_file"
    header_keywords: tuple[str, ...] = field(default=())
    value_keywords: tuple[str, ...] = field(default=())
    value_patterns: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("header_hits", "value_hits"):
            if getattr(self, name) not in ACTIONS:
                raise UsageError(f"{name} must be one of {', '.join(ACTIONS)}")
        for name in ("header_keywords", "value_keywords", "value_patterns"):
            entries = getattr(self, name)
            if len(entries) > MAX_CUSTOM_ENTRIES:
                raise UsageError(f"{name} holds at most {MAX_CUSTOM_ENTRIES} entries")
            if any(not isinstance(e, str) or not e.strip() for e in entries):
                raise UsageError(f"{name} entries must be non-empty text")
        for pattern in self.value_patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise UsageError(f"the value pattern {pattern!r} is not valid: {exc}") from exc

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        for name in ("header_keywords", "value_keywords", "value_patterns"):
            document[name] = list(document[name])
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> PhiPolicy:
        known = {"header_hits", "value_hits", "header_keywords", "value_keywords"}
        known |= {"value_patterns"}
        unknown = set(document) - known
        if unknown:
            raise UsageError(f"unknown PHI policy fields: {', '.join(sorted(unknown))}")
        return cls(
            header_hits=cast(PhiAction, document.get("header_hits", "drop_column")),
            value_hits=cast(PhiAction, document.get("value_hits", "reject_file")),
            header_keywords=tuple(document.get("header_keywords", ())),
            value_keywords=tuple(document.get("value_keywords", ())),
            value_patterns=tuple(document.get("value_patterns", ())),
        )


def load_phi_policy(session: Session) -> PhiPolicy:
    """The store's policy (the defaults when none was ever saved)."""
    document = get_setting(session, SETTING_KEY)
    return PhiPolicy() if document is None else PhiPolicy.from_json(document)


def save_phi_policy(
    session: Session, policy: PhiPolicy, *, clock: Clock = utc_now
) -> SettingChange:
    """Save in the caller's write transaction; the change is audited by the settings layer."""
    return set_setting(session, SETTING_KEY, policy.to_json(), clock=clock)
