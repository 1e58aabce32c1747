"""``CurrentDevice``: the one dependency that turns a bearer token into a tenant.

It authenticates the token, then counts the request against the device's and the
tenant's rate limits. Nothing else in the device API can name a tenant.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sync_server.api.state import StateDep
from sync_server.devices.service import authenticate_device
from sync_server.errors import Unauthorized
from sync_server.identity import DeviceIdentity
from sync_server.sync.protocol import Protocol

bearer = HTTPBearer(auto_error=False, description="device token from /v1/enrol")


def authenticated_device(
    state: StateDep,
    response: Response,
    _protocol: Protocol,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> DeviceIdentity:
    if credentials is None:
        raise Unauthorized("send the device token as 'Authorization: Bearer …'")
    device = authenticate_device(state.db, credentials.credentials)
    limits = state.limits
    limits.hit("tenant", limits.tenant, device.tenant_id)
    device_state = limits.hit("device", limits.device, device.device_id)
    response.headers.update(device_state.headers())
    return device


CurrentDevice = Annotated[DeviceIdentity, Depends(authenticated_device)]
