"""``upstream import``: claims CSV, X12 835 and 837 files into the store.

Each file is one import (all of it or nothing). Exit 0 when something was stored
(or every file was already imported); exit 4 when nothing could be stored, with
the file, row, field and reason on stderr. ``--json`` prints the contract's
document: ``{"files": [...]}`` with one entry per file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli import common
from desktop.ingest.options import ImportOptions
from desktop.ingest.pipeline import import_file
from desktop.ingest.summary import ImportResult

EXIT_OK = 0
EXIT_INVALID_INPUT = 4


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="import claims CSV, X12 835 or 837 files (format detected from content)",
        description="Import claims CSV, X12 835 or 837 files. Each file is stored whole or "
        "not at all; a file imported before changes nothing. Exit 4 when nothing could be "
        "stored.",
    )
    common.add_store_options(p)
    p.add_argument(
        "--mapping",
        metavar="NAME",
        default=None,
        help="read CSV files with this saved column mapping (default: the one saved for "
        "the file's header, if any)",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    results: list[ImportResult] = []
    with common.open_store_from_args(args) as store:
        for path in args.files:
            progress = common.StderrProgress(f"Importing {path.name}")
            options = ImportOptions(
                mapping_name=args.mapping, progress=progress, display_name=str(path)
            )
            result = import_file(store, path, options)
            results.append(result)
            _tell(result)
    if args.json:
        common.emit_json({"files": [r.to_json() for r in results]})
    else:
        for result in results:
            common.emit_text(_summary_line(result))
    nothing_stored = not any(r.stored_anything or r.duplicate_file for r in results)
    return EXIT_INVALID_INPUT if nothing_stored else EXIT_OK


def _tell(result: ImportResult) -> None:
    """Messages for the person at the keyboard (stderr)."""
    for detection in result.phi_detections:
        where = "header" if detection.found_in == "header" else "values"
        common.message(
            f"{result.file}: PHI guard: column {detection.column!r} ({where} look like "
            f"{detection.kind.replace('_', ' ')}): {detection.action.replace('_', ' ')}"
        )
    if result.error:
        common.message(f"upstream: {result.error}")
    elif result.duplicate_file:
        common.message(f"{result.file}: already imported; nothing changed")


def _summary_line(result: ImportResult) -> str:
    if result.duplicate_file:
        return f"{result.file}: already imported (duplicate file); nothing changed"
    if result.status == "failed":
        return f"{result.file}: not imported"
    issues = ", ".join(f"{rule} {count}" for rule, count in sorted(result.issues_by_rule.items()))
    return (
        f"{result.file} ({result.format}): {result.rows_read:,} rows read, "
        f"{result.rows_stored:,} stored ({result.lines_new:,} new, {result.lines_updated:,} "
        f"updated), {result.rows_rejected:,} rejected" + (f"; issues: {issues}" if issues else "")
    )
