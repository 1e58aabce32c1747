"""Rate limits per device, per tenant and per address; in memory and in Redis."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from shared.models import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.helpers.services import require_redis
from tests.sync_server.client import aggregate
from tests.sync_server.conftest import ServerDb


def assert_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.json()["error"] == "rate_limited"


@pytest.fixture(params=["memory", "redis"])
def limit_backend(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "memory":
        return {}
    return {"redis_url": require_redis(), "rate_limit_key_prefix": f"t{secrets.token_hex(6)}"}


def test_each_device_has_a_limit(
    sqlite_db: ServerDb, serve: Any, limit_backend: dict[str, str]
) -> None:
    _, api = serve(sqlite_db, rate_limit_device="3/minute", **limit_backend)
    tenant = api.create_tenant()
    device, other = api.new_device(tenant), api.new_device(tenant, "Other")
    answers = [api.pull(device) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert_limited(api.push(device, [aggregate()]))
    assert api.pull(other).status_code == 200


def test_each_tenant_has_a_limit(
    sqlite_db: ServerDb, serve: Any, limit_backend: dict[str, str]
) -> None:
    _, api = serve(sqlite_db, rate_limit_tenant="4/minute", **limit_backend)
    tenant = api.create_tenant()
    first, second = api.new_device(tenant), api.new_device(tenant, "Other")
    outsider = api.new_device(api.create_tenant())
    for device in (first, second, first, second):
        assert api.pull(device).status_code == 200
    assert_limited(api.pull(second))
    assert api.pull(outsider).status_code == 200


def test_enrolment_and_admin_are_limited_per_address(
    sqlite_db: ServerDb, serve: Any, limit_backend: dict[str, str]
) -> None:
    _, api = serve(
        sqlite_db, rate_limit_enrol="2/minute", rate_limit_admin="3/minute", **limit_backend
    )
    tenant = api.create_tenant()
    code = api.enrolment_code(tenant, uses=5)
    assert api.enrol_response(code).status_code == 201
    assert api.enrol_response("WRONG-CODE-0000").status_code == 401
    assert_limited(api.enrol_response(code))
    assert api.http.get("/admin/v1/tenants", headers=api.admin_headers).status_code == 200
    assert_limited(api.http.get("/admin/v1/tenants", headers=api.admin_headers))


@pytest.mark.parametrize(("trusted", "separate"), [("127.0.0.1", True), ("192.0.2.10", False)])
def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    sqlite_db: ServerDb, serve: Any, trusted: str, separate: bool
) -> None:
    """Only a proxy named in forwarded_allow_ips may say which client it forwards."""
    _, api = serve(sqlite_db, rate_limit_enrol="1/minute", forwarded_allow_ips=trusted)

    def enrol_from(address: str) -> httpx.Response:
        return api.http.post(
            "/v1/enrol",
            json={"code": "WRONG-CODE-0000", "device_name": "PC"},
            headers={"X-Forwarded-For": address, PROTOCOL_HEADER: str(PROTOCOL_VERSION)},
        )

    assert enrol_from("203.0.113.7").status_code == 401
    assert_limited(enrol_from("203.0.113.7"))
    other = enrol_from("198.51.100.20")
    if separate:
        assert other.status_code == 401
    else:
        assert_limited(other)


def test_the_default_limits_are_stricter_for_enrolment_and_admin() -> None:
    from limits import parse

    from sync_server.settings import ServerSettings

    defaults = ServerSettings()
    per_minute = {
        name: parse(getattr(defaults, f"rate_limit_{name}")).amount
        for name in ("device", "tenant", "enrol", "admin")
    }
    assert per_minute["enrol"] < per_minute["admin"] < per_minute["device"] < per_minute["tenant"]


def test_redis_counters_are_shared_by_servers(sqlite_db: ServerDb, serve: Any) -> None:
    shared = {"redis_url": require_redis(), "rate_limit_key_prefix": f"t{secrets.token_hex(6)}"}
    _, first = serve(sqlite_db, rate_limit_device="4/minute", **shared)
    _, second = serve(sqlite_db, rate_limit_device="4/minute", **shared)
    device = first.new_device(first.create_tenant())
    for api in (first, second, first, second):
        assert api.pull(device).status_code == 200
    assert_limited(second.pull(device))
    assert_limited(first.pull(device))


def test_memory_counters_are_per_process(sqlite_db: ServerDb, serve: Any) -> None:
    _, first = serve(sqlite_db, rate_limit_device="2/minute")
    _, second = serve(sqlite_db, rate_limit_device="2/minute")
    device = first.new_device(first.create_tenant())
    assert [first.pull(device).status_code for _ in range(2)] == [200, 200]
    assert_limited(first.pull(device))
    assert second.pull(device).status_code == 200
