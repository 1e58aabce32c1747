"""The version handshake: every /v1 data request names the protocol it speaks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from shared.models import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SUPPORTED_PROTOCOL_VERSIONS,
    ProtocolRefusal,
)
from sync_server.errors import ServerError


class UnsupportedProtocol(ServerError):
    def __init__(self, refusal: ProtocolRefusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def negotiate(header: str | None) -> int:
    """The protocol version to use, or UnsupportedProtocol saying who must upgrade."""
    supported = sorted(SUPPORTED_PROTOCOL_VERSIONS)
    version = int(header) if header is not None and header.strip().isdigit() else None
    if version in SUPPORTED_PROTOCOL_VERSIONS:
        return version
    if version is not None and version > max(supported):
        message = (
            f"this server speaks protocol {supported}, older than the client's {version}: "
            "the server must be upgraded; the client keeps its outbox until then"
        )
        upgrade = "server"
    else:
        named = "no protocol version" if version is None else f"protocol {version}"
        message = (
            f"the client sent {named}; this server speaks protocol {supported}: "
            f"upgrade Upstream to a version that speaks protocol {PROTOCOL_VERSION}"
        )
        upgrade = "client"
    raise UnsupportedProtocol(
        ProtocolRefusal(
            client_protocol_version=version,
            server_protocol_versions=supported,
            upgrade=upgrade,
            message=message,
        )
    )


async def require_protocol(
    upstream_protocol: Annotated[
        str | None,
        Header(alias=PROTOCOL_HEADER, description="protocol version the client speaks"),
    ] = None,
) -> int:
    return negotiate(upstream_protocol)


Protocol = Annotated[int, Depends(require_protocol)]
