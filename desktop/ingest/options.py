"""How an import is run (chunk size, progress, hooks) and what hooks are told."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
    payer_ids: frozenset[int]  # canonical payers of the stored rows


# A hook runs in the import's transaction: what it writes commits with the import, and
# an exception from it rolls the whole import back. The lines of this import are
# those with ``claim_line.last_import_id = stored.import_id``.
ImportHook = Callable[[Session, StoredImport], None]


# Files at least this large are read and prepared by a worker process while the
# import writes (see ``worker``); smaller ones are not worth starting a process for.
PARALLEL_MIN_BYTES = 32 * 2**20


@dataclass(frozen=True)
class ImportOptions:
    chunk_rows: int = 20_000
    mapping_name: str | None = None  # use this saved column mapping (else found by header)
    hooks: tuple[ImportHook, ...] = field(default=())
    progress: Progress | None = None
    clock: Clock = utc_now
    display_name: str | None = None  # how results name the file (default: the path as given)
    parallel_min_bytes: int | None = PARALLEL_MIN_BYTES  # None: never use a worker process
