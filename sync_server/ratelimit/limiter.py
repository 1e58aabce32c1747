"""Counters in Redis when configured (shared by every worker), else in this process.

A configured Redis that cannot be reached is a startup error and, later, a 503 —
never a silent switch to per-process counters.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from sqlalchemy import make_url

from sync_server.errors import BackendUnavailable, ConfigurationRefused, ServerError
from sync_server.settings import ServerSettings


@dataclass(frozen=True)
class LimitState:
    limit: int
    remaining: int
    reset_after: int | None = None  # seconds until the window resets (known when refused)

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
        }
        if self.reset_after is not None:
            headers["X-RateLimit-Reset"] = str(self.reset_after)
        return headers


class RateLimited(ServerError):
    def __init__(self, scope: str, state: LimitState) -> None:
        super().__init__(f"too many requests for this {scope}; retry in {state.reset_after} s")
        self.state = state


def _parse(name: str, text: str) -> RateLimitItem:
    try:
        return parse(text)
    except ValueError:
        raise ConfigurationRefused(f"rate limit {name}={text!r} is not like '120/minute'") from None


class RateLimits:
    def __init__(self, settings: ServerSettings) -> None:
        self.device = _parse("device", settings.rate_limit_device)
        self.tenant = _parse("tenant", settings.rate_limit_tenant)
        self.enrol = _parse("enrol", settings.rate_limit_enrol)
        self.admin = _parse("admin", settings.rate_limit_admin)
        self.storage: Storage
        if settings.redis_url:
            url = make_url(settings.redis_url)
            self.backend = f"redis at {url.host}:{url.port or 6379}/{url.database or 0}"
            storage = storage_from_string(
                settings.redis_url,
                wrap_exceptions=True,
                key_prefix=settings.rate_limit_key_prefix,
            )
            if not isinstance(storage, Storage):
                raise ConfigurationRefused("UPSTREAM_SERVER_REDIS_URL must be a redis:// URL")
            self.storage = storage
        else:
            self.backend = "memory (counters per process)"
            self.storage = MemoryStorage()

    def check_reachable(self) -> None:
        if not self.storage.check():
            raise BackendUnavailable(f"the rate-limit backend ({self.backend}) cannot be reached")

    def hit(self, scope: str, item: RateLimitItem, key: str) -> LimitState:
        """Count one request against ``item`` for ``key``; raise RateLimited past the limit."""
        # A fixed window, as limits' FixedWindowRateLimiter counts it, but in one round
        # trip to the storage per request; the window's end is read only when refusing.
        counter = item.key_for(scope, key)
        try:
            count = self.storage.incr(counter, item.get_expiry())
            if count <= item.amount:
                return LimitState(limit=item.amount, remaining=item.amount - count)
            reset_after = max(1, math.ceil(self.storage.get_expiry(counter) - time.time()))
        except StorageError as error:
            raise BackendUnavailable(
                f"the rate-limit backend ({self.backend}) failed: {error.storage_error}"
            ) from None
        raise RateLimited(scope, LimitState(item.amount, 0, reset_after))
