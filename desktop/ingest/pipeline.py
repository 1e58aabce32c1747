"""Importing claims files into a store: the service the CLI and the UI call.

``import_files(store, paths)`` imports each file in its own transaction and returns
one ``ImportResult`` per file, in order. A file already imported (same SHA-256)
changes nothing and says ``duplicate_file``. A file that cannot be used leaves no
line behind, but its failed ``import_batch`` record and audit entry are written in
a small transaction of their own after the rollback, so the failure stays visible.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from desktop.clock import iso_utc
from desktop.errors import InvalidInput, UpstreamError
from desktop.ingest.detect import FileFacts
from desktop.ingest.errors import ImportCancelled
from desktop.ingest.fields import COLUMNS
from desktop.ingest.import_run import ImportRun, audit_details, record_phi_detections
from desktop.ingest.options import ImportOptions
from desktop.ingest.phi_guard import RestartWithoutColumns
from desktop.ingest.readers import inspect
from desktop.ingest.summary import ImportResult
from desktop.store import Store, audit
from desktop.store.models import ImportBatch


def import_files(
    store: Store, paths: Sequence[Path], options: ImportOptions | None = None
) -> list[ImportResult]:
    return [import_file(store, path, options) for path in paths]


def import_file(store: Store, path: Path, options: ImportOptions | None = None) -> ImportResult:
    """Import one file; a problem with the file is reported in the result, not raised.

    A cancelled import (the progress callback raised ``ImportCancelled``) is a failed
    result too. Errors that are not about the file (the store cannot be written, a
    bug) are raised after the failed record is written. ``UsageError``s (an unknown saved
    column mapping) are raised too: the request, not the file, is wrong.
    """
    opts = options or ImportOptions()
    if opts.display_name is None:
        opts = replace(opts, display_name=str(path))
    name = opts.display_name or str(path)
    try:
        facts = inspect(path)
    except InvalidInput as exc:
        _record_unreadable(store, path, exc, opts)
        return ImportResult(name, None, "failed", error=str(exc))
    duplicate = _committed_import(store, facts.sha256)
    if duplicate is not None:
        return ImportResult(name, facts.format, "duplicate", import_id=duplicate)
    import_id = str(uuid.uuid4())
    dropped: set[str] = set()
    for _attempt in range(len(COLUMNS) + 1):
        run = ImportRun(store, facts, import_id, opts, dropped=dropped)
        try:
            result = run.execute()
        except RestartWithoutColumns as restart:
            dropped = restart.columns
            continue
        except (InvalidInput, ImportCancelled) as exc:
            return _record_failure(store, run, exc)
        except BaseException as exc:
            _record_failure(store, run, exc)
            raise
        if result.status == "committed":
            return result
    raise RuntimeError("the PHI guard kept asking to restart the import")  # unreachable


def _committed_import(store: Store, sha256: str) -> str | None:
    with store.read() as session:
        return session.scalar(
            select(ImportBatch.id)
            .where(ImportBatch.file_sha256 == sha256, ImportBatch.state == "committed")
            .limit(1)
        )


def _record_failure(store: Store, run: ImportRun, error: BaseException) -> ImportResult:
    """After the rollback: the failed record, the PHI detections and an audit entry."""
    message = str(error) if isinstance(error, UpstreamError) else f"{type(error).__name__}: {error}"
    detections = getattr(error, "detections", None)
    result = run.result("failed", error=message)
    if detections and run.guard is None:
        result = replace(result, phi_detections=tuple(detections))
    facts: FileFacts = run.facts
    clock = run.options.clock
    with store.write() as session:
        session.add(
            ImportBatch(
                id=run.import_id,
                file_name=facts.path.name,
                file_sha256=facts.sha256,
                file_size=facts.size,
                format=run.format,
                state="failed",
                started_at=iso_utc(clock()),
                finished_at=iso_utc(clock()),
                rows_read=result.rows_read,
                rows_stored=0,
                rows_rejected=result.rows_rejected,
                summary_json=json.dumps(result.to_json(), sort_keys=True),
                error=message,
            )
        )
        session.flush()
        record_phi_detections(session, run.import_id, result, clock=clock)
        audit.append(
            session,
            "import.failed",
            "import",
            run.import_id,
            audit_details(result, facts),
            clock=clock,
        )
    return result


def _record_unreadable(
    store: Store, path: Path, error: InvalidInput, options: ImportOptions
) -> None:
    """A file that is not even a claims file leaves an audit entry (there is no record)."""
    with store.write() as session:
        audit.append(
            session,
            "import.rejected",
            "file",
            path.name,
            {"file_name": path.name, "error": str(error)},
            clock=options.clock,
        )
