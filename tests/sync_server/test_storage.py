"""Migrations, the append-only audit trail and the tenant overview."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sync_server.db.engine import open_database
from sync_server.db.migrate import HEAD_REVISION, script_head, upgrade
from tests.sync_server.client import Api, aggregate
from tests.sync_server.conftest import ServerDb, make_settings


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
