"""Two tenants: every device endpoint tried with the other tenant's ids, cursors and
batch ids, on SQLite and PostgreSQL. Expected: 0 cross-tenant reads or writes.

Run with ``-s`` to see the count of probes and leaks per backend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sync_server.db.engine import open_database
from sync_server.db.models import tenant_tables
from tests.sync_server.client import Api, Device, aggregate, feedback
from tests.sync_server.conftest import ServerDb


@dataclass
class TenantWorld:
    tenant_id: str
    devices: list[Device]
    item_ids: set[str] = field(default_factory=set)
    batch_ids: list[str] = field(default_factory=list)
    bodies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fingerprints: set[str] = field(default_factory=set)
    cursor: int = 0


def build(api: Api, label: str, fingerprint: str) -> TenantWorld:
    tenant = api.create_tenant(f"Tenant {label}")
    world = TenantWorld(
        tenant, [api.new_device(tenant, f"{label}-1"), api.new_device(tenant, f"{label}-2")]
    )
    api.set_rule(tenant, f"rule-{label}", name=f"Rule of {label}")
    api.set_mapping(tenant, f"RAW {label}", f"Payer {label}")
    for n, device in enumerate(world.devices):
        items = [
            aggregate(f"agg-{label}-{n}-0001", payer=f"Payer {label}", cpt=None),
            feedback(device.device_id, f"fb-{label}-{n}-0001", fingerprint=fingerprint),
        ]
        batch_id = f"batch-{label}-{n}-0001"
        assert api.push(device, items, batch_id=batch_id).json()["stored"] == 2
        world.batch_ids.append(batch_id)
        world.bodies[batch_id] = items
        world.item_ids |= {i["item_id"] for i in items}
    world.fingerprints.add(fingerprint)
    world.cursor = api.pull(world.devices[0]).json()["next_cursor"]
    return world


class LeakCounter:
    def __init__(self, other: TenantWorld, other_label: str) -> None:
        self.other = other
        self.other_label = other_label
        self.probes = 0
        self.leaks: list[str] = []

    def check_text(self, what: str, body: str) -> None:
        """No id, name, device or fingerprint of the other tenant may appear in an answer."""
        self.probes += 1
        secrets = (
            {self.other.tenant_id}
            | {d.device_id for d in self.other.devices}
            | self.other.fingerprints
            | {f"Rule of {self.other_label}", f"Payer {self.other_label}"}
        )
        found = sorted(s for s in secrets if s in body)
        if found:
            self.leaks.append(f"{what}: {found}")


def probe_device_api(api: Api, me: Device, other: TenantWorld, other_label: str) -> LeakCounter:
    counter = LeakCounter(other, other_label)
    # pull, with every cursor the other tenant has used and a few around them
    for cursor in sorted({0, 1, other.cursor - 1, other.cursor, other.cursor + 1}):
        if cursor < 0:
            continue
        response = api.pull(me, cursor)
        assert response.status_code in (200, 409)
        counter.check_text(f"pull cursor={cursor}", response.text)
        if response.status_code == 200:
            page = response.json()
            assert all(f["feedback"]["item_id"] not in other.item_ids for f in page["feedback"])
    # push under the other tenant's batch ids, with their exact bodies and with new ones
    for batch_id in other.batch_ids:
        same_body = [
            item | {"device_id": me.device_id} if item["kind"] == "feedback" else item
            for item in other.bodies[batch_id]
        ]
        response = api.push(me, same_body, batch_id=batch_id)
        assert response.status_code == 200, response.text
        body = response.json()
        counter.check_text(f"push batch={batch_id}", response.text)
        if body["replayed"] or body["stored"] != len(same_body):
            counter.leaks.append(f"push batch={batch_id} saw the other tenant's batch or items")
        response = api.push(me, [aggregate()], batch_id=batch_id + "-x")
        counter.check_text("push new body", response.text)
    # feedback naming the other tenant's device is refused, and says nothing about it
    response = api.push(me, [feedback(other.devices[0].device_id)])
    counter.check_text("push foreign device id", response.text)
    assert response.json()["results"][0]["status"] == "rejected"
    # a tenant named anywhere else in the request is refused or ignored
    response = api.http.post(
        "/v1/push",
        json={
            "batch_id": "batch-tenant-field",
            "items": [aggregate()],
            "tenant_id": other.tenant_id,
        },
        headers=api.device_headers(me.token),
    )
    assert response.status_code == 422
    counter.check_text("push tenant field", response.text.replace(other.tenant_id, "", 1))
    response = api.http.get(
        "/v1/changes",
        params={"tenant_id": other.tenant_id, "cursor": 0},
        headers=api.device_headers(me.token) | {"X-Tenant-Id": other.tenant_id},
    )
    counter.check_text("pull tenant param", response.text)
    return counter


def snapshot(api: Api, world: TenantWorld) -> tuple[str, str, str]:
    """What the tenant's first device pulls and what the admin sees of the tenant."""
    pulled = api.pull(world.devices[0]).text
    overview = api.http.get(
        f"/admin/v1/tenants/{world.tenant_id}/overview", headers=api.admin_headers
    ).text
    devices = api.http.get(
        f"/admin/v1/tenants/{world.tenant_id}/devices", headers=api.admin_headers
    ).json()
    return pulled, overview, json.dumps([d | {"last_sync": None} for d in devices["devices"]])


