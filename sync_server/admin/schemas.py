"""Admin API bodies and answers (server-only; the wire schemas live in shared.models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.models.base import PLAIN_TEXT

MAX_CODE_USES = 1000
MAX_CODE_TTL_HOURS = 24 * 30


class AdminModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TenantCreate(AdminModel):
    name: Annotated[
        str,
        StringConstraints(min_length=1, max_length=200, strip_whitespace=True, pattern=PLAIN_TEXT),
    ]


class TenantOut(AdminModel):
    tenant_id: str
    name: str
    created_at: datetime


class TenantList(AdminModel):
    tenants: list[TenantOut]


class EnrolmentCodeCreate(AdminModel):
    uses: Annotated[int, Field(ge=1, le=MAX_CODE_USES)] = 1
    ttl_hours: Annotated[float, Field(gt=0, le=MAX_CODE_TTL_HOURS)] = 72


class EnrolmentCodeOut(AdminModel):
    code: str = Field(description="shown once; the server keeps only its hash")
    code_id: str
    tenant_id: str
    uses: int
    expires_at: datetime


class EnrolmentCodeSummary(AdminModel):
    code_id: str
    max_uses: int
    uses: int
    created_at: datetime
    expires_at: datetime


class EnrolmentCodeList(AdminModel):
    codes: list[EnrolmentCodeSummary]


class DeviceOut(AdminModel):
    device_id: str
    name: str
    last_sync: datetime | None
    revoked: bool
    created_at: datetime


class DeviceList(AdminModel):
    devices: list[DeviceOut]


class RevokeResult(AdminModel):
    device_id: str
    revoked: bool
    already_revoked: bool


class AuditEntryOut(AdminModel):
    id: int
    at: datetime
    actor: str
    action: str
    tenant_id: str | None
    target: str | None
    details: dict[str, object]


class AuditList(AdminModel):
    entries: list[AuditEntryOut]


class OverviewRow(AdminModel):
    week: str
    payer: str
    devices: int
    lines: int
    denied_lines: int
    denial_rate: float
    days_to_pay_p50: float | None
    days_to_pay_p90: float | None


class TenantOverview(AdminModel):
    tenant_id: str
    rows: list[OverviewRow]
