"""``POST /v1/enrol``: exchange an enrolment code for a device token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from shared.models import EnrolRequest, EnrolResponse
from sync_server.api.errors import ERROR_RESPONSES
from sync_server.api.state import StateDep
from sync_server.enrolment.service import enrol_device
from sync_server.sync.protocol import Protocol

router = APIRouter(prefix="/v1", tags=["enrolment"])


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


@router.post("/enrol", status_code=201, responses=ERROR_RESPONSES)
def enrol(
    body: EnrolRequest,
    request: Request,
    response: Response,
    state: StateDep,
    _protocol: Protocol,
) -> EnrolResponse:
    """The device token is shown once; the server keeps only its hash."""
    limits = state.limits
    response.headers.update(limits.hit("enrol", limits.enrol, client_address(request)).headers())
    return enrol_device(state.db, body, state.clock())