def test_no_device_endpoint_crosses_tenants(api: Api, server_db: ServerDb) -> None:
    world_a = build(api, "A", "aa" * 32)
    world_b = build(api, "B", "bb" * 32)
    leaks: list[str] = []
    probes = 0
    for me, victim, label in (
        (world_b.devices[1], world_a, "A"),
        (world_a.devices[1], world_b, "B"),
    ):
        before = snapshot(api, victim)
        counter = probe_device_api(api, me, victim, label)
        probes += counter.probes
        leaks += counter.leaks
        if snapshot(api, victim) != before:
            leaks.append(f"tenant {label} changed while the other tenant probed it")
    print(f"\nisolation[{server_db.backend}]: {probes} probes, {len(leaks)} cross-tenant leaks")
    assert leaks == []


def test_row_level_security_is_a_second_wall(postgres_db: ServerDb, serve: Any) -> None:
    """Even SQL that forgets the tenant filter sees and writes only its own tenant."""
    _, api = serve(postgres_db)
    world_a = build(api, "A", "aa" * 32)
    world_b = build(api, "B", "bb" * 32)
    db = open_database(postgres_db.url, pool_size=1, max_overflow=0)
    try:
        with db.tenant_transaction(world_b.tenant_id) as session:
            for table in tenant_tables():
                column = "id" if table == "tenants" else "tenant_id"
                rows = session.execute(text(f"SELECT DISTINCT {column} FROM {table}")).scalars()
                assert set(rows) <= {world_b.tenant_id}, table
        with db.engine.connect() as connection:  # no scope at all: nothing is visible
            for table in tenant_tables():
                count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                assert count == 0, table
        with (
            pytest.raises(DBAPIError, match="row-level security"),
            db.tenant_transaction(world_b.tenant_id, write=True) as session,
        ):
            session.execute(
                text(
                    "INSERT INTO payer_mappings (tenant_id, raw_name, version, deleted,"
                    " canonical_payer, updated_at) VALUES (:t, 'X', 1, false, 'X', now())"
                ),
                {"t": world_a.tenant_id},
            )
        with db.tenant_transaction(world_b.tenant_id, write=True) as session:
            changed = session.execute(
                text("UPDATE devices SET name = 'taken' WHERE tenant_id = :t"),
                {"t": world_a.tenant_id},
            )
            assert changed.rowcount == 0  # type: ignore[attr-defined]
        # the scope is transaction-local: the pooled connection forgets it at commit
        with db.tenant_transaction(world_b.tenant_id) as session:
            assert session.execute(text("SELECT count(*) FROM devices")).scalar_one() == 2
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM devices")).scalar_one() == 0
    finally:
        db.dispose()
