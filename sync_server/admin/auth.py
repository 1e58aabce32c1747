"""``CurrentAdmin``: the admin credential, separate from every device token.

The REST API takes it as a bearer token; the admin page takes it once at sign-in
and then holds a signed session cookie. Both count against the admin rate limit
per address, and a refused credential is written to the audit trail.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sync_server.api.state import ServerState, StateDep
from sync_server.audit import service as audit
from sync_server.enrolment.endpoints import client_address
from sync_server.errors import Unauthorized
from sync_server.identity import AdminIdentity

admin_bearer = HTTPBearer(auto_error=False, description="the admin token")


def admin_token_matches(state: ServerState, presented: str) -> bool:
    expected = state.settings.admin_token
    if expected is None:
        raise Unauthorized("the admin API is disabled: set UPSTREAM_SERVER_ADMIN_TOKEN")
    return hmac.compare_digest(
        presented.encode("utf-8"), expected.get_secret_value().encode("utf-8")
    )


def record_refusal(state: ServerState, channel: str, address: str) -> None:
    with state.db.admin_transaction(write=True) as session:
        audit.record(
            session,
            actor=f"{channel}@{address}",
            action="admin.credential_refused",
            now=state.clock(),
        )


def limit_admin(state: ServerState, request: Request) -> dict[str, str]:
    return state.limits.hit("admin", state.limits.admin, client_address(request)).headers()


def api_admin(
    state: StateDep,
    request: Request,
    response: Response,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)],
) -> AdminIdentity:
    response.headers.update(limit_admin(state, request))
    if credentials is None:
        raise Unauthorized("send the admin token as 'Authorization: Bearer …'")
    if not admin_token_matches(state, credentials.credentials):
        record_refusal(state, "admin-api", client_address(request))
        raise Unauthorized("wrong admin token")
    return AdminIdentity(actor=f"admin-api@{client_address(request)}")


CurrentAdmin = Annotated[AdminIdentity, Depends(api_admin)]
