"""A small protocol client for the tests: what a desktop and an admin send."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from shared.models import PROTOCOL_HEADER, PROTOCOL_VERSION

ADMIN_TOKEN = "adm-Q7vX9kL2mN4pR8sT1wY5zB3cD6fG0hJ-e1u"
SECRET_KEY = "sk-7Hq2Lm9Vx4Rt8Nz1Kp6Wc3Yb5Jd0Fg-a2o"


@dataclass(frozen=True)
class Device:
    device_id: str
    tenant_id: str
    token: str


def new_id(prefix: str = "item") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def aggregate(
    item_id: str | None = None,
    *,
    week: str = "2026-W10",
    payer: str = "Acme Health",
    cpt: str | None = "99213",
    lines: int = 40,
    denied_lines: int = 4,
    p50: float | None = 18.0,
    p90: float | None = 41.0,
) -> dict[str, Any]:
    return {
        "kind": "aggregate",
        "item_id": item_id or new_id("agg"),
        "week": week,
        "payer": payer,
        "cpt": cpt,
        "lines": lines,
        "denied_lines": denied_lines,
        "billed": lines * 180.0,
        "allowed": lines * 120.0,
        "paid": lines * 95.5,
        "days_to_pay_p50": p50,
        "days_to_pay_p90": p90,
    }


def feedback(
    device_id: str,
    item_id: str | None = None,
    *,
    fingerprint: str = "ab" * 32,
    verdict: str = "real",
    hlc: str = "2026-03-01T10:00:00.000Z-0000-node01",
    note: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": "feedback",
        "item_id": item_id or new_id("fb"),
        "fingerprint": fingerprint,
        "verdict": verdict,
        "note": note,
        "hlc": hlc,
        "device_id": device_id,
    }


class Api:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)

    def close(self) -> None:
        self.http.close()

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    @staticmethod
    def device_headers(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}

    def create_tenant(self, name: str | None = None) -> str:
        response = self.http.post(
            "/admin/v1/tenants",
            json={"name": name or new_id("tenant")},
            headers=self.admin_headers,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["tenant_id"])

    def enrolment_code(self, tenant_id: str, uses: int = 1, ttl_hours: float = 72) -> str:
        response = self.http.post(
            f"/admin/v1/tenants/{tenant_id}/enrolment-codes",
            json={"uses": uses, "ttl_hours": ttl_hours},
            headers=self.admin_headers,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["code"])

    def enrol_response(self, code: str, name: str = "Front desk") -> httpx.Response:
        return self.http.post(
            "/v1/enrol",
            json={"code": code, "device_name": name},
            headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)},
        )

    def enrol(self, code: str, name: str = "Front desk") -> Device:
        response = self.enrol_response(code, name)
        assert response.status_code == 201, response.text
        body = response.json()
        return Device(body["device_id"], body["tenant_id"], body["device_token"])

    def new_device(self, tenant_id: str, name: str = "Front desk") -> Device:
        return self.enrol(self.enrolment_code(tenant_id), name)

    def push(
        self, device: Device, items: list[dict[str, Any]], batch_id: str | None = None
    ) -> httpx.Response:
        return self.http.post(
            "/v1/push",
            json={"batch_id": batch_id or new_id("batch"), "items": items},
            headers=self.device_headers(device.token),
        )

    def pull(self, device: Device, cursor: int = 0, limit: int = 500) -> httpx.Response:
        return self.http.get(
            "/v1/changes",
            params={"cursor": cursor, "limit": limit},
            headers=self.device_headers(device.token),
        )

    def set_rule(self, tenant_id: str, rule_id: str, name: str = "Denials up") -> httpx.Response:
        return self.http.put(
            f"/admin/v1/tenants/{tenant_id}/rules/{rule_id}",
            json={"name": name, "metrics": ["denial_rate"], "min_severity": "medium"},
            headers=self.admin_headers,
        )

    def set_mapping(self, tenant_id: str, raw: str, canonical: str) -> httpx.Response:
        return self.http.put(
            f"/admin/v1/tenants/{tenant_id}/payer-mappings",
            json={"raw_name": raw, "canonical_payer": canonical},
            headers=self.admin_headers,
        )
