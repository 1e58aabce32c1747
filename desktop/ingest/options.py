"""How an import is run (chunk size, progress, hooks) and what hooks are told."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from desktop.clock import Clock, utc_now

# progress(done, total, detail): bytes read of the file's size. Raising from it (e.g.
# ImportCancelled when a person pressed Cancel) stops the import; nothing is stored.
Progress = Callable[[int, int | None, str], None]


@dataclass(frozen=True)
class StoredImport:
    """What a hook is told, after the lines are upserted and before the commit."""

    import_id: str
    format: str
    rows_stored: int
    lines_new: int
    lines_updated: int
    payer_ids: frozenset[int]  # canonical payers the file names


# A hook runs in the import's transaction: what it writes commits with the import, and
# an exception from it rolls the whole import back. The lines of this import are
# those with ``claim_line.last_import_id = stored.import_id``.
ImportHook = Callable[[Session, StoredImport], None]


ReaderProcess = Literal["auto", "always", "never"]


@dataclass(frozen=True)
class ImportOptions:
    chunk_rows: int = 12_000
    mapping_name: str | None = None  # use this saved column mapping (else found by header)
    hooks: tuple[ImportHook, ...] = field(default=())
    progress: Progress | None = None
    clock: Clock = utc_now
    display_name: str | None = None  # how results name the file (default: the path as given)
    # Read and prepare a CSV in a second process while this one writes ("auto": for a
    # large file on a machine with two cores or more; see ``worker``).
    reader_process: ReaderProcess = "auto"
