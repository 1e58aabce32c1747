"""Who is calling: a device (bound to exactly one tenant) or an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DeviceIdentity:
    """An authenticated device; its tenant comes only from its token."""

    device_id: str
    tenant_id: str
    # when the server last recorded a sync of this device (to keep that write rare)
    last_sync: datetime | None = None


@dataclass(frozen=True)
class AdminIdentity:
    """An authenticated admin; ``actor`` names the channel in the audit trail."""

    actor: str
