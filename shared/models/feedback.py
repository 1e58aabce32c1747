"""Feedback on an alert, keyed by the alert's fingerprint.

``hlc`` is a hybrid-logical-clock timestamp that sorts as text
(``<ISO-8601 UTC millis>-<4 hex counter>-<node>``, e.g.
``2026-11-02T10:15:00.000Z-0000-3f2a9c1b``). Clients merge feedback by ``hlc``, last
writer wins, ties broken by ``device_id``; the server never orders by it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import StringConstraints

from shared.models.base import PLAIN_TEXT, ClientId, Fingerprint, WireModel

Hlc = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z-[0-9a-f]{4}-[0-9A-Za-z_-]{1,64}$"
    ),
]
Note = Annotated[str, StringConstraints(max_length=2000, pattern=PLAIN_TEXT)]


class FeedbackVerdict(StrEnum):
    REAL = "real"
    NOISE = "noise"
    RESOLVED = "resolved"


class FeedbackItem(WireModel):
    kind: Literal["feedback"] = "feedback"
    item_id: ClientId
    fingerprint: Fingerprint
    verdict: FeedbackVerdict
    note: Note | None = None
    hlc: Hlc
    device_id: ClientId
