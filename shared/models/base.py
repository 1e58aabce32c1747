"""The base of every wire schema: unknown fields are refused, values are immutable."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# Client-generated identifiers (UUIDs in practice); bounded so no id can bloat a row.
ClientId = Annotated[
    str, StringConstraints(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]
# Free text may not carry control characters (NUL cannot even be stored in PostgreSQL).
PLAIN_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
PayerName = Annotated[
    str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True, pattern=PLAIN_TEXT)
]
ProcedureCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{5}$")]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
