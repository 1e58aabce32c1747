"""Push: a batch of aggregates and feedback, answered item by item.

``batch_id`` is the idempotency key: the same batch sent again is answered with the
first answer and stored once; the same ``batch_id`` with a different body is refused
with 422. Items are stored once per ``item_id`` whatever batch carries them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from shared.models.aggregates import AggregateItem
from shared.models.base import ClientId, WireModel
from shared.models.feedback import FeedbackItem

MAX_BATCH_ITEMS = 500

PushItem = Annotated[AggregateItem | FeedbackItem, Field(discriminator="kind")]


class PushRequest(WireModel):
    batch_id: ClientId
    items: Annotated[list[PushItem], Field(min_length=1, max_length=MAX_BATCH_ITEMS)]


class ItemStatus(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class ItemResult(WireModel):
    item_id: str
    status: ItemStatus
    reason: str | None = None


class PushResponse(WireModel):
    batch_id: str
    replayed: bool = Field(description="true when this answers a batch already received")
    stored: int
    duplicate: int
    rejected: int
    results: list[ItemResult]
