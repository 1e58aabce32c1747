"""Tenant and device ids that the server cannot have assigned are refused at the edge.

They once reached the audit table's 36-character column, which PostgreSQL refuses with
a server error; now the API answers 422 and the CLI "no such tenant/device" (exit 4).
"""

from __future__ import annotations

import pytest

from tests.sync_server.client import Api
from tests.sync_server.conftest import ServerDb
from tests.sync_server.test_cli import server_cli

MALFORMED = [
    "x" * 64,  # over-long: would not fit the audit table's column
    "0F8FAD5B-D9CB-469F-A165-70867728950E",  # the server writes ids in lower case
    "tenant-1",
]


@pytest.mark.parametrize("bad", MALFORMED)
def test_the_admin_api_answers_422_for_ids_it_cannot_have_assigned(api: Api, bad: str) -> None:
    headers = api.admin_headers
    calls = [
        api.http.get(f"/admin/v1/tenants/{bad}/devices", headers=headers),
        api.http.get(f"/admin/v1/tenants/{bad}/overview", headers=headers),
        api.http.post(f"/admin/v1/devices/{bad}/revoke", headers=headers),
        api.http.get("/admin/v1/audit", params={"tenant_id": bad}, headers=headers),
        api.http.post(
            f"/admin/v1/tenants/{bad}/enrolment-codes", json={"uses": 1}, headers=headers
        ),
    ]
    assert [c.status_code for c in calls] == [422] * len(calls), [c.text for c in calls]
    # nothing was audited for the refused calls, and the server is still well
    audit = api.http.get("/admin/v1/audit", headers=headers)
    assert audit.status_code == 200
    assert all(e["tenant_id"] != bad for e in audit.json()["entries"])


def test_a_well_formed_unknown_id_is_simply_not_found(api: Api) -> None:
    unknown = "0f8fad5b-d9cb-469f-a165-70867728950e"
    response = api.http.get(f"/admin/v1/tenants/{unknown}/devices", headers=api.admin_headers)
    assert response.status_code == 404


def test_the_cli_says_no_such_tenant_for_an_over_long_id(server_db: ServerDb) -> None:
    assert server_cli(server_db, "migrate").returncode == 0
    bad = "y" * 64
    audit = server_cli(server_db, "admin", "audit", "--tenant", bad, "--json")
    assert audit.returncode == 4, audit.stderr
    assert f"no tenant {bad}" in audit.stderr
    revoke = server_cli(server_db, "admin", "device", "revoke", bad)
    assert revoke.returncode == 4, revoke.stderr
