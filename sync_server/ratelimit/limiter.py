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
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import make_url

from sync_server.errors import BackendUnavailable, ConfigurationRefused, ServerError
from sync_server.settings import ServerSettings


@dataclass(frozen=True)
class LimitState:
    limit: int
    remaining: int
    reset_after: int  # seconds until the window resets

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_after),
        }


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
        self.limiter = FixedWindowRateLimiter(self.storage)

    def check_reachable(self) -> None:
        if not self.storage.check():
            raise BackendUnavailable(f"the rate-limit backend ({self.backend}) cannot be reached")

    def hit(self, scope: str, item: RateLimitItem, key: str) -> LimitState:
        """Count one request against ``item`` for ``key``; raise RateLimited past the limit."""
        try:
            allowed = self.limiter.hit(item, scope, key)
            stats = self.limiter.get_window_stats(item, scope, key)
        except StorageError as error:
            raise BackendUnavailable(
                f"the rate-limit backend ({self.backend}) failed: {error.storage_error}"
            ) from None
        state = LimitState(
            limit=item.amount,
            remaining=max(0, stats.remaining),
            reset_after=max(1, math.ceil(stats.reset_time - time.time())),
        )
        if not allowed:
            raise RateLimited(scope, state)
        return state
