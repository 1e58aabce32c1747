"""Applying the PHI policy to the chunks of one import.

Header detections come from the CSV layout (those columns are never read). Values
of the kept text columns are scanned chunk by chunk (``scan_chunk``, a pure step
that can run beside the import). A hit rejects the file, or (if the policy says
so) drops the column: in the first chunk before anything is written, in a later
chunk by asking the pipeline to start the import again without that column (its
earlier values were already written in the open transaction). Dropped columns are
still scanned, so the counts cover the whole file. Detections are counted per
column and kind, with the first row, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop.ingest.errors import PhiRejected
from desktop.ingest.fields import TEXT_COLUMNS
from desktop.ingest.phi import PhiDetection, PhiKind, ValueHit, ValueScanner
from desktop.ingest.phi_policy import PhiPolicy
from desktop.ingest.rows import FileFinding, RawChunk

WITHHELD = "the text of this finding was withheld: it looked like a patient identifier"


class RestartWithoutColumns(Exception):
    """Internal: start the import again, dropping these columns from the first row on."""

    def __init__(self, columns: set[str]) -> None:
        super().__init__(", ".join(sorted(columns)))
        self.columns = columns


def scan_chunk(scanner: ValueScanner, chunk: RawChunk) -> list[ValueHit]:
    """Identifier-like values in the chunk's kept text columns."""
    hits: list[ValueHit] = []
    for column in TEXT_COLUMNS:
        if column in chunk.columns:
            codes, distinct = chunk.factorized(column)
            hits.extend(scanner.scan(column, codes, distinct, chunk.positions))
    return hits


@dataclass
class _Tally:
    rows: int
    first_row: int


class PhiGuard:
    def __init__(
        self,
        file_name: str,
        policy: PhiPolicy,
        *,
        header_detections: Sequence[PhiDetection] = (),
        dropped: Iterable[str] = (),
    ) -> None:
        self._name = file_name
        self.policy = policy
        self.scanner = ValueScanner(policy)
        self._header = list(header_detections)
        self.dropped: set[str] = set(dropped)
        self._values: dict[tuple[str, PhiKind], _Tally] = {}

    @property
    def detections(self) -> list[PhiDetection]:
        found = [
            PhiDetection(column, kind, "value", self.policy.value_hits, t.rows, t.first_row)
            for (column, kind), t in self._values.items()
        ]
        return [*self._header, *found]

    def apply(self, hits: Sequence[ValueHit], *, first_chunk: bool) -> set[str]:
        """Count the hits of one chunk; the columns to blank in it. Raises if the file goes."""
        hit_columns: set[str] = set()
        for hit in hits:
            self._count(hit)
            hit_columns.add(hit.column)
        if hit_columns and self.policy.value_hits == "reject_file":
            raise PhiRejected(self._rejection(hit_columns), self.detections)
        new = hit_columns - self.dropped
        if new and not first_chunk:
            raise RestartWithoutColumns(self.dropped | new)
        self.dropped |= hit_columns
        return self.dropped

    def clean_findings(self, findings: list[FileFinding]) -> list[FileFinding]:
        """Findings whose text looks like a patient identifier keep their place, not their text."""
        leaking = self.scanner.scan_texts("finding", [f.message for f in findings])
        return [
            FileFinding(f.rule, f.position, WITHHELD) if i in leaking else f
            for i, f in enumerate(findings)
        ]

    def _count(self, hit: ValueHit) -> None:
        key = (hit.column, hit.kind)
        tally = self._values.get(key)
        if tally is None:
            self._values[key] = _Tally(hit.rows, hit.first_row)
        else:
            tally.rows += hit.rows
            tally.first_row = min(tally.first_row, hit.first_row)

    def _rejection(self, columns: set[str]) -> str:
        parts = []
        for (column, kind), tally in self._values.items():
            if column in columns:
                parts.append(
                    f"{column} holds what looks like {kind.replace('_', ' ')} "
                    f"({tally.rows} rows, first row {tally.first_row})"
                )
        return (
            f"{self._name}: {'; '.join(parts)}. This store's PHI policy rejects files with "
            "patient identifiers in kept columns; nothing was stored. Remove those values "
            "from the export and import it again"
        )
