"""Migrations, the append-only audit trail and the tenant overview."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sync_server.db import engine as engine_module
from sync_server.db.engine import Database, open_database
from sync_server.db.migrate import HEAD_REVISION, script_head, upgrade
from tests.sync_server.client import Api, aggregate
from tests.sync_server.conftest import ServerDb, make_settings
from tests.sync_server.pg import ADMIN_DSN


def test_the_head_revision_matches_the_migrations() -> None:
    assert script_head() == HEAD_REVISION


def test_migrating_twice_changes_nothing(server_db: ServerDb) -> None:
    settings = make_settings(server_db)
    first = upgrade(settings)
    again = upgrade(settings)
    assert (first.from_revision, first.to_revision) == (None, HEAD_REVISION)
    assert (again.from_revision, again.to_revision) == (HEAD_REVISION, HEAD_REVISION)


def test_the_audit_trail_is_append_only(server_db: ServerDb, api: Api) -> None:
    api.create_tenant("Audited")
    db = open_database(server_db.url, pool_size=1, max_overflow=0)
    try:
        for statement in (
            "UPDATE admin_audit SET actor = 'someone else'",
            "DELETE FROM admin_audit",
        ):
            with pytest.raises(DBAPIError), db.admin_transaction(write=True) as session:
                session.execute(text(statement))
        with db.admin_transaction() as session:
            actors = session.execute(text("SELECT actor FROM admin_audit")).scalars().all()
        assert actors and all(a.startswith("admin-api@") for a in actors)
    finally:
        db.dispose()


def test_the_overview_merges_every_device_by_payer_and_week(api: Api) -> None:
    tenant = api.create_tenant()
    first, second = api.new_device(tenant, "A"), api.new_device(tenant, "B")
    api.push(first, [aggregate(cpt=None, lines=100, denied_lines=10, p50=10, p90=30)])
    api.push(second, [aggregate(cpt=None, lines=300, denied_lines=60, p50=20, p90=50)])
    api.push(second, [aggregate(cpt="99213", lines=50, denied_lines=50)])  # per-code cell
    api.push(
        first, [aggregate(cpt=None, week="2026-W11", payer="Blue Plan", lines=20, denied_lines=0)]
    )
    # a device's newer cell for the same week and payer replaces its older one
    api.push(first, [aggregate(cpt=None, lines=100, denied_lines=20, p50=10, p90=30)])
    overview = api.http.get(
        f"/admin/v1/tenants/{tenant}/overview", headers=api.admin_headers
    ).json()
    rows = {(r["week"], r["payer"]): r for r in overview["rows"]}
    acme = rows[("2026-W10", "Acme Health")]
    assert (acme["devices"], acme["lines"], acme["denied_lines"]) == (2, 400, 80)
    assert acme["denial_rate"] == 0.2
    assert acme["days_to_pay_p50"] == 17.5
    assert acme["days_to_pay_p90"] == 45.0
    assert rows[("2026-W11", "Blue Plan")]["denial_rate"] == 0.0
    other = api.http.get(
        f"/admin/v1/tenants/{api.create_tenant()}/overview", headers=api.admin_headers
    ).json()
    assert other["rows"] == []


def _backend_pid(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_pooled_connection_that_died_while_idle_is_replaced(
    postgres_db: ServerDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(make_settings(postgres_db))
    db = open_database(postgres_db.url, pool_size=1, max_overflow=0)
    try:
        first = _backend_pid(db)
        assert _backend_pid(db) == first  # in use a moment ago: reused as it is
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)  # "idle for a while"
        assert _backend_pid(db) != first
    finally:
        db.dispose()


def test_a_pooled_connection_in_use_a_moment_ago_is_not_pinged(postgres_db: ServerDb) -> None:
    upgrade(make_settings(postgres_db))
    db = open_database(postgres_db.url, pool_size=1, max_overflow=0)
    try:
        first = _backend_pid(db)
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        # no ping: the dead connection is found by the next statement, which fails loudly
        with pytest.raises(DBAPIError):
            _backend_pid(db)
        assert _backend_pid(db) != first  # and the pool then opens a new one
    finally:
        db.dispose()


def test_a_pipelined_transaction_on_a_dead_connection_fails_and_frees_the_pool(
    postgres_db: ServerDb,
) -> None:
    upgrade(make_settings(postgres_db))
    db = open_database(postgres_db.url, pool_size=1, max_overflow=0)
    try:
        first = _backend_pid(db)
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        with pytest.raises(DBAPIError), db.tenant_pipeline("tenant-a") as transaction:
            transaction.add(text("SELECT 1"), {})
            transaction.commit()
        assert _backend_pid(db) != first  # the dead connection was not handed back
    finally:
        db.dispose()
