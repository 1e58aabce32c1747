"""``upstream analyze``: drift, delay and alert evaluation over the store."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from desktop.cli import common


def register(sub: Any) -> None:
    p = sub.add_parser("analyze", help="run drift, delay and alert evaluation")
    common.add_store_options(p)
    p.add_argument("--as-of", type=date.fromisoformat, default=None, metavar="DATE")
    p.add_argument("--baseline-days", type=int, default=90, metavar="N")
    p.add_argument("--current-days", type=int, default=30, metavar="N")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return common.not_available("analyze")
