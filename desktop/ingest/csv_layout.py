"""Which export column fills which contract column, decided from the header row.

In order: a saved column mapping for this export (or the one asked for by name),
then the contract's names and aliases. A header that names a patient identifier is
dropped (or rejects the file, as the PHI policy says); any other unknown column is
ignored. Both lists go into the import summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.errors import InvalidInput
from desktop.ingest.column_mappings import MULTI_SOURCE_COLUMNS, ColumnMappingInfo
from desktop.ingest.errors import PhiRejected
from desktop.ingest.fields import COLUMNS, REQUIRED, column_for_header, normalise_header
from desktop.ingest.phi import PhiDetection, classify_header
from desktop.ingest.phi_policy import PhiPolicy


@dataclass(frozen=True)
class CsvLayout:
    width: int
    headers: tuple[str, ...]
    sources: dict[str, tuple[int, ...]]  # contract column -> header positions
    phi: tuple[PhiDetection, ...]  # header detections: those columns are dropped
    phi_headers: tuple[str, ...]  # the dropped headers, as written in the file
    ignored: tuple[str, ...]
    mapping_name: str | None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in COLUMNS if c in self.sources)

    def header_of(self, column: str) -> str:
        """How the file names a contract column ("Mod 1, Mod 2" for spread modifiers)."""
        return ", ".join(self.headers[p] for p in self.sources.get(column, ())) or column


def resolve_layout(
    file_name: str,
    headers: list[str],
    policy: PhiPolicy,
    mapping: ColumnMappingInfo | None,
) -> CsvLayout:
    sources: dict[str, list[int]] = {}
    phi: list[PhiDetection] = []
    phi_headers: list[str] = []
    ignored: list[str] = []
    saved = mapping.mapping if mapping else {}
    for position, header in enumerate(headers):
        key = normalise_header(header)
        alias = column_for_header(header)
        kind = classify_header(header, policy)
        if alias is not None and kind != "office_keyword":
            kind = None  # a contract column or alias ("Patient Control Number") is no identifier
        if kind is not None:
            phi.append(PhiDetection(header.strip(), kind, "header", policy.header_hits))
            phi_headers.append(header.strip())
            continue
        column = saved.get(key, alias)
        if column:
            sources.setdefault(column, []).append(position)
        elif key:
            ignored.append(header.strip())
    if phi and policy.header_hits == "reject_file":
        raise PhiRejected(
            f"{file_name}: the columns {', '.join(map(repr, phi_headers))} name patient "
            "identifiers, and this store's PHI policy rejects such files; nothing was stored",
            phi,
        )
    for column, positions in sources.items():
        if len(positions) > 1 and column not in MULTI_SOURCE_COLUMNS:
            names = ", ".join(repr(headers[p]) for p in positions)
            raise InvalidInput(
                f"{file_name}: the columns {names} all name {column}; remove all but one, "
                "or save a column mapping that says which to use"
            )
    missing = [c for c in COLUMNS if c in REQUIRED and c not in sources]
    if missing:
        raise InvalidInput(
            f"{file_name}: the header lacks the required columns {', '.join(missing)}. "
            "Rename those columns, or save a column mapping for this export"
        )
    return CsvLayout(
        width=len(headers),
        headers=tuple(h.strip() for h in headers),
        sources={c: tuple(p) for c, p in sources.items()},
        phi=tuple(phi),
        phi_headers=tuple(phi_headers),
        ignored=tuple(ignored),
        mapping_name=mapping.name if mapping else None,
    )
