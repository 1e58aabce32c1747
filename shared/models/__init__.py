"""Wire schemas shared by the desktop and the sync server.

Every protocol version is documented here; client and server agree on one in a
handshake before any data moves.

- 1: the first protocol.
"""

PROTOCOL_VERSION = 1
SUPPORTED_PROTOCOL_VERSIONS = frozenset({1})
