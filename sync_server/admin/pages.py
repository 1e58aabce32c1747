"""The small server-rendered admin page (sign-in, tenants, devices, codes, audit).

Sign-in takes the admin token once and keeps a signed, HttpOnly, SameSite=Strict
session cookie (Secure unless ``cookie_secure`` is off). Every form carries the
session's CSRF token, compared in constant time. The page calls the same
:class:`AdminService` as the REST API and the CLI, so every action is audited.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from shared.models.base import PLAIN_TEXT
from sync_server.admin.auth import admin_token_matches, limit_admin, record_refusal
from sync_server.admin.schemas import EnrolmentCodeCreate
from sync_server.admin.service import AdminService
from sync_server.api.state import StateDep
from sync_server.enrolment.endpoints import client_address
from sync_server.errors import Unauthorized
from sync_server.identity import AdminIdentity
from sync_server.ids import SERVER_ID, DeviceId, TenantId

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
router = APIRouter(prefix="/admin", include_in_schema=False)
SEE_OTHER = 303


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def _check_csrf(request: Request, presented: str) -> None:
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(presented, expected):
        raise HTTPException(status_code=403, detail="the form expired; reload the page")


def page_admin(request: Request, state: StateDep) -> AdminIdentity:
    limit_admin(state, request)
    if request.session.get("admin") is not True:
        raise HTTPException(status_code=SEE_OTHER, headers={"Location": "/admin/sign-in"})
    return AdminIdentity(actor=f"admin-page@{client_address(request)}")


PageAdmin = Annotated[AdminIdentity, Depends(page_admin)]
CsrfField = Annotated[str, Form(alias="csrf_token", max_length=100)]


def _render(request: Request, name: str, **context: Any) -> HTMLResponse:
    context["csrf_token"] = _csrf(request)
    return templates.TemplateResponse(request, name, context)


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=SEE_OTHER)


@router.get("", response_class=HTMLResponse)
def home(request: Request) -> RedirectResponse:
    return _redirect("/admin/tenants" if request.session.get("admin") else "/admin/sign-in")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request) -> HTMLResponse:
    return _render(request, "sign_in.html", error=None)


@router.post("/sign-in", response_model=None)
def sign_in(
    request: Request,
    state: StateDep,
    csrf: CsrfField,
    token: Annotated[str, Form(max_length=500)],
) -> HTMLResponse | RedirectResponse:
    limit_admin(state, request)
    _check_csrf(request, csrf)
    try:
        accepted = admin_token_matches(state, token)
    except Unauthorized as error:
        return _render(request, "sign_in.html", error=str(error))
    if not accepted:
        record_refusal(state, "admin-page", client_address(request))
        return _render(request, "sign_in.html", error="That admin token is not right.")
    request.session.clear()
    request.session["admin"] = True
    request.session["csrf"] = secrets.token_urlsafe(32)
    return _redirect("/admin/tenants")


@router.post("/sign-out")
def sign_out(request: Request, csrf: CsrfField) -> RedirectResponse:
    _check_csrf(request, csrf)
    request.session.clear()
    return _redirect("/admin/sign-in")


@router.get("/tenants", response_class=HTMLResponse)
def tenants(request: Request, state: StateDep, admin: PageAdmin) -> HTMLResponse:
    listing = AdminService(state.db, admin, state.clock).list_tenants()
    return _render(request, "tenants.html", tenants=listing.tenants)


@router.post("/tenants")
def create_tenant(
    request: Request,
    state: StateDep,
    admin: PageAdmin,
    csrf: CsrfField,
    name: Annotated[str, Form(min_length=1, max_length=200, pattern=PLAIN_TEXT)],
) -> RedirectResponse:
    _check_csrf(request, csrf)
    tenant = AdminService(state.db, admin, state.clock).create_tenant(name.strip())
    return _redirect(f"/admin/tenants/{tenant.tenant_id}")


def _tenant_page(
    request: Request, service: AdminService, tenant_id: str, new_code: str | None
) -> HTMLResponse:
    return _render(
        request,
        "tenant.html",
        tenant=service.get_tenant(tenant_id),
        devices=service.list_devices(tenant_id).devices,
        codes=service.list_enrolment_codes(tenant_id).codes,
        overview=service.overview(tenant_id).rows,
        audit=service.audit_trail(tenant_id, limit=50).entries,
        new_code=new_code,
    )


@router.get("/tenants/{tenant_id}", response_class=HTMLResponse)
def tenant(
    request: Request, tenant_id: TenantId, state: StateDep, admin: PageAdmin
) -> HTMLResponse:
    return _tenant_page(request, AdminService(state.db, admin, state.clock), tenant_id, None)


@router.post("/tenants/{tenant_id}/enrolment-codes", response_class=HTMLResponse)
def create_code(
    request: Request,
    tenant_id: TenantId,
    state: StateDep,
    admin: PageAdmin,
    csrf: CsrfField,
    uses: Annotated[int, Form(ge=1, le=1000)] = 1,
    ttl_hours: Annotated[float, Form(gt=0, le=720)] = 72,
) -> HTMLResponse:
    _check_csrf(request, csrf)
    service = AdminService(state.db, admin, state.clock)
    code = service.create_enrolment_code(
        tenant_id, EnrolmentCodeCreate(uses=uses, ttl_hours=ttl_hours)
    )
    return _tenant_page(request, service, tenant_id, code.code)


@router.post("/devices/{device_id}/revoke")
def revoke(
    request: Request,
    device_id: DeviceId,
    state: StateDep,
    admin: PageAdmin,
    csrf: CsrfField,
    tenant_id: Annotated[str, Form(pattern=SERVER_ID)],
) -> RedirectResponse:
    _check_csrf(request, csrf)
    AdminService(state.db, admin, state.clock).revoke_device(device_id)
    return _redirect(f"/admin/tenants/{tenant_id}")


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, state: StateDep, admin: PageAdmin) -> HTMLResponse:
    entries = AdminService(state.db, admin, state.clock).audit_trail().entries
    return _render(request, "audit.html", entries=entries)
