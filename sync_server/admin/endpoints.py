"""``/admin/v1`` REST routes; every one is audited by the admin service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from shared.models import AlertRuleChange, PayerMappingChange
from shared.models.base import PLAIN_TEXT
from sync_server.admin.auth import CurrentAdmin
from sync_server.admin.schemas import (
    AuditList,
    DeviceList,
    EnrolmentCodeCreate,
    EnrolmentCodeList,
    EnrolmentCodeOut,
    RevokeResult,
    TenantCreate,
    TenantList,
    TenantOut,
    TenantOverview,
)
from sync_server.admin.service import AdminService
from sync_server.api.errors import ERROR_RESPONSES, ErrorBody
from sync_server.api.state import StateDep
from sync_server.ids import DeviceId, TenantFilter, TenantId
from sync_server.policies.schemas import AlertRuleInput, PayerMappingInput, RuleId

ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    k: ERROR_RESPONSES[k] for k in (401, 404, 413, 429, 503)
}
router = APIRouter(prefix="/admin/v1", tags=["admin"], responses=ADMIN_ERRORS)


def _service(state: StateDep, admin: CurrentAdmin) -> AdminService:
    return AdminService(state.db, admin, state.clock)


@router.post(
    "/tenants",
    status_code=201,
    responses={409: {"model": ErrorBody, "description": "name taken"}},
)
def create_tenant(body: TenantCreate, state: StateDep, admin: CurrentAdmin) -> TenantOut:
    return _service(state, admin).create_tenant(body.name)


@router.get("/tenants")
def list_tenants(state: StateDep, admin: CurrentAdmin) -> TenantList:
    return _service(state, admin).list_tenants()


@router.post("/tenants/{tenant_id}/enrolment-codes", status_code=201)
def create_enrolment_code(
    tenant_id: TenantId, body: EnrolmentCodeCreate, state: StateDep, admin: CurrentAdmin
) -> EnrolmentCodeOut:
    return _service(state, admin).create_enrolment_code(tenant_id, body)


@router.get("/tenants/{tenant_id}/enrolment-codes")
def list_enrolment_codes(
    tenant_id: TenantId, state: StateDep, admin: CurrentAdmin
) -> EnrolmentCodeList:
    return _service(state, admin).list_enrolment_codes(tenant_id)


@router.get("/tenants/{tenant_id}/devices")
def list_devices(tenant_id: TenantId, state: StateDep, admin: CurrentAdmin) -> DeviceList:
    return _service(state, admin).list_devices(tenant_id)


@router.post("/devices/{device_id}/revoke")
def revoke_device(device_id: DeviceId, state: StateDep, admin: CurrentAdmin) -> RevokeResult:
    return _service(state, admin).revoke_device(device_id)


@router.get("/tenants/{tenant_id}/overview")
def tenant_overview(tenant_id: TenantId, state: StateDep, admin: CurrentAdmin) -> TenantOverview:
    return _service(state, admin).overview(tenant_id)


@router.put("/tenants/{tenant_id}/rules/{rule_id}")
def set_rule(
    tenant_id: TenantId,
    rule_id: Annotated[RuleId, Path()],
    body: AlertRuleInput,
    state: StateDep,
    admin: CurrentAdmin,
) -> AlertRuleChange:
    return _service(state, admin).set_rule(tenant_id, rule_id, body)


@router.delete("/tenants/{tenant_id}/rules/{rule_id}")
def delete_rule(
    tenant_id: TenantId,
    rule_id: Annotated[RuleId, Path()],
    state: StateDep,
    admin: CurrentAdmin,
) -> AlertRuleChange:
    return _service(state, admin).delete_rule(tenant_id, rule_id)


@router.put("/tenants/{tenant_id}/payer-mappings")
def set_mapping(
    tenant_id: TenantId, body: PayerMappingInput, state: StateDep, admin: CurrentAdmin
) -> PayerMappingChange:
    return _service(state, admin).set_mapping(tenant_id, body)


@router.delete("/tenants/{tenant_id}/payer-mappings/{raw_name}")
def delete_mapping(
    tenant_id: TenantId,
    raw_name: Annotated[str, Path(min_length=1, max_length=120, pattern=PLAIN_TEXT)],
    state: StateDep,
    admin: CurrentAdmin,
) -> PayerMappingChange:
    return _service(state, admin).delete_mapping(tenant_id, raw_name)


@router.get("/audit")
def audit_trail(
    state: StateDep,
    admin: CurrentAdmin,
    tenant_id: TenantFilter = None,
) -> AuditList:
    return _service(state, admin).audit_trail(tenant_id)
