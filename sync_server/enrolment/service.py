"""Exchanging an enrolment code for a device token."""

from __future__ import annotations

from datetime import datetime

from shared.models import PROTOCOL_VERSION, EnrolRequest, EnrolResponse
from sync_server.db.engine import Database, Scope
from sync_server.devices.repository import DeviceRepository
from sync_server.enrolment.repository import consume_code
from sync_server.errors import Unauthorized
from sync_server.security import hash_code, hash_secret, new_device_token, new_id


def enrol_device(db: Database, request: EnrolRequest, now: datetime) -> EnrolResponse:
    code_hash = hash_code(request.code)
    token = new_device_token()
    device_id = new_id()
    with db.code_transaction(code_hash) as session:
        tenant_id = consume_code(session, code_hash, now)
        if tenant_id is None:
            raise Unauthorized("this enrolment code is unknown, used up or expired")
        db.apply_scope(session, Scope(tenant_id=tenant_id, code_hash=code_hash))
        DeviceRepository(session).create(
            tenant_id, device_id, request.device_name, hash_secret(token), now
        )
    return EnrolResponse(
        device_id=device_id,
        tenant_id=tenant_id,
        device_token=token,
        protocol_version=PROTOCOL_VERSION,
    )
