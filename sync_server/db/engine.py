"""Engines (pooled) and the only ways to open a transaction: each one states its scope.

On PostgreSQL every transaction sets the row-level-security keys for its scope with
``set_config(..., true)`` (transaction-local), so the policies are a second wall
behind the application's own ``tenant_id`` filters. On SQLite the application's
filters are the wall; writers take the lock up front (``BEGIN IMMEDIATE``). The
per-request paths (token lookup, push) use pipelined transactions, whose scope keys
travel with their first statements (see ``sync_server.db.pipeline``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session

from sync_server.db.pipeline import PipelinedTransaction, pipelined
from sync_server.errors import BackendUnavailable, ConfigurationRefused

log = logging.getLogger(__name__)

TENANT_KEY = "upstream.tenant_id"
ADMIN_KEY = "upstream.admin"
TOKEN_KEY = "upstream.token_hash"
CODE_KEY = "upstream.code_hash"
SCOPE_KEYS = (TENANT_KEY, ADMIN_KEY, TOKEN_KEY, CODE_KEY)
_SET_SCOPE = text(
    "SELECT set_config('upstream.tenant_id', :tenant, true),"
    " set_config('upstream.admin', :admin, true),"
    " set_config('upstream.token_hash', :token, true),"
    " set_config('upstream.code_hash', :code, true)"
)
SQLITE_BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_S = 5.0
_IDLE_SINCE = "upstream_idle_since"


def create_database_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise ConfigurationRefused("use the psycopg driver: postgresql+psycopg://…")
        engine = create_engine(
            url, pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800
        )
        _ping_when_idle(engine)
        return engine
    raise ConfigurationRefused(f"unsupported database {backend!r}: use sqlite or postgresql")


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat idle for a while.

    A connection handed back a moment ago is known alive, so a busy pool skips the
    round trip that ``pool_pre_ping`` would spend on every checkout; one left idle may
    have been dropped (server restart, network) and is pinged, and replaced when dead.
    """

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # the pool discards this connection and checks out another
            raise DisconnectionError(f"pooled connection is dead: {error}") from error


def _sqlite_engine(url: str, *, pool_size: int, max_overflow: int) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions begun explicitly below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("upstream_begin", "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"unknown begin mode {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def describe(url: str) -> str:
    """The URL without its password, for logs."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class Scope:
    tenant_id: str = ""
    admin: bool = False
    token_hash: str = ""
    code_hash: str = ""


class Database:
    """The application's engine and its scoped transactions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backend = engine.dialect.name
        self._writer = engine.execution_options(upstream_begin="IMMEDIATE")

    def check_reachable(self) -> None:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except OperationalError as error:
            raise BackendUnavailable(
                f"the database {describe(str(self.engine.url))} cannot be reached: {error.orig}"
            ) from None

    @contextmanager
    def _transaction(self, scope: Scope, *, write: bool) -> Iterator[Session]:
        bind = self._writer if write and self.backend == "sqlite" else self.engine
        with Session(bind, expire_on_commit=False) as session, session.begin():
            self.apply_scope(session, scope)
            yield session

    def apply_scope(self, session: Session, scope: Scope) -> None:
        """Set the row-level-security keys of this transaction (PostgreSQL only)."""
        if self.backend != "postgresql":
            return
        session.execute(_SET_SCOPE, _scope_params(scope))

    def _pipelined(
        self, scope: Scope, *, write: bool
    ) -> AbstractContextManager[PipelinedTransaction]:
        bind = self._writer if write and self.backend == "sqlite" else self.engine
        if self.backend != "postgresql":
            return pipelined(bind, None, {})
        return pipelined(bind, _SET_SCOPE, _scope_params(scope))

    def tenant_transaction(
        self, tenant_id: str, *, write: bool = False
    ) -> AbstractContextManager[Session]:
        """A transaction that sees only ``tenant_id``'s rows (device API)."""
        if not tenant_id:
            raise ValueError("a tenant transaction needs a tenant id")
        return self._transaction(Scope(tenant_id=tenant_id), write=write)

    def tenant_pipeline(self, tenant_id: str) -> AbstractContextManager[PipelinedTransaction]:
        """A write transaction seeing only ``tenant_id``'s rows, its statements sent in steps."""
        if not tenant_id:
            raise ValueError("a tenant transaction needs a tenant id")
        return self._pipelined(Scope(tenant_id=tenant_id), write=True)

    def token_pipeline(self, token_hash: str) -> AbstractContextManager[PipelinedTransaction]:
        """:meth:`token_transaction` with its statements sent in steps."""
        return self._pipelined(Scope(token_hash=token_hash), write=False)

    def token_transaction(self, token_hash: str) -> AbstractContextManager[Session]:
        """A read transaction that can see only the device holding ``token_hash``."""
        return self._transaction(Scope(token_hash=token_hash), write=False)

    def code_transaction(self, code_hash: str) -> AbstractContextManager[Session]:
        """A write transaction that can see only the enrolment code ``code_hash`` at first."""
        return self._transaction(Scope(code_hash=code_hash), write=True)

    def admin_transaction(self, *, write: bool = False) -> AbstractContextManager[Session]:
        """A transaction for admin actions, which span tenants and are always audited."""
        return self._transaction(Scope(admin=True), write=write)

    def dispose(self) -> None:
        self.engine.dispose()


def _scope_params(scope: Scope) -> dict[str, str]:
    return {
        "tenant": scope.tenant_id,
        "admin": "on" if scope.admin else "",
        "token": scope.token_hash,
        "code": scope.code_hash,
    }


def open_database(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> Database:
    database = Database(create_database_engine(url, pool_size=pool_size, max_overflow=max_overflow))
    database.check_reachable()
    return database
