"""Applying the PHI policy to the chunks of one import.

Header detections come from the CSV layout (those columns are never read). Values
of the kept text columns are scanned chunk by chunk. A hit rejects the file, or
(if the policy says so) drops the column: in the first chunk before anything is
written, in a later chunk by asking the pipeline to start the import again without
that column (its earlier values were already written in the open transaction).
Dropped columns are still scanned, so the counts cover the whole file. Detections
are counted per column and kind, with the first row, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

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
        self._policy = policy
        self._scanner = ValueScanner(policy)
        self._header = list(header_detections)
        self.dropped: set[str] = set(dropped)
        self._values: dict[tuple[str, PhiKind], _Tally] = {}

    @property
    def detections(self) -> list[PhiDetection]:
        found = [
            PhiDetection(column, kind, "value", self._policy.value_hits, t.rows, t.first_row)
            for (column, kind), t in self._values.items()
        ]
        return [*self._header, *found]

    def check(self, chunk: RawChunk, *, first_chunk: bool) -> None:
        """Scan ``chunk`` and drop the columns the policy drops; raise if it rejects the file."""
        hit_columns: set[str] = set()
        for column in TEXT_COLUMNS:
            if column not in chunk.columns:
                continue
            hits = self._scanner.scan(
                column, chunk.columns[column], chunk.distinct(column), chunk.positions
            )
            for hit in hits:
                self._count(hit)
                hit_columns.add(column)
        if hit_columns and self._policy.value_hits == "reject_file":
            raise PhiRejected(self._rejection(hit_columns), self.detections)
        new = hit_columns - self.dropped
        if new and not first_chunk:
            raise RestartWithoutColumns(self.dropped | new)
        self.dropped |= hit_columns
        for column in self.dropped:
            chunk.columns.pop(column, None)

    def clean_findings(self, findings: list[FileFinding]) -> list[FileFinding]:
        """Findings whose text looks like a patient identifier keep their place, not their text."""
        if not findings:
            return findings
        messages = [f.message for f in findings]
        positions = np.arange(len(findings), dtype=np.int64)
        hits = self._scanner.scan("finding", messages, set(messages), positions)
        if not hits:
            return findings
        leaking = {m for m in messages if self._scanner.scan("finding", [m], {m}, positions[:1])}
        return [
            FileFinding(f.rule, f.position, WITHHELD) if f.message in leaking else f
            for f in findings
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
