"""The ``upstream-server`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="upstream-server", description="Upstream sync server")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="run the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8600)
    sub.add_parser("migrate", help="create or upgrade the server database")
    admin = sub.add_parser("admin", help="administer tenants, devices and the audit trail")
    admin.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(
        f"upstream-server: '{args.command}' is not available yet in this version of Upstream",
        file=sys.stderr,
    )
    return EXIT_USAGE
