"""Preparing one chunk for the store: PHI scan and typed conversion.

This step needs nothing from the store, so it can run beside the import (in the
worker process of ``worker``) while the import writes the chunk before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from desktop.ingest.convert import ConvertedChunk, convert
from desktop.ingest.phi import ValueHit, ValueScanner
from desktop.ingest.phi_guard import scan_chunk
from desktop.ingest.rows import RawChunk, RowProblem, SourceReader


@dataclass(frozen=True)
class PreparedChunk:
    converted: ConvertedChunk
    hits: list[ValueHit]
    problems: list[RowProblem]
    bytes_read: int  # how far into the file the reader had got (for progress)


def prepare(
    chunk: RawChunk, scanner: ValueScanner, *, merges: bool, bytes_read: int
) -> PreparedChunk:
    hits = scan_chunk(scanner, chunk)
    return PreparedChunk(convert(chunk, merges=merges), hits, chunk.problems, bytes_read)


def prepared_chunks(
    reader: SourceReader, scanner: ValueScanner, rows: int
) -> Iterator[PreparedChunk]:
    """The reader's chunks prepared one after the other, in this process."""
    for chunk in reader.chunks(rows):
        yield prepare(chunk, scanner, merges=reader.merges, bytes_read=reader.bytes_read())
