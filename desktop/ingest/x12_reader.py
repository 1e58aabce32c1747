"""The X12 835/837 reader (``desktop.ingest.x12``) seen through the pipeline's reader interface.

A thin adapter: the X12 library turns the file into canonical rows; this groups
them into chunks of columns. In an 835 row ``None`` means "keep what is stored"
(the pipeline merges it with the stored line) and the columns the file says are
now empty (``cleared``) become ``""``. An 837 row is whole, so its ``None`` is empty.

Parser warnings and 835 balancing become file findings for the quality engine.
Their text is scanned by the PHI guard like any value before it is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import numpy as np

from desktop.ingest import x12
from desktop.ingest.detect import FileFacts, FileFormat
from desktop.ingest.rows import FileFinding, RawChunk

BALANCE_NAMES = {
    x12.LINE_BALANCE: "service line: charge - adjustments = paid",
    x12.CLAIM_BALANCE: "claim: charge - adjustments = paid",
    x12.BPR_BALANCE: "payment: BPR total = claims paid - provider adjustments",
    x12.CLAIM_CHARGE: "claim: line charges add up to the claim charge",
}


class X12Reader:
    def __init__(self, facts: FileFacts) -> None:
        self._size = facts.size
        self._file = x12.read_x12(facts.path)
        self._done = False

    @property
    def format(self) -> FileFormat:
        return self._file.kind

    @property
    def merges(self) -> bool:
        return self._file.kind == "835"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(x12.COLUMNS)

    def bytes_read(self) -> int:
        return self._size if self._done else 0

    def findings(self) -> list[FileFinding]:
        found = [FileFinding("x12_structure", w.segment, w.message) for w in self._file.warnings]
        for check in x12.balance_checks(self._file):
            if not check.balanced:
                claim = f" (claim {check.claim_id})" if check.claim_id else ""
                found.append(
                    FileFinding(
                        "x12_balance",
                        check.segment,
                        f"does not balance{claim}: {BALANCE_NAMES.get(check.rule, check.rule)}; "
                        f"expected {check.expected:.2f}, found {check.actual:.2f}",
                    )
                )
        return found

    def chunks(self, rows: int) -> Iterator[RawChunk]:
        merges = self.merges
        source = x12.canonical_rows(self._file)
        while block := list(islice(source, rows)):
            columns: dict[str, list[str | None]] = {c: [] for c in x12.COLUMNS}
            for row in block:
                for column in x12.COLUMNS:
                    value = row.values.get(column)
                    if value is None and (not merges or column in row.cleared):
                        value = ""
                    columns[column].append(value)
            positions = np.fromiter((r.segment for r in block), np.int64, count=len(block))
            yield RawChunk(positions, columns)
        self._done = True

    def close(self) -> None:
        """Nothing stays open: the X12 library reads the file when the reader is made."""
