"""Fixtures of the sync-server suite: a fresh database per test on SQLite and on
PostgreSQL (its own schema, owner and application roles), and live uvicorn servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sync_server.app import create_app
from sync_server.cli import server_options
from sync_server.clock import Clock, utc_now
from sync_server.db.migrate import upgrade
from sync_server.settings import ServerSettings
from tests.helpers.services import require_postgres
from tests.sync_server.client import ADMIN_TOKEN, SECRET_KEY, Api
from tests.sync_server.live import LiveServer
from tests.sync_server.pg import PgRoles, PgSchema

GENEROUS = "100000/minute"


@dataclass(frozen=True)
class ServerDb:
    backend: str
    url: str
    migration_url: str


@pytest.fixture(scope="session")
def pg_roles() -> Iterator[PgRoles]:
    require_postgres()
    roles = PgRoles.create()
    yield roles
    roles.drop()


def _sqlite_db(tmp_path: Path) -> ServerDb:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    return ServerDb("sqlite", url, url)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> ServerDb:
    return _sqlite_db(tmp_path)


@pytest.fixture
def postgres_db(request: pytest.FixtureRequest) -> Iterator[ServerDb]:
    roles: PgRoles = request.getfixturevalue("pg_roles")
    schema = PgSchema.create(roles)
    yield ServerDb("postgresql", schema.app_url, schema.owner_url)
    schema.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> ServerDb:
    if request.param == "sqlite":
        return _sqlite_db(tmp_path)
    db: ServerDb = request.getfixturevalue("postgres_db")
    return db


def make_settings(db: ServerDb, **overrides: Any) -> ServerSettings:
    values: dict[str, Any] = {
        "database_url": db.url,
        "database_migration_url": db.migration_url,
        "admin_token": ADMIN_TOKEN,
        "secret_key": SECRET_KEY,
        "rate_limit_device": GENEROUS,
        "rate_limit_tenant": GENEROUS,
        "rate_limit_enrol": GENEROUS,
        "rate_limit_admin": GENEROUS,
        "database_pool_size": 4,
        "database_max_overflow": 4,
    }
    values.update(overrides)
    return ServerSettings(**values)


Serve = Callable[..., tuple[LiveServer, Api]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a live server: ``serve(db, clock=…, **settings)`` -> (server, api client)."""
    started: list[tuple[LiveServer, Api]] = []

    def start(db: ServerDb, clock: Clock = utc_now, **overrides: Any) -> tuple[LiveServer, Api]:
        settings = make_settings(db, **overrides)
        upgrade(settings)
        app = create_app(settings, clock=clock)
        server = LiveServer(app, **server_options(settings)).start()
        pair = (server, Api(server.base_url))
        started.append(pair)
        return pair

    yield start
    for server, api in started:
        api.close()
        server.stop()


@pytest.fixture
def api(server_db: ServerDb, serve: Serve) -> Api:
    """A live server on a fresh database of each backend, and a client for it."""
    return serve(server_db)[1]


@pytest.fixture
def sqlite_api(sqlite_db: ServerDb, serve: Serve) -> Api:
    return serve(sqlite_db)[1]
