"""Typed errors of the sync server; the API maps each to an HTTP status, the CLI to an exit."""

from __future__ import annotations


class ServerError(Exception):
    """Base of every error the sync server raises on purpose."""


class ConfigurationRefused(ServerError):
    """The settings are unsafe or incomplete for the chosen mode: the server does not start."""


class BackendUnavailable(ServerError):
    """A configured backend (database, Redis) cannot be reached: never replaced silently."""


class NotFound(ServerError):
    """No such row for this caller: missing and "not yours" look exactly the same."""


class Unauthorized(ServerError):
    """The credential is missing, unknown, revoked or expired."""


class Conflict(ServerError):
    """The request contradicts what the server already holds (e.g. a reused batch id)."""


class InvalidRequest(ServerError):
    """The request is well-formed but cannot be honoured as asked."""
