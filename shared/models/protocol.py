"""The protocol version handshake.

Every ``/v1`` request names the protocol it speaks in the ``Upstream-Protocol`` header.
``GET /v1/handshake`` answers which versions the server speaks without any data; a
request in a version the server does not speak gets ``426 Upgrade Required`` with a
:class:`ProtocolRefusal` body naming the side that must upgrade.
"""

from __future__ import annotations

from typing import Literal

from shared.models.base import WireModel

PROTOCOL_VERSION = 1
SUPPORTED_PROTOCOL_VERSIONS = frozenset({1})
PROTOCOL_HEADER = "Upstream-Protocol"


class HandshakeResponse(WireModel):
    server_protocol_versions: list[int]
    preferred_protocol_version: int


class ProtocolRefusal(WireModel):
    error: Literal["unsupported_protocol"] = "unsupported_protocol"
    client_protocol_version: int | None
    server_protocol_versions: list[int]
    upgrade: Literal["client", "server"]
    message: str
