"""Store settings: JSON values by key, every change written to the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc, utc_now
from desktop.store import audit
from desktop.store.models import Setting


@dataclass(frozen=True)
class SettingChange:
    key: str
    before: Any
    after: Any

    @property
    def changed(self) -> bool:
        return bool(self.before != self.after)


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    value = session.scalar(select(Setting.value_json).where(Setting.key == key))
    return default if value is None else json.loads(value)


def set_setting(session: Session, key: str, value: Any, *, clock: Clock = utc_now) -> SettingChange:
    """Set one setting in the caller's write transaction; audited when it changes."""
    row = session.get(Setting, key)
    before = None if row is None else json.loads(row.value_json)
    change = SettingChange(key, before, value)
    if not change.changed:
        return change
    encoded = json.dumps(value, sort_keys=True)
    if row is None:
        session.add(Setting(key=key, value_json=encoded, updated_at=iso_utc(clock())))
    else:
        row.value_json = encoded
        row.updated_at = iso_utc(clock())
    audit.append(
        session, "setting.changed", "setting", key, {"before": before, "after": value}, clock=clock
    )
    return change
