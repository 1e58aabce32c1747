"""Hybrid logical clock for feedback shared between the devices of one customer.

A timestamp is text that sorts in time order (the format ``shared.models.feedback``
fixes): ``<ISO-8601 UTC millis>-<4 hex counter>-<node>``. Local events take
``max(wall clock, last seen)``, bumping the counter on a tie, so a device whose clock
runs a day behind still orders its feedback after what it has already seen. The last
timestamp lives in the store (not an audited setting: it moves on every event).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc, utc_now
from desktop.store.models import Setting

HLC_KEY = "sync.hlc_last"
NODE_KEY = "sync.node_id"
MAX_COUNTER = 0xFFFF
_PATTERN = re.compile(
    r"^(?P<wall>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-(?P<counter>[0-9a-f]{4})-"
    r"(?P<node>[0-9A-Za-z_-]{1,64})$"
)


class HlcError(ValueError):
    """A timestamp that is not in the hybrid-logical-clock format."""


@dataclass(frozen=True, order=True)
class Hlc:
    wall: str  # ISO-8601 UTC with milliseconds; sorts as text
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.wall}-{self.counter:04x}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        match = _PATTERN.match(text)
        if match is None:
            raise HlcError(f"not a hybrid logical clock timestamp: {text!r}")
        return cls(match["wall"], int(match["counter"], 16), match["node"])


def wall_text(moment: datetime) -> str:
    """Millisecond ISO-8601 UTC text, e.g. 2026-11-02T10:15:00.123Z."""
    return iso_utc(moment.astimezone(UTC))[:23] + "Z"


def node_id(session: Session) -> str:
    """This store's clock node, made once (the device id is not known before enrolment)."""
    row = session.get(Setting, NODE_KEY)
    if row is not None:
        return str(json.loads(row.value_json))
    node = secrets.token_hex(4)
    session.add(Setting(key=NODE_KEY, value_json=json.dumps(node), updated_at=iso_utc(utc_now())))
    session.flush()
    return node


def _last(session: Session) -> Hlc | None:
    row = session.get(Setting, HLC_KEY)
    return None if row is None else Hlc.parse(str(json.loads(row.value_json)))


def _save(session: Session, stamp: Hlc, clock: Clock) -> None:
    row = session.get(Setting, HLC_KEY)
    encoded = json.dumps(str(stamp))
    if row is None:
        session.add(Setting(key=HLC_KEY, value_json=encoded, updated_at=iso_utc(clock())))
    else:
        row.value_json = encoded
        row.updated_at = iso_utc(clock())
    session.flush()


def _advance(last: Hlc | None, wall: str, node: str, seen: Hlc | None = None) -> Hlc:
    candidates = [h for h in (last, seen) if h is not None]
    newest = max((h.wall for h in candidates), default=wall)
    if wall > newest:
        return Hlc(wall, 0, node)
    counter = max((h.counter for h in candidates if h.wall == newest), default=-1) + 1
    if counter > MAX_COUNTER:
        raise HlcError("hybrid logical clock counter overflow: more than 65535 events in 1 ms")
    return Hlc(newest, counter, node)


def next_hlc(session: Session, *, clock: Clock = utc_now) -> str:
    """A timestamp for a local event, later than every one this store has made or seen."""
    stamp = _advance(_last(session), wall_text(clock()), node_id(session))
    _save(session, stamp, clock)
    return str(stamp)


def observe_hlc(session: Session, remote: str, *, clock: Clock = utc_now) -> None:
    """Take a timestamp received from another device into account for later events."""
    seen = Hlc.parse(remote)
    last = _last(session)
    merged = _advance(last, wall_text(clock()), node_id(session), seen)
    _save(session, merged, clock)
