"""``upstream-server`` commands exactly as the CLI contract states them."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers.cli import run_cli
from tests.sync_server.conftest import ServerDb


def server_cli(db: ServerDb, *args: str) -> Any:
    env = {"UPSTREAM_SERVER_DATABASE_URL": db.url}
    if db.migration_url != db.url:
        env["UPSTREAM_SERVER_DATABASE_MIGRATION_URL"] = db.migration_url
    return run_cli(*args, program="upstream-server", env=env)


def test_the_admin_commands_of_the_contract(server_db: ServerDb) -> None:
    migrated = server_cli(server_db, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "0004_audit" in migrated.stdout

    created = server_cli(server_db, "admin", "tenant", "create", "Riverside Billing", "--json")
    assert created.returncode == 0, created.stderr
    tenant_id = json.loads(created.stdout)["tenant_id"]

    listed = json.loads(server_cli(server_db, "admin", "tenant", "list", "--json").stdout)
    assert [(t["tenant_id"], t["name"]) for t in listed["tenants"]] == [
        (tenant_id, "Riverside Billing")
    ]

    code = server_cli(
        server_db, "admin", "enroll-code", tenant_id, "--uses", "3", "--ttl-hours", "2", "--json"
    )
    assert code.returncode == 0, code.stderr
    assert len(json.loads(code.stdout)["code"]) >= 16

    devices = server_cli(server_db, "admin", "device", "list", tenant_id, "--json")
    assert json.loads(devices.stdout) == {"devices": []}

    audit = json.loads(
        server_cli(server_db, "admin", "audit", "--tenant", tenant_id, "--json").stdout
    )
    actions = [e["action"] for e in audit["entries"]]
    assert {"tenant.create", "enrolment_code.create", "device.list"} <= set(actions)
    assert all(e["actor"].startswith("cli:") for e in audit["entries"])


def test_unknown_ids_and_taken_names_are_invalid_input(sqlite_db: ServerDb) -> None:
    assert server_cli(sqlite_db, "migrate").returncode == 0
    missing = server_cli(sqlite_db, "admin", "device", "revoke", "no-such-device")
    assert missing.returncode == 4
    assert "no device no-such-device" in missing.stderr
    assert server_cli(sqlite_db, "admin", "enroll-code", "nope", "--json").returncode == 4
    assert server_cli(sqlite_db, "admin", "tenant", "create", "Twice").returncode == 0
    taken = server_cli(sqlite_db, "admin", "tenant", "create", "Twice")
    assert taken.returncode == 4
    assert "exists already" in taken.stderr


def test_admin_commands_refuse_a_database_not_migrated(sqlite_db: ServerDb) -> None:
    result = server_cli(sqlite_db, "admin", "tenant", "list", "--json")
    assert result.returncode == 2
    assert "upstream-server migrate" in result.stderr


def test_bad_usage_exits_2() -> None:
    result = run_cli("admin", "tenant", "rename", program="upstream-server")
    assert result.returncode == 2
