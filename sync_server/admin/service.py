"""Admin actions. Each runs in one admin transaction together with its audit entry."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.models import AlertRuleChange, PayerMappingChange
from sync_server.admin.schemas import (
    AuditEntryOut,
    AuditList,
    DeviceList,
    DeviceOut,
    EnrolmentCodeCreate,
    EnrolmentCodeList,
    EnrolmentCodeOut,
    EnrolmentCodeSummary,
    RevokeResult,
    TenantList,
    TenantOut,
    TenantOverview,
)
from sync_server.audit import service as audit
from sync_server.audit.repository import AuditRepository
from sync_server.clock import Clock, utc_now
from sync_server.db.engine import Database
from sync_server.devices.repository import DeviceRepository, find_device_tenant
from sync_server.enrolment.repository import EnrolmentCodeRepository
from sync_server.errors import Conflict, NotFound
from sync_server.identity import AdminIdentity
from sync_server.ids import is_server_id
from sync_server.overview.service import tenant_overview
from sync_server.policies import service as policies
from sync_server.policies.schemas import AlertRuleInput, PayerMappingInput
from sync_server.security import hash_code, new_enrolment_code, new_id
from sync_server.tenants.repository import TenantRepository

T = TypeVar("T")
AUDIT_PAGE = 500


def _well_formed(kind: str, server_id: str) -> None:
    # An id the server cannot have assigned names nothing; saying so here keeps it out
    # of the audit table's fixed-width columns (the CLI reaches the service directly).
    if not is_server_id(server_id):
        raise NotFound(f"no {kind} {server_id}")


class AdminService:
    def __init__(self, db: Database, admin: AdminIdentity, clock: Clock = utc_now) -> None:
        self.db = db
        self.admin = admin
        self.clock = clock

    @contextmanager
    def _action(self, *, write: bool) -> Iterator[tuple[Session, datetime]]:
        with self.db.admin_transaction(write=write) as session:
            yield session, self.clock()

    def _audit(
        self,
        session: Session,
        now: datetime,
        action: str,
        *,
        tenant_id: str | None = None,
        target: str | None = None,
        **details: object,
    ) -> None:
        audit.record(
            session,
            actor=self.admin.actor,
            action=action,
            now=now,
            tenant_id=tenant_id,
            target=target,
            details=details,
        )

    def _require_tenant(self, session: Session, tenant_id: str) -> None:
        _well_formed("tenant", tenant_id)
        if TenantRepository(session).get(tenant_id) is None:
            raise NotFound(f"no tenant {tenant_id}")

    def create_tenant(self, name: str) -> TenantOut:
        try:
            with self._action(write=True) as (session, now):
                tenants = TenantRepository(session)
                if tenants.find_by_name(name) is not None:
                    raise Conflict(f"a tenant named {name!r} exists already")
                tenant = tenants.create(new_id(), name, now)
                self._audit(session, now, "tenant.create", tenant_id=tenant.id, name=name)
        except IntegrityError:
            raise Conflict(f"a tenant named {name!r} exists already") from None
        return TenantOut(tenant_id=tenant.id, name=tenant.name, created_at=tenant.created_at)

    def get_tenant(self, tenant_id: str) -> TenantOut:
        _well_formed("tenant", tenant_id)
        with self._action(write=True) as (session, now):
            tenant = TenantRepository(session).get(tenant_id)
            if tenant is None:
                raise NotFound(f"no tenant {tenant_id}")
            self._audit(session, now, "tenant.read", tenant_id=tenant_id)
        return TenantOut(tenant_id=tenant.id, name=tenant.name, created_at=tenant.created_at)

    def list_tenants(self) -> TenantList:
        with self._action(write=True) as (session, now):
            rows = TenantRepository(session).list_all()
            self._audit(session, now, "tenant.list")
        return TenantList(
            tenants=[TenantOut(tenant_id=t.id, name=t.name, created_at=t.created_at) for t in rows]
        )

    def create_enrolment_code(
        self, tenant_id: str, request: EnrolmentCodeCreate
    ) -> EnrolmentCodeOut:
        code = new_enrolment_code()
        with self._action(write=True) as (session, now):
            self._require_tenant(session, tenant_id)
            expires_at = now + timedelta(hours=request.ttl_hours)
            row = EnrolmentCodeRepository(session).create(
                tenant_id, new_id(), hash_code(code), request.uses, now, expires_at
            )
            self._audit(
                session,
                now,
                "enrolment_code.create",
                tenant_id=tenant_id,
                target=row.id,
                uses=request.uses,
                expires_at=expires_at.isoformat(),
            )
        return EnrolmentCodeOut(
            code=code, code_id=row.id, tenant_id=tenant_id, uses=request.uses, expires_at=expires_at
        )

    def list_enrolment_codes(self, tenant_id: str) -> EnrolmentCodeList:
        with self._action(write=True) as (session, now):
            self._require_tenant(session, tenant_id)
            rows = EnrolmentCodeRepository(session).list(tenant_id)
            self._audit(session, now, "enrolment_code.list", tenant_id=tenant_id)
        return EnrolmentCodeList(
            codes=[
                EnrolmentCodeSummary(
                    code_id=r.id,
                    max_uses=r.max_uses,
                    uses=r.uses,
                    created_at=r.created_at,
                    expires_at=r.expires_at,
                )
                for r in rows
            ]
        )

    def list_devices(self, tenant_id: str) -> DeviceList:
        with self._action(write=True) as (session, now):
            self._require_tenant(session, tenant_id)
            rows = DeviceRepository(session).list(tenant_id)
            self._audit(session, now, "device.list", tenant_id=tenant_id)
        return DeviceList(
            devices=[
                DeviceOut(
                    device_id=d.id,
                    name=d.name,
                    last_sync=d.last_sync,
                    revoked=d.revoked_at is not None,
                    created_at=d.created_at,
                )
                for d in rows
            ]
        )

    def revoke_device(self, device_id: str) -> RevokeResult:
        _well_formed("device", device_id)
        with self._action(write=True) as (session, now):
            tenant_id = find_device_tenant(session, device_id)
            if tenant_id is None:
                raise NotFound(f"no device {device_id}")
            changed = DeviceRepository(session).revoke(tenant_id, device_id, now)
            self._audit(
                session,
                now,
                "device.revoke",
                tenant_id=tenant_id,
                target=device_id,
                already_revoked=not changed,
            )
        return RevokeResult(device_id=device_id, revoked=True, already_revoked=not changed)

    def audit_trail(self, tenant_id: str | None = None, limit: int = AUDIT_PAGE) -> AuditList:
        if tenant_id is not None:
            _well_formed("tenant", tenant_id)
        with self._action(write=True) as (session, now):
            rows = AuditRepository(session).list(tenant_id, limit)
            self._audit(session, now, "audit.read", tenant_id=tenant_id)
        return AuditList(
            entries=[
                AuditEntryOut(
                    id=r.id,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    tenant_id=r.tenant_id,
                    target=r.target,
                    details=json.loads(r.details_json),
                )
                for r in rows
            ]
        )

    def overview(self, tenant_id: str) -> TenantOverview:
        with self._action(write=True) as (session, now):
            self._require_tenant(session, tenant_id)
            result = tenant_overview(session, tenant_id)
            self._audit(session, now, "overview.read", tenant_id=tenant_id)
        return result

    def _policy(
        self,
        tenant_id: str,
        action: str,
        target: str,
        change: Callable[[Session, datetime], T],
    ) -> T:
        with self._action(write=True) as (session, now):
            self._require_tenant(session, tenant_id)
            result = change(session, now)
            self._audit(session, now, action, tenant_id=tenant_id, target=target)
        return result

    def set_rule(self, tenant_id: str, rule_id: str, rule: AlertRuleInput) -> AlertRuleChange:
        return self._policy(
            tenant_id,
            "alert_rule.set",
            rule_id,
            lambda s, now: policies.set_rule(s, tenant_id, rule_id, rule, now),
        )

    def delete_rule(self, tenant_id: str, rule_id: str) -> AlertRuleChange:
        return self._policy(
            tenant_id,
            "alert_rule.delete",
            rule_id,
            lambda s, now: policies.delete_rule(s, tenant_id, rule_id, now),
        )

    def set_mapping(self, tenant_id: str, mapping: PayerMappingInput) -> PayerMappingChange:
        return self._policy(
            tenant_id,
            "payer_mapping.set",
            mapping.raw_name,
            lambda s, now: policies.set_mapping(s, tenant_id, mapping, now),
        )

    def delete_mapping(self, tenant_id: str, raw_name: str) -> PayerMappingChange:
        return self._policy(
            tenant_id,
            "payer_mapping.delete",
            raw_name,
            lambda s, now: policies.delete_mapping(s, tenant_id, raw_name, now),
        )
