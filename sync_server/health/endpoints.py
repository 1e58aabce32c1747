"""``/v1/health`` (the process answers) and ``/v1/ready`` (its backends answer too)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from sync_server.api.errors import ERROR_RESPONSES
from sync_server.api.state import StateDep

router = APIRouter(prefix="/v1", tags=["health"])


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"]


class Readiness(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ready"]
    storage: str
    rate_limits: str


@router.get("/health")
async def health() -> Health:
    return Health(status="ok")


@router.get("/ready", responses={503: ERROR_RESPONSES[503]})
def ready(state: StateDep) -> Readiness:
    state.db.check_reachable()
    state.limits.check_reachable()
    return Readiness(status="ready", storage=state.db.backend, rate_limits=state.limits.backend)
