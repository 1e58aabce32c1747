"""Sync in the words of the person at the keyboard: what went wrong and what to do.

The sync service's errors say what happened in detail; the Settings panel leads with
one plain sentence per kind of problem. The store keeps only the last error's text,
so a problem from an earlier session is recognised by the service's own wording.
"""

from __future__ import annotations

from datetime import datetime

from desktop.errors import UpstreamError
from desktop.sync.errors import (
    DeviceRevoked,
    EnrolmentRefused,
    NotEnrolled,
    ProtocolMismatch,
    ServerUnreachable,
)

KEPT = "Your changes are kept on this computer."
OFFLINE = (
    "Offline: the sync server could not be reached (no network, or the server is down). "
    f"{KEPT} They are sent at the next sync."
)
REVOKED = (
    "This computer is no longer accepted by the sync server (the device was revoked). "
    f"Ask your administrator for a new enrolment code and enrol again. {KEPT}"
)
UPGRADE = "An upgrade is needed: {side} must be upgraded before they can sync. " + KEPT
CODE_REFUSED = (
    "The enrolment code was refused (unknown, used up or expired). "
    "Ask your administrator for a new code."
)
NOT_ENROLLED = "This computer is not enrolled with a sync server yet."
PAUSED = " Background sync is paused until this is fixed."


def upgrade_side(message: str) -> str:
    mine = "Upstream on this computer"
    return mine if mine in message else "the sync server"


def sentence(message: str) -> str:
    text = message.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else f"{text}."


def problem_words(error: BaseException) -> str:
    """One plain sentence (or two) for a sync or enrolment failure."""
    if isinstance(error, ServerUnreachable):
        return OFFLINE
    if isinstance(error, DeviceRevoked):
        return REVOKED
    if isinstance(error, ProtocolMismatch):
        return UPGRADE.format(side=upgrade_side(str(error)))
    if isinstance(error, EnrolmentRefused):
        return CODE_REFUSED
    if isinstance(error, NotEnrolled):
        return NOT_ENROLLED
    if isinstance(error, UpstreamError):
        return sentence(str(error))
    return f"Something went wrong while syncing: {type(error).__name__}: {error}"


def pauses_background(error: BaseException) -> bool:
    """Trying again on a timer cannot help: a person must enrol again or upgrade."""
    return isinstance(error, DeviceRevoked | ProtocolMismatch | NotEnrolled)


def stored_problem_words(message: str) -> str:
    """The plain sentence for a last error kept in the store (its text only)."""
    if "no longer accepts this device" in message:
        return REVOKED
    if "did not answer after" in message:
        return OFFLINE
    if "must be upgraded" in message or "protocol" in message:
        return UPGRADE.format(side=upgrade_side(message))
    return sentence(message)


def last_sync_words(last_sync: str | None) -> str:
    """A stored UTC time (``2026-11-02T10:15:00Z``) in this computer's time zone."""
    if last_sync is None:
        return "never"
    at = datetime.fromisoformat(last_sync.replace("Z", "+00:00")).astimezone()
    return at.strftime("%Y-%m-%d %H:%M")


def outbox_words(pending: int, rejected: int) -> str:
    text = (
        "nothing waiting to be sent"
        if pending == 0
        else f"{pending:,} change(s) waiting to be sent"
    )
    if rejected:
        text += f"; {rejected:,} refused by the server (kept, not sent again)"
    return text


def device_words(name: str | None, device_id: str | None) -> str:
    """This computer as the server knows it: its enrolment name, with the id to quote."""
    if device_id is None:
        return ""
    return device_id if name is None else f"{name} (device {device_id})"
