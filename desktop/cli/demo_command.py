"""``upstream demo-data``: a synthetic claims CSV with known, injected changes."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli import common


def register(sub: Any) -> None:
    p = sub.add_parser("demo-data", help="write a synthetic claims CSV (no real patient data)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--seed", type=int, default=1, metavar="N")
    p.add_argument("--lines", type=int, default=100_000, metavar="N")
    p.add_argument("--months", type=int, default=12, metavar="N")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return common.not_available("demo-data")
