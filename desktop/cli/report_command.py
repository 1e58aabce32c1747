"""``upstream report``: PDF or CSV by the output file's suffix."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli import common


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="write a report; .pdf or .csv by the file's suffix")
    common.add_store_options(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the CLI package never loads Qt until a PDF is drawn.
    from desktop.reports.service import report_format, write_report

    out: Path = args.out.expanduser()
    report_format(out)  # bad suffix: exit 2 before asking for a passphrase
    with common.open_store_from_args(args) as store:
        result = write_report(store, out, common.StderrProgress("report"))
    if args.json:
        common.emit_json(
            {
                "out": str(result.path),
                "format": result.format,
                "run_id": result.run_id,
                "as_of": result.as_of,
                "findings": result.findings,
                "worklist_lines": result.worklist_lines,
                "pages": result.pages,
            }
        )
    else:
        size = (
            f"{result.pages} pages"
            if result.format == "pdf"
            else (f"{result.findings} findings, {result.worklist_lines:,} worklist lines")
        )
        common.emit_text(f"Wrote {result.path} ({size}; analysis as of {result.as_of}).")
    return 0
