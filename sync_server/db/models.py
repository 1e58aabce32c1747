"""Every table of the server, imported in one place for migrations and grants."""

from __future__ import annotations

from sync_server.audit.models import AuditEntry
from sync_server.db.base import Base, TenantScoped
from sync_server.devices.models import Device
from sync_server.enrolment.models import EnrolmentCode
from sync_server.sync.models import Aggregate, AlertRule, Feedback, PayerMapping, PushBatch
from sync_server.tenants.models import Tenant


def tenant_tables() -> list[str]:
    """Names of the tables whose rows belong to one tenant (row-level security on each)."""
    names = {
        str(mapper.local_table.name)  # type: ignore[attr-defined]
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    }
    return sorted(names | {Tenant.__tablename__})


__all__ = [
    "Aggregate",
    "AlertRule",
    "AuditEntry",
    "Base",
    "Device",
    "EnrolmentCode",
    "Feedback",
    "PayerMapping",
    "PushBatch",
    "Tenant",
    "tenant_tables",
]
