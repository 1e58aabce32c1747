"""Enrolment codes (single and multi-use, expiring), device tokens, revocation."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.helpers.cli import run_cli
from tests.helpers.stubs import MovableClock
from tests.sync_server.client import ADMIN_TOKEN, Api, aggregate
from tests.sync_server.conftest import ServerDb


def test_a_single_use_code_enrols_one_device(api: Api) -> None:
    code = api.enrolment_code(api.create_tenant())
    assert api.enrol_response(code).status_code == 201
    again = api.enrol_response(code)
    assert again.status_code == 401
    assert "used up or expired" in again.json()["message"]


def test_a_multi_use_code_enrols_that_many(api: Api) -> None:
    tenant = api.create_tenant()
    code = api.enrolment_code(tenant, uses=3)
    devices = [api.enrol(code, f"PC {n}") for n in range(3)]
    assert {d.tenant_id for d in devices} == {tenant}
    assert len({d.device_id for d in devices}) == 3
    assert api.enrol_response(code).status_code == 401


def test_a_code_expires(sqlite_db: ServerDb, serve: Any) -> None:
    clock = MovableClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    _, api = serve(sqlite_db, clock=clock)
    code = api.enrolment_code(api.create_tenant(), uses=5, ttl_hours=2)
    assert api.enrol_response(code).status_code == 201
    clock.advance(timedelta(hours=2, seconds=1))
    assert api.enrol_response(code).status_code == 401


def test_codes_are_typed_loosely_and_unknown_ones_refused(sqlite_api: Api) -> None:
    api = sqlite_api
    code = api.enrolment_code(api.create_tenant())
    assert api.enrol_response(f"  {code.lower()} ").status_code == 201
    assert api.enrol_response("AAAA-BBBB-CCCC-DDDD").status_code == 401


def test_a_device_token_is_random_and_stored_only_as_a_hash(
    sqlite_db: ServerDb, serve: Any
) -> None:
    _, api = serve(sqlite_db)
    device = api.new_device(api.create_tenant())
    secret = device.token.removeprefix("upd_")
    assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) * 8 >= 256
    api.push(device, [aggregate()])
    database = Path(sqlite_db.url.removeprefix("sqlite:///"))
    files = (database, database.with_name(database.name + "-wal"))
    stored = b"".join(path.read_bytes() for path in files if path.exists())
    assert device.token.encode() not in stored
    assert secret.encode() not in stored


def test_revoking_a_device_stops_its_token_at_once(api: Api) -> None:
    tenant = api.create_tenant()
    device, colleague = api.new_device(tenant), api.new_device(tenant, "Other")
    assert api.push(device, [aggregate()]).status_code == 200
    revoked = api.http.post(
        f"/admin/v1/devices/{device.device_id}/revoke", headers=api.admin_headers
    )
    assert revoked.json() == {
        "device_id": device.device_id,
        "revoked": True,
        "already_revoked": False,
    }
    assert api.push(device, [aggregate()]).status_code == 401
    assert api.pull(device).status_code == 401
    assert api.pull(colleague).status_code == 200
    listing = api.http.get(f"/admin/v1/tenants/{tenant}/devices", headers=api.admin_headers)
    states = {d["device_id"]: d["revoked"] for d in listing.json()["devices"]}
    assert states == {device.device_id: True, colleague.device_id: False}


def test_revoking_from_the_command_line_stops_a_live_server_at_once(
    sqlite_db: ServerDb, serve: Any
) -> None:
    _, api = serve(sqlite_db)
    device = api.new_device(api.create_tenant())
    assert api.pull(device).status_code == 200
    result = run_cli(
        "admin",
        "device",
        "revoke",
        device.device_id,
        program="upstream-server",
        env={"UPSTREAM_SERVER_DATABASE_URL": sqlite_db.url},
    )
    assert result.returncode == 0, result.stderr
    assert api.pull(device).status_code == 401


def test_credentials_do_not_cross_over(sqlite_api: Api) -> None:
    api = sqlite_api
    device = api.new_device(api.create_tenant())
    as_admin = api.http.get(
        "/admin/v1/tenants", headers={"Authorization": f"Bearer {device.token}"}
    )
    assert as_admin.status_code == 401
    as_device = api.http.get("/v1/changes", headers=api.device_headers(ADMIN_TOKEN))
    assert as_device.status_code == 401
    no_token = api.http.get("/v1/changes", headers={"Upstream-Protocol": "1"})
    assert no_token.status_code == 401
    assert no_token.headers["WWW-Authenticate"] == "Bearer"
    refused = api.http.get("/admin/v1/audit", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401
    trail = api.http.get("/admin/v1/audit", headers=api.admin_headers).json()["entries"]
    assert any(e["action"] == "admin.credential_refused" for e in trail)
