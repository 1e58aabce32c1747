"""Device authentication: the only place a device's tenant is determined."""

from __future__ import annotations

from sync_server.db.engine import Database
from sync_server.devices.repository import queue_token_owner, token_owner
from sync_server.errors import Unauthorized
from sync_server.identity import DeviceIdentity
from sync_server.security import TOKEN_PREFIX, hash_secret


def authenticate_device(db: Database, token: str) -> DeviceIdentity:
    """The device holding ``token``; revoked or unknown tokens are refused at once."""
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthorized("not a device token")
    token_hash = hash_secret(token)
    with db.token_pipeline(token_hash) as transaction:
        found = queue_token_owner(transaction, token_hash)
        transaction.commit()  # BEGIN, scope, lookup and COMMIT: one round trip
    owner = token_owner(found)
    if owner is None:
        raise Unauthorized("unknown device token")
    if owner.revoked:
        raise Unauthorized("this device was revoked; enrol it again with a new code")
    return DeviceIdentity(
        device_id=owner.device_id, tenant_id=owner.tenant_id, last_sync=owner.last_sync
    )
