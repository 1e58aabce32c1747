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
    return common.not_available("report")
