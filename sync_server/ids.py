"""The shape of server-assigned identifiers, checked at the edge.

Tenants and devices are named by the server (``security.new_id``: a random UUID in
lower-case text) and stored in 36-character columns. Anything else in a path or query
is refused with 422 before it reaches storage, where an over-long value would fail on
PostgreSQL instead of simply not being found.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Query

SERVER_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
SERVER_ID_HINT = "a server-assigned id: a lower-case UUID (0f8fad5b-d9cb-469f-a165-70867728950e)"

TenantId = Annotated[str, Path(pattern=SERVER_ID, description=SERVER_ID_HINT)]
DeviceId = Annotated[str, Path(pattern=SERVER_ID, description=SERVER_ID_HINT)]
TenantFilter = Annotated[str | None, Query(pattern=SERVER_ID, description=SERVER_ID_HINT)]


def is_server_id(text: str) -> bool:
    """Whether ``text`` can name a tenant or device (callers other than the API check)."""
    return re.fullmatch(SERVER_ID, text) is not None
