"""Reaching the machine's PostgreSQL and Redis, or skipping with a visible reason.

Where ``UPSTREAM_TEST_REQUIRE_SERVICES=1`` (CI sets it) a missing service fails the
test instead: CI must run these suites, not skip them.
"""

from __future__ import annotations

import os
import socket

import pytest

POSTGRES_HOST, POSTGRES_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _missing(what: str, host: str, port: int) -> None:
    reason = f"{what} is not reachable at {host}:{port}"
    if os.environ.get("UPSTREAM_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}, and this run requires it (UPSTREAM_TEST_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def require_postgres() -> str:
    if not _reachable(POSTGRES_HOST, POSTGRES_PORT):
        _missing("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT)
    return POSTGRES_URL


def require_redis() -> str:
    if not _reachable(REDIS_HOST, REDIS_PORT):
        _missing("Redis", REDIS_HOST, REDIS_PORT)
    return REDIS_URL
