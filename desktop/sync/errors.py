"""What can go wrong while syncing, each with a message for the person at the keyboard.

Every refusal and every failure to reach the server is a ``ServerUnavailable`` (exit 5
from the CLI): the outbox is kept in all of them.
"""

from __future__ import annotations

from desktop.errors import ServerUnavailable, UsageError


class NotEnrolled(UsageError):
    """Sync asked of a store that has no enrolment."""


class AlreadyEnrolled(UsageError):
    """Enrolling a store that is enrolled already."""


class BadEnrolmentCode(UsageError):
    """An enrolment code (or device name) that cannot be what the admin issued."""


class ServerUnreachable(ServerUnavailable):
    """No answer, a timeout or a server error after every retry."""


class DeviceRevoked(ServerUnavailable):
    """The server no longer accepts this device's token (revoked, or unknown to it)."""


class ProtocolMismatch(ServerUnavailable):
    """Client and server speak no common protocol version; one of them must upgrade."""


class EnrolmentRefused(ServerUnavailable):
    """The enrolment code was refused (unknown, used up or expired)."""


class ServerRefused(ServerUnavailable):
    """The server refused a request for another stated reason (the outbox is kept)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ItemsRejected(ServerUnavailable):
    """The server refused some items; they stay in the outbox, marked with the reason."""
