"""Saved column mappings: how an office's own export headers map to the contract.

A mapping is saved under a name, for the header row of one export. Imports find it
again by the header's signature (the normalised header names in order), so the
same export maps itself from then on. A header that names a patient identifier can
never be mapped: the PHI guard drops such columns whatever a mapping says.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock, iso_utc, utc_now
from desktop.ingest.errors import MappingError
from desktop.ingest.fields import COLUMNS, REQUIRED, column_for_header, normalise_header
from desktop.ingest.phi import classify_header
from desktop.ingest.phi_policy import PhiPolicy
from desktop.store import audit
from desktop.store.models import ColumnMapping

IGNORE = ""  # map a header to this to say "not a contract column"
MULTI_SOURCE_COLUMNS = frozenset({"modifiers"})


@dataclass(frozen=True)
class ColumnMappingInfo:
    name: str
    header_signature: str
    mapping: dict[str, str]  # normalised export header -> contract column (or IGNORE)
    updated_at: str


@dataclass(frozen=True)
class ColumnMappingChange:
    name: str
    action: str  # created | updated | removed | unchanged
    mapping: dict[str, str]


def header_signature(headers: Sequence[str]) -> str:
    material = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def list_column_mappings(session: Session) -> list[ColumnMappingInfo]:
    rows = session.scalars(select(ColumnMapping).order_by(ColumnMapping.source_name))
    return [_info(row) for row in rows]


def get_column_mapping(session: Session, name: str) -> ColumnMappingInfo:
    row = session.scalar(select(ColumnMapping).where(ColumnMapping.source_name == name))
    if row is None:
        raise MappingError(f"there is no saved column mapping named {name!r}")
    return _info(row)


def mapping_for_headers(session: Session, headers: Sequence[str]) -> ColumnMappingInfo | None:
    """The saved mapping made for exactly this header row, if any (newest first)."""
    row = session.scalar(
        select(ColumnMapping)
        .where(ColumnMapping.header_signature == header_signature(headers))
        .order_by(ColumnMapping.updated_at.desc())
        .limit(1)
    )
    return None if row is None else _info(row)


def save_column_mapping(
    session: Session,
    name: str,
    headers: Sequence[str],
    mapping: Mapping[str, str],
    *,
    policy: PhiPolicy | None = None,
    clock: Clock = utc_now,
) -> ColumnMappingChange:
    """Save (or replace) the mapping ``name`` for an export with this header row.

    ``mapping`` maps export headers (as written, or normalised) to contract columns,
    or to ``""`` to ignore a column. Headers it leaves out are matched by name and
    alias as usual. Raises ``MappingError`` when the result cannot be imported.
    """
    name = name.strip()
    if not name:
        raise MappingError("a column mapping needs a name")
    normalised = validate_mapping(headers, mapping, policy or PhiPolicy())
    signature = header_signature(headers)
    row = session.scalar(select(ColumnMapping).where(ColumnMapping.source_name == name))
    encoded = json.dumps(normalised, sort_keys=True)
    now = iso_utc(clock())
    if row is not None and row.mapping_json == encoded and row.header_signature == signature:
        return ColumnMappingChange(name, "unchanged", normalised)
    action = "created" if row is None else "updated"
    if row is None:
        session.add(
            ColumnMapping(
                source_name=name, header_signature=signature, mapping_json=encoded, updated_at=now
            )
        )
    else:
        row.header_signature, row.mapping_json, row.updated_at = signature, encoded, now
    audit.append(
        session,
        f"column_mapping.{action}",
        "column_mapping",
        name,
        {"mapping": normalised, "header_signature": signature},
        clock=clock,
    )
    return ColumnMappingChange(name, action, normalised)


def remove_column_mapping(
    session: Session, name: str, *, clock: Clock = utc_now
) -> ColumnMappingChange:
    row = session.scalar(select(ColumnMapping).where(ColumnMapping.source_name == name))
    if row is None:
        raise MappingError(f"there is no saved column mapping named {name!r}")
    before: dict[str, str] = json.loads(row.mapping_json)
    session.delete(row)
    audit.append(session, "column_mapping.removed", "column_mapping", name, {}, clock=clock)
    return ColumnMappingChange(name, "removed", before)


def validate_mapping(
    headers: Sequence[str], mapping: Mapping[str, str], policy: PhiPolicy
) -> dict[str, str]:
    """The mapping keyed by normalised header; raises ``MappingError`` if it cannot work."""
    by_key = {normalise_header(h): h for h in headers}
    normalised: dict[str, str] = {}
    for header, column in mapping.items():
        key = normalise_header(header)
        if key not in by_key:
            raise MappingError(f"the export has no column {header!r}")
        if column != IGNORE and column not in COLUMNS:
            raise MappingError(f"{column!r} is not a column of the claims format")
        if column != IGNORE and names_patient_identifier(by_key[key], policy):
            raise MappingError(
                f"the column {header!r} names a patient identifier; it is never imported"
            )
        normalised[key] = column
    resolved: dict[str, list[str]] = {}
    for key, header in by_key.items():
        target = normalised[key] if key in normalised else column_for_header(header)
        if target:
            resolved.setdefault(target, []).append(header)
    for column, sources in resolved.items():
        if len(sources) > 1 and column not in MULTI_SOURCE_COLUMNS:
            raise MappingError(f"{', '.join(map(repr, sources))} would all fill {column}")
    missing = sorted(REQUIRED - set(resolved))
    if missing:
        raise MappingError(f"the mapping leaves required columns unfilled: {', '.join(missing)}")
    return normalised


def names_patient_identifier(header: str, policy: PhiPolicy) -> bool:
    """A header the guard drops: not a contract column or alias, and named like an identifier."""
    return column_for_header(header) is None and classify_header(header, policy) is not None


def _info(row: ColumnMapping) -> ColumnMappingInfo:
    return ColumnMappingInfo(
        row.source_name, row.header_signature, json.loads(row.mapping_json), row.updated_at
    )
