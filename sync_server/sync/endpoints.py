"""``/v1`` sync routes: handshake, push, pull."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from shared.models import (
    PROTOCOL_VERSION,
    SUPPORTED_PROTOCOL_VERSIONS,
    HandshakeResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from shared.models.pull import MAX_PAGE
from sync_server.api.errors import ERROR_RESPONSES, ErrorBody
from sync_server.api.state import StateDep
from sync_server.devices.auth import CurrentDevice
from sync_server.sync import service

router = APIRouter(prefix="/v1", tags=["sync"])


@router.get("/handshake", responses={k: ERROR_RESPONSES[k] for k in (426, 429)})
async def handshake() -> HandshakeResponse:
    """Which protocol versions this server speaks (no credential, no data)."""
    return HandshakeResponse(
        server_protocol_versions=sorted(SUPPORTED_PROTOCOL_VERSIONS),
        preferred_protocol_version=PROTOCOL_VERSION,
    )


@router.post(
    "/push",
    responses=ERROR_RESPONSES
    | {422: {"model": ErrorBody, "description": "invalid body, or a batch id reused"}},
)
def push(body: PushRequest, device: CurrentDevice, state: StateDep) -> PushResponse:
    """Store a batch of aggregates and feedback; answered item by item, safely repeatable."""
    return service.push(state.db, device, body, state.clock())


@router.get(
    "/changes",
    responses=ERROR_RESPONSES
    | {409: {"model": ErrorBody, "description": "cursor ahead of the server"}},
)
def pull(
    device: CurrentDevice,
    state: StateDep,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
) -> PullResponse:
    """Rules, payer mappings and other devices' feedback changed after ``cursor``."""
    return service.pull(state.db, device, cursor, limit, state.clock())
