"""Device rows: tenant-scoped, plus the two lookups that come before a tenant is known."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, bindparam, column, select, text, update
from sqlalchemy.orm import Session

from sync_server.db.base import UtcDateTime, as_utc
from sync_server.db.pipeline import Pending, PipelinedTransaction
from sync_server.db.repository import TenantScopedRepository
from sync_server.devices.models import Device


@dataclass(frozen=True)
class TokenOwner:
    device_id: str
    tenant_id: str
    revoked: bool
    last_sync: datetime | None


# Hot-path statements (every request): plain SQL, compiled once, kept prepared by the driver.
_FIND_TOKEN = text(
    "SELECT id, tenant_id, revoked_at, last_sync FROM devices WHERE token_hash = :token_hash"
).columns(
    column("id", String),
    column("tenant_id", String),
    column("revoked_at", UtcDateTime()),
    column("last_sync", UtcDateTime()),
)
TOUCH_LAST_SYNC = text(
    "UPDATE devices SET last_sync = :now WHERE tenant_id = :tenant_id AND id = :device_id"
).bindparams(bindparam("now", type_=UtcDateTime()))


class DeviceRepository(TenantScopedRepository[Device]):
    model = Device

    def create(
        self, tenant_id: str, device_id: str, name: str, token_hash: str, now: datetime
    ) -> Device:
        device = Device(
            id=device_id, tenant_id=tenant_id, name=name, token_hash=token_hash, created_at=now
        )
        self.session.add(device)
        self.session.flush()
        return device

    def get(self, tenant_id: str, device_id: str) -> Device | None:
        return self.session.scalars(self.readable(tenant_id).where(Device.id == device_id)).first()

    def list(self, tenant_id: str) -> Sequence[Device]:
        return self.session.scalars(
            self.readable(tenant_id).order_by(Device.created_at, Device.id)
        ).all()

    def touch_last_sync(self, tenant_id: str, device_id: str, now: datetime) -> None:
        self.session.execute(
            TOUCH_LAST_SYNC, {"now": now, "tenant_id": tenant_id, "device_id": device_id}
        )

    def revoke(self, tenant_id: str, device_id: str, now: datetime) -> bool:
        """Revoke the device; False when it was already revoked."""
        result = self.session.execute(
            update(Device)
            .where(
                Device.tenant_id == tenant_id,
                Device.id == device_id,
                Device.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def queue_token_owner(transaction: PipelinedTransaction, token_hash: str) -> Pending:
    """Look up the device holding ``token_hash`` (authentication, before the tenant is known)."""
    return transaction.add(_FIND_TOKEN, {"token_hash": token_hash})


def token_owner(found: Pending) -> TokenOwner | None:
    """The answer of :func:`queue_token_owner`."""
    row = found.first()
    if row is None:
        return None
    device_id, tenant_id, revoked_at, last_sync = row
    return TokenOwner(
        device_id=device_id,
        tenant_id=tenant_id,
        revoked=revoked_at is not None,
        last_sync=None if last_sync is None else as_utc(last_sync),
    )


def find_device_tenant(session: Session, device_id: str) -> str | None:
    """The tenant of a device, for admin commands that name only the device."""
    return session.scalar(select(Device.tenant_id).where(Device.id == device_id))
