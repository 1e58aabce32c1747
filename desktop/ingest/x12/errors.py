"""Typed errors of the X12 reader.

Only a file that cannot be read as an 835 or 837 at all raises; damage inside a
readable file becomes per-file warnings with segment numbers instead.
"""

from __future__ import annotations

from desktop.errors import InvalidInput


class X12ReadError(InvalidInput):
    """The file cannot be read as an X12 835 or 837; nothing was parsed."""


class NotX12Error(X12ReadError):
    """The content is not X12 at all (no ISA, GS or ST segment to start from)."""


class UnsupportedX12Error(X12ReadError):
    """The content is X12 but holds no 835 or 837 transaction set."""
