"""Item checks beyond the schema: each failure rejects one item, with a reason."""

from __future__ import annotations

from shared.models.aggregates import SMALL_CELL_MAX_LINES, AggregateItem
from shared.models.feedback import FeedbackItem
from sync_server.identity import DeviceIdentity


def aggregate_problem(item: AggregateItem) -> str | None:
    """Why this aggregate cannot be stored, or None when it can."""
    if item.lines == 0:
        return "empty cell: an aggregate must count at least one line"
    if item.lines <= SMALL_CELL_MAX_LINES:
        return (
            f"small cell: cells of 1-{SMALL_CELL_MAX_LINES} lines are never shared "
            f"(this one counts {item.lines})"
        )
    if item.denied_lines > item.lines:
        return "denied_lines exceeds lines"
    return None


def feedback_problem(item: FeedbackItem, device: DeviceIdentity) -> str | None:
    if item.device_id != device.device_id:
        return "device_id is not the device this token belongs to"
    return None
