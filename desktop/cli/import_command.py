"""``upstream import``: claims CSV, X12 835 and 837 files into the store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli import common


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="import claims CSV, X12 835 or 837 files")
    common.add_store_options(p)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return common.not_available("import")
