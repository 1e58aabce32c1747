"""What the app holds for its lifetime, reached by dependency (never a global)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from sync_server.clock import Clock
from sync_server.db.engine import Database
from sync_server.ratelimit.limiter import RateLimits
from sync_server.settings import ServerSettings


@dataclass(frozen=True)
class ServerState:
    settings: ServerSettings
    db: Database
    limits: RateLimits
    clock: Clock


async def get_state(request: Request) -> ServerState:
    state = request.app.state.server
    if not isinstance(state, ServerState):
        raise RuntimeError("the app was not built by create_app")
    return state


StateDep = Annotated[ServerState, Depends(get_state)]
