"""The one place that reads the wall clock, so services can take a clock as a parameter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the default clock)."""
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 text in UTC with a trailing Z, e.g. 2026-11-02T10:15:00.123456Z."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
