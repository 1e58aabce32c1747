"""Typed errors to HTTP answers: one status per error family, a JSON body that explains."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

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


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error: str
    message: str
    details: list[ErrorDetail] | None = None


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
    413: {"model": ErrorBody, "description": "request body too large"},
    422: {"model": ErrorBody, "description": "the request does not match the schema"},
    426: {"model": ProtocolRefusal, "description": "unsupported protocol version"},
    429: {"model": ErrorBody, "description": "rate limit reached; see Retry-After"},
    503: {"model": ErrorBody, "description": "a backend cannot be reached"},
}


def _body(kind: str, error: Exception) -> dict[str, Any]:
    return ErrorBody(error=kind, message=str(error)).model_dump(exclude_none=True)


MAX_LISTED_PROBLEMS = 5


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    """422 naming each problem's place, never echoing the values sent (they may be PHI)."""
    if not isinstance(error, RequestValidationError):
        raise error
    details = [
        ErrorDetail(loc=list(problem["loc"]), msg=problem["msg"], type=problem["type"])
        for problem in error.errors()
    ]
    listed = "; ".join(
        f"{'.'.join(str(part) for part in d.loc)}: {d.msg}" for d in details[:MAX_LISTED_PROBLEMS]
    )
    more = f" (and {len(details) - MAX_LISTED_PROBLEMS} more)" if len(details) > 5 else ""
    body = ErrorBody(error="invalid_request", message=listed + more, details=details)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=422)


async def _too_large(_request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, StarletteHTTPException) or error.status_code != 413:
        raise error
    message = "the request body is larger than this server accepts"
    return JSONResponse(
        ErrorBody(error="too_large", message=message).model_dump(exclude_none=True), 413
    )


async def _server_error(_request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, RateLimited):
        limited = error.state.headers() | {"Retry-After": str(error.state.reset_after or 1)}
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
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(413, _too_large)
