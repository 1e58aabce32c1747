"""The ``upstream`` command line: headless commands over the same services as the UI.

Exit codes (contract): 0 done; 1 unexpected failure; 2 bad usage; 3 wrong passphrase
or not an Upstream store; 4 invalid input (nothing was stored); 5 server unreachable
or refused (the outbox is kept).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from desktop import __version__
from desktop.cli import (
    alerts_command,
    analyze_command,
    common,
    demo_command,
    import_command,
    report_command,
    store_commands,
    sync_command,
)
from desktop.errors import (
    InvalidInput,
    KeychainUnavailable,
    ServerUnavailable,
    StoreAccessError,
    UpstreamError,
    UsageError,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_STORE = 3
EXIT_INVALID_INPUT = 4
EXIT_SERVER = 5
EXIT_INTERRUPTED = 130

COMMAND_MODULES = (
    store_commands,
    import_command,
    analyze_command,
    alerts_command,
    report_command,
    demo_command,
    sync_command,
)

log = logging.getLogger("upstream")


def exit_code_for(error: UpstreamError) -> int:
    if isinstance(error, StoreAccessError):
        return EXIT_STORE
    if isinstance(error, InvalidInput):
        return EXIT_INVALID_INPUT
    if isinstance(error, ServerUnavailable):
        return EXIT_SERVER
    if isinstance(error, (UsageError, KeychainUnavailable)):
        return EXIT_USAGE
    return EXIT_FAILURE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="upstream",
        description="Upstream: see early, with evidence, when a payer denies more, "
        "pays less or pays later. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"upstream {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="more messages on stderr")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end offscreen (temporary store, demo data, "
        "analysis, report) and exit 0 when it works",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler: common.Handler | None = getattr(args, "handler", None)
    wants_json = bool(getattr(args, "json", False))
    try:
        if args.self_test:
            return self_test()
        if handler is None:
            return open_window()
        return handler(args)
    except UpstreamError as error:
        code = exit_code_for(error)
        _report_error(error, code, wants_json)
        return code
    except KeyboardInterrupt:
        common.message("Interrupted; nothing half-written was kept.")
        return EXIT_INTERRUPTED


def self_test() -> int:
    import os

    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt loads: the test needs no display
    from desktop.selftest import run_self_test

    print(f"Upstream {__version__} self-test", flush=True)
    report = run_self_test(sys.stdout)
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    print(f"Self-test passed: {len(report.passed)} checks{skipped}.", flush=True)
    return EXIT_OK


def open_window() -> int:
    from desktop.ui.app import run  # Qt loads only when a window is wanted

    return run(None)


def _report_error(error: UpstreamError, code: int, wants_json: bool) -> None:
    common.message(f"upstream: {error}")
    if wants_json:
        common.emit_json(
            {"error": {"exit_code": code, "kind": type(error).__name__, "message": str(error)}}
        )
