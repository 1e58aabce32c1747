"""What every command shares: store options, passphrase sources, output and progress.

Results go to stdout (one JSON document with ``--json``); messages and progress go
to stderr, so scripts can parse stdout and people can read stderr.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import platformdirs

from desktop.errors import KeychainUnavailable, NotAvailableYet, UsageError
from desktop.store import Store, open_store, open_store_with_keychain
from desktop.store.lifecycle import has_keychain_entry

log = logging.getLogger("upstream.cli")

PASSPHRASE_ENV = "UPSTREAM_PASSPHRASE"
NEW_PASSPHRASE_ENV = "UPSTREAM_NEW_PASSPHRASE"
RECOVERY_KEY_ENV = "UPSTREAM_RECOVERY_KEY"
DEFAULT_STORE_NAME = "store.upstream"

Handler = Callable[[argparse.Namespace], int]


def default_store_path() -> Path:
    """The per-user data folder's store (e.g. ~/.local/share/Upstream/store.upstream)."""
    return platformdirs.user_data_path("Upstream", appauthor=False) / DEFAULT_STORE_NAME


def add_store_options(parser: argparse.ArgumentParser, *, json_output: bool = True) -> None:
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"the store file (default: {default_store_path()})",
    )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        default=None,
        metavar="F",
        help=f"read the passphrase from F (else ${PASSPHRASE_ENV}, else a prompt)",
    )
    if json_output:
        add_json_option(parser)


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout and nothing else"
    )


def store_path(args: argparse.Namespace) -> Path:
    path: Path | None = args.store
    return (path or default_store_path()).expanduser()


def read_secret_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the passphrase file {path}: {exc.strerror}") from exc
    return text.rstrip("\r\n")


def passphrase_from_args(args: argparse.Namespace) -> str | None:
    """The passphrase from --passphrase-file, else the environment; None if neither is set."""
    if getattr(args, "passphrase_file", None) is not None:
        return read_secret_file(args.passphrase_file)
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None


def prompt_secret(prompt: str, *, confirm: bool = False) -> str:
    if not sys.stdin.isatty():
        raise UsageError(
            f"no passphrase given: use --passphrase-file F or ${PASSPHRASE_ENV}, "
            "or run the command in a terminal to be asked"
        )
    first = getpass.getpass(prompt, stream=sys.stderr)
    if confirm and getpass.getpass("Again, to confirm: ", stream=sys.stderr) != first:
        raise UsageError("the two entries differ; nothing was changed")
    return first


def secret_from_env_or_prompt(env: str, prompt: str, *, confirm: bool) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"set ${env} or run the command in a terminal to be asked")
    return prompt_secret(prompt, confirm=confirm)


def passphrase_for_existing(args: argparse.Namespace) -> str:
    given = passphrase_from_args(args)
    return given if given is not None else prompt_secret("Store passphrase: ")


def open_store_from_args(args: argparse.Namespace) -> Store:
    """Open with, in order: --passphrase-file, $UPSTREAM_PASSPHRASE, the keychain, a prompt."""
    path = store_path(args)
    given = passphrase_from_args(args)
    if given is not None:
        return open_store(path, given)
    if path.is_file() and has_keychain_entry(path):
        try:
            return open_store_with_keychain(path)
        except KeychainUnavailable as exc:
            message(f"the keychain cannot open this store ({exc}); asking for the passphrase")
    return open_store(path, prompt_secret("Store passphrase: "))


def message(text: str, *, stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stderr, flush=True)


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()


def emit_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


class StderrProgress:
    """A progress callback for long work that writes at most a few lines a second."""

    def __init__(self, label: str, *, min_interval_s: float = 0.5) -> None:
        self.label = label
        self.min_interval_s = min_interval_s
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, detail: str = "") -> None:
        now = time.monotonic()
        if now - self._last < self.min_interval_s and (total is None or done < total):
            return
        self._last = now
        share = f" ({100 * done / total:.0f}%)" if total else ""
        suffix = f" {detail}" if detail else ""
        message(f"{self.label}: {done:,}{share}{suffix}")


def not_available(command: str) -> int:
    raise NotAvailableYet(f"'upstream {command}' is not available yet in this version of Upstream")
