"""Typed errors shared by the desktop services.

Services raise these; the CLI maps each family to an exit code of the contract and
the UI shows the message. Messages are written for the person at the keyboard: they
say what happened and what to do, and never contain patient data.
"""

from __future__ import annotations


class UpstreamError(Exception):
    """Base of every error the desktop services raise on purpose."""


class UsageError(UpstreamError):
    """The request itself is wrong (a missing option, a path that already exists)."""


class NotAvailableYet(UsageError):
    """A command of the contract whose capability has not been built yet."""


class StoreAccessError(UpstreamError):
    """The store cannot be opened: wrong secret, or not an Upstream store."""


class WrongPassphrase(StoreAccessError):
    """The passphrase (or recovery key, or keychain entry) does not open the store."""


class NotAnUpstreamStore(StoreAccessError):
    """The file is missing, plaintext, damaged, or not an Upstream store at all."""


class StoreTooNew(StoreAccessError):
    """The store was written by a newer version of Upstream."""


class KeychainUnavailable(UpstreamError):
    """No usable OS keychain on this computer; the key is never written to a file instead."""


class InvalidInput(UpstreamError):
    """Input that cannot be used; nothing was stored."""


class ServerUnavailable(UpstreamError):
    """The sync server could not be reached or refused the request; the outbox is kept."""
