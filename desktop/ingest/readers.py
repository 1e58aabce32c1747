"""Choosing the reader for a file by what its content is (never by its name)."""

from __future__ import annotations

from pathlib import Path

from desktop.ingest import x12
from desktop.ingest.csv_reader import CsvReader, MappingLookup
from desktop.ingest.detect import FileFacts, inspect_file
from desktop.ingest.phi_policy import PhiPolicy
from desktop.ingest.rows import SourceReader
from desktop.ingest.x12_reader import X12Reader


def inspect(path: Path) -> FileFacts:
    """Size, SHA-256, format (csv, 835, 837) and text encoding of the file."""
    return inspect_file(path, x12.sniff)


def open_reader(facts: FileFacts, policy: PhiPolicy, find_mapping: MappingLookup) -> SourceReader:
    if facts.format == "csv":
        return CsvReader(facts, policy, find_mapping)
    return X12Reader(facts)
