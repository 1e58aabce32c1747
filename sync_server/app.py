"""``create_app(settings)``: the only place the API, its engine and its limits are built.

Startup fails fast: an unreachable database or configured Redis, a database not at
this version's schema, or (in production) an application role that could escape
row-level security stops the server before it serves anything. The log says which
storage and rate-limit backends are in use.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from sync_server.admin import endpoints as admin_endpoints
from sync_server.admin import pages as admin_pages
from sync_server.api.errors import install_error_handlers
from sync_server.api.state import ServerState
from sync_server.clock import Clock, utc_now
from sync_server.db.engine import Database, describe, open_database
from sync_server.db.migrate import require_head
from sync_server.db.roles import role_problems
from sync_server.enrolment import endpoints as enrolment_endpoints
from sync_server.errors import ConfigurationRefused
from sync_server.health import endpoints as health_endpoints
from sync_server.ratelimit.limiter import RateLimits
from sync_server.settings import ServerSettings, load_settings
from sync_server.sync import endpoints as sync_endpoints

log = logging.getLogger(__name__)
SESSION_MAX_AGE_S = 8 * 3600


def _check_database(settings: ServerSettings, db: Database) -> None:
    with db.engine.connect() as connection:
        require_head(connection)
        if db.backend != "postgresql":
            return
        problems = role_problems(connection)
    if problems and settings.environment == "production":
        raise ConfigurationRefused(
            "production mode refuses to start: "
            + "; ".join(problems)
            + " (connect as a role that neither owns the tables nor bypasses row-level"
            " security; run migrations with UPSTREAM_SERVER_DATABASE_MIGRATION_URL)"
        )
    for problem in problems:
        log.warning("row-level security is weakened: %s", problem)


def build_state(settings: ServerSettings, clock: Clock = utc_now) -> ServerState:
    """Open and check every backend; raise a typed error when one is unusable."""
    limits = RateLimits(settings)
    limits.check_reachable()
    db = open_database(
        settings.effective_database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    try:
        _check_database(settings, db)
    except BaseException:
        db.dispose()
        raise
    log.info(
        "storage: %s %s (pool %d+%d); rate limits: %s",
        db.backend,
        describe(settings.effective_database_url),
        settings.database_pool_size,
        settings.database_max_overflow,
        limits.backend,
    )
    return ServerState(settings=settings, db=db, limits=limits, clock=clock)


def create_app(settings: ServerSettings, *, clock: Clock = utc_now) -> FastAPI:
    state = build_state(settings, clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync handlers run in the worker's thread pool and each holds one pooled
        # connection: more threads than connections would open and close overflow
        # connections under load (a new PostgreSQL backend per request).
        threads = anyio.to_thread.current_default_thread_limiter()
        threads.total_tokens = settings.database_pool_size
        log.info("worker threads: %d (one per pooled connection)", threads.total_tokens)
        yield
        state.db.dispose()

    app = FastAPI(
        title="Upstream sync server",
        version="1",
        debug=settings.debug,
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )
    app.state.server = state
    install_error_handlers(app)
    if settings.secret_key is None:
        log.info("no UPSTREAM_SERVER_SECRET_KEY: admin sessions last only as long as this process")
    secret = (
        settings.secret_key.get_secret_value() if settings.secret_key else secrets.token_hex(32)
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="upstream_admin",
        max_age=SESSION_MAX_AGE_S,
        same_site="strict",
        https_only=settings.cookie_secure,
    )
    if settings.admin_token is None:
        log.info("no UPSTREAM_SERVER_ADMIN_TOKEN: the admin API and page are disabled")
    for module in (
        health_endpoints,
        sync_endpoints,
        enrolment_endpoints,
        admin_endpoints,
        admin_pages,
    ):
        app.include_router(module.router)
    return app


def create_app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` (each worker builds its own app)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    return create_app(load_settings())
