"""Pull: changes for this device's tenant after a server-assigned cursor.

Cursors are sequence numbers the server assigns per tenant in commit order; a client
keeps ``next_cursor`` and asks again while ``has_more`` is true (at most 500 changes
a page). Client clocks play no part in ordering.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from shared.models.base import WireModel
from shared.models.feedback import FeedbackItem

MAX_PAGE = 500


class AlertRuleChange(WireModel):
    rule_id: str
    version: int = Field(description="server sequence number of this version")
    deleted: bool
    name: str
    metrics: list[str]
    min_severity: str
    min_effect: float
    min_monthly_impact: float
    payer: str | None
    cpt: str | None
    enabled: bool


class PayerMappingChange(WireModel):
    raw_name: str
    version: int
    deleted: bool
    canonical_payer: str


class FeedbackChange(WireModel):
    seq: int
    feedback: FeedbackItem


class PullResponse(WireModel):
    next_cursor: Annotated[int, Field(ge=0)]
    has_more: bool
    rules: list[AlertRuleChange]
    mappings: list[PayerMappingChange]
    feedback: list[FeedbackChange]
