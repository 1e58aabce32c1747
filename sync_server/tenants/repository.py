"""Tenant rows. Listing all tenants is an admin read; the rest is keyed by tenant id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sync_server.tenants.models import Tenant

ALLOCATE_SEQS = text(
    "UPDATE tenants SET change_seq = change_seq + :count WHERE id = :tenant_id RETURNING change_seq"
)


class TenantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, tenant_id: str, name: str, now: datetime) -> Tenant:
        tenant = Tenant(id=tenant_id, name=name, created_at=now, change_seq=0)
        self.session.add(tenant)
        self.session.flush()
        return tenant

    def get(self, tenant_id: str) -> Tenant | None:
        return self.session.get(Tenant, tenant_id)

    def find_by_name(self, name: str) -> Tenant | None:
        return self.session.scalars(select(Tenant).where(Tenant.name == name)).first()

    def list_all(self) -> Sequence[Tenant]:
        """Every tenant: only reachable from admin services."""
        return self.session.scalars(select(Tenant).order_by(Tenant.created_at, Tenant.id)).all()

    def current_seq(self, tenant_id: str) -> int:
        value = self.session.scalar(select(Tenant.change_seq).where(Tenant.id == tenant_id))
        if value is None:
            raise LookupError(f"no tenant {tenant_id}")
        return int(value)

    def allocate_seqs(self, tenant_id: str, count: int) -> range:
        """Hand out ``count`` change numbers for this tenant.

        The UPDATE locks the tenant's row until commit, so this tenant's changes
        commit in sequence order and a pull never skips a change committed late.
        """
        if count <= 0:
            return range(0)
        last = self.session.execute(
            ALLOCATE_SEQS, {"count": count, "tenant_id": tenant_id}
        ).scalar()
        if last is None:
            raise LookupError(f"no tenant {tenant_id}")
        return range(int(last) - count + 1, int(last) + 1)
