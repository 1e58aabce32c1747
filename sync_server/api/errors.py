"""Typed errors to HTTP answers: one status per error family, a JSON body that explains."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from shared.models import ProtocolRefusal
from sync_server.errors import (
    BackendUnavailable,
    Conflict,
    InvalidRequest,
    NotFound,
    ServerError,
    Unauthorized,
)
from sync_server.ratelimit.limiter import RateLimited
from sync_server.sync.protocol import UnsupportedProtocol

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error: str
    message: str


STATUS = (
    (NotFound, 404, "not_found"),
    (Unauthorized, 401, "unauthorized"),
    (Conflict, 409, "conflict"),
    (InvalidRequest, 422, "invalid_request"),
    (BackendUnavailable, 503, "backend_unavailable"),
)

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing, unknown or revoked credential"},
    404: {"model": ErrorBody, "description": "no such row for this caller"},
    413: {"description": "request body too large"},
    426: {"model": ProtocolRefusal, "description": "unsupported protocol version"},
    429: {"model": ErrorBody, "description": "rate limit reached; see Retry-After"},
    503: {"model": ErrorBody, "description": "a backend cannot be reached"},
}


def _body(kind: str, error: Exception) -> dict[str, str]:
    return ErrorBody(error=kind, message=str(error)).model_dump()


async def _server_error(_request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, RateLimited):
        limited = error.state.headers() | {"Retry-After": str(error.state.reset_after)}
        return JSONResponse(_body("rate_limited", error), status_code=429, headers=limited)
    if isinstance(error, UnsupportedProtocol):
        return JSONResponse(error.refusal.model_dump(), status_code=426)
    for family, status, kind in STATUS:
        if isinstance(error, family):
            if status == 503:
                log.error("%s", error)
            headers: dict[str, str] | None = (
                {"WWW-Authenticate": "Bearer"} if status == 401 else None
            )
            return JSONResponse(_body(kind, error), status_code=status, headers=headers)
    raise error


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServerError, _server_error)
