"""Secrets handed out by the server: device tokens and enrolment codes.

Both are stored only as SHA-256 hashes. A device token carries 256 random bits, so a
fast hash is safe; enrolment codes are shorter (typed by a person) but expire, are
used up and are rate-limited.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid

TOKEN_PREFIX = "upd_"
TOKEN_BYTES = 32  # 256 bits
CODE_BYTES = 10  # 80 bits, 16 base32 characters


def new_device_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def new_enrolment_code() -> str:
    """16 base32 characters in groups of four, e.g. ``K7QD-2M4X-PL9B-T3WZ``."""
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_code(code: str) -> str:
    return hash_secret("enrolment-code:" + normalise_code(code))


def new_id() -> str:
    """A server-assigned identifier (random UUID text)."""
    return str(uuid.uuid4())
