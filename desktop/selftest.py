"""``upstream --self-test``: prove an installed copy works, end to end, without a display.

IT runs it after an install (and the packaging tests run it in the built bundle): it
creates a throw-away encrypted store, writes synthetic demo claims (generated here, no
network), imports them through the second reader process (the path frozen builds get
wrong when ``freeze_support`` is missing), analyses them, writes the PDF report, and
checks that no outbound connection was attempted meanwhile. Each check prints one line;
the first failure raises :class:`SelfTestFailed` naming the check and the cause.
"""

from __future__ import annotations

import platform
import secrets
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from desktop import __version__
from desktop.clock import Clock, utc_now
from desktop.errors import UpstreamError

DEMO_LINES = 20_000
DEMO_MONTHS = 12
DEMO_SEED = 7
SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
PDF_MAGIC = b"%PDF-"

# Platform plugins the bundle must carry on each OS: offscreen for headless runs and
# the self-test, and the display servers people actually use.
REQUIRED_PLATFORM_PLUGINS: dict[str, tuple[str, ...]] = {
    "linux": ("offscreen", "xcb", "wayland"),
    "win32": ("offscreen", "windows"),
    "darwin": ("offscreen", "cocoa"),
}


class SelfTestFailed(UpstreamError):
    """A check of the self-test failed; the message names the check and the cause."""


@dataclass
class SelfTestReport:
    passed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class _Context:
    folder: Path
    passphrase: str
    clock: Clock
    claims: Path | None = None
    store_path: Path | None = None
    extras: dict[str, Any] = field(default_factory=dict)


class _Skip(Exception):
    """A check that this build cannot run; reported as skipped, never as passed."""


# --- network guard -------------------------------------------------------------------

_outbound: list[str] | None = None  # set while a self-test watches for connections
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _outbound is None:
        return
    if event == "socket.connect":
        sock, address = args
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
            _outbound.append(f"connect {address!r}")
    elif event == "socket.getaddrinfo":
        _outbound.append(f"name lookup {args[0]!r}")


@contextmanager
def watch_outbound() -> Iterator[list[str]]:
    """Record every IP connection or name lookup this process attempts inside the block.

    An audit hook (PEP 578) sees every socket the process opens, whatever library opens
    it; hooks cannot be removed, so the one hook stays and records only inside the block.
    """
    global _outbound, _hook_installed  # noqa: PLW0603 - one process-wide audit hook
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    _outbound = []
    try:
        yield _outbound
    finally:
        _outbound = None


# --- the checks ----------------------------------------------------------------------


def _check_version(ctx: _Context) -> str:
    frozen = bool(getattr(sys, "frozen", False))
    if frozen and "+source" in __version__:
        raise SelfTestFailed("the bundle lost the package metadata: version unknown")
    kind = "bundle" if frozen else "Python " + platform.python_version()
    return f"upstream {__version__} ({kind}, {platform.system()} {platform.machine()})"


def _check_qt(ctx: _Context) -> str:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(["upstream-self-test"])
    platform_name = QGuiApplication.platformName()
    if platform_name != "offscreen":
        raise SelfTestFailed(f"Qt runs on {platform_name!r}, expected 'offscreen'")
    label = QLabel("Upstream self-test")
    label.resize(240, 40)
    image = label.grab().toImage()
    if image.isNull() or image.width() != 240:
        raise SelfTestFailed("Qt could not draw a widget")
    found = _platform_plugins(QCoreApplication.libraryPaths())
    wanted = REQUIRED_PLATFORM_PLUGINS.get(sys.platform, ("offscreen",))
    missing = [name for name in wanted if not any(p.startswith(name) for p in found)]
    if missing:
        raise SelfTestFailed(f"Qt platform plugins missing: {missing} (found {sorted(found)})")
    ctx.extras["qt_app"] = app  # keep it alive for the report step
    return f"Qt {_qt_version()} on 'offscreen', widget drawn; platform plugins {sorted(found)}"


def _qt_version() -> str:
    from PySide6 import QtCore

    return str(QtCore.qVersion())


def _platform_plugins(library_paths: list[str]) -> set[str]:
    """Names of the platform plugins found (``libqxcb.so`` → ``xcb``)."""
    names: set[str] = set()
    for folder in library_paths:
        platforms = Path(folder) / "platforms"
        if not platforms.is_dir():
            continue
        for plugin in platforms.iterdir():
            stem = plugin.name.split(".")[0]
            names.add(stem.removeprefix("lib").removeprefix("q"))
    return names


def _check_store(ctx: _Context) -> str:
    from desktop.store import create_store, open_store

    path = ctx.folder / "self-test.upstream"
    created = create_store(path, "Self-test Office", ctx.passphrase, clock=ctx.clock)
    if path.read_bytes()[:16] == SQLITE_PLAIN_HEADER:
        raise SelfTestFailed("the store file is plain SQLite: SQLCipher is not in use")
    with open_store(path, ctx.passphrase, clock=ctx.clock) as store:
        revision = store.schema_revision
    ctx.store_path = created.path
    return f"encrypted store created and reopened (schema {revision}); file is not plain SQLite"


def _check_demo_data(ctx: _Context) -> str:
    from desktop.demo import write_demo_csv

    claims = ctx.folder / "claims.csv"
    truth = write_demo_csv(claims, seed=DEMO_SEED, lines=DEMO_LINES, months=DEMO_MONTHS)
    ctx.claims = claims
    ctx.extras["injected"] = len(truth.changes)
    return f"{DEMO_LINES:,} synthetic claim lines written (no patient data)"


def _check_import(ctx: _Context) -> str:
    from desktop.ingest.options import ImportOptions
    from desktop.ingest.pipeline import import_file
    from desktop.store import open_store

    assert ctx.claims is not None and ctx.store_path is not None
    options = ImportOptions(reader_process="always")  # exercise the second process
    with open_store(ctx.store_path, ctx.passphrase, clock=ctx.clock) as store:
        result = import_file(store, ctx.claims, options)
    if not result.stored_anything:
        raise SelfTestFailed(f"the demo claims did not import: {result.error or result.status}")
    return f"{result.rows_stored:,} of {result.rows_read:,} rows stored (reader process)"


def _check_analysis(ctx: _Context) -> str:
    from desktop.analysis.wiring import run_standard_analysis
    from desktop.store import open_store

    assert ctx.store_path is not None
    with open_store(ctx.store_path, ctx.passphrase, clock=ctx.clock) as store:
        outcome = run_standard_analysis(store, clock=ctx.clock)
    result = outcome.result
    if result.tests_run == 0:
        raise SelfTestFailed("the analysis ran no test on the demo claims")
    return (
        f"{result.lines:,} lines, {result.tests_run} tests, {len(result.drift)} drift and "
        f"{len(result.delay)} delay findings ({ctx.extras.get('injected', '?')} changes injected)"
    )


def _check_report(ctx: _Context) -> str:
    from desktop.reports.service import write_report
    from desktop.store import open_store

    assert ctx.store_path is not None
    out = ctx.folder / "self-test-report.pdf"
    with open_store(ctx.store_path, ctx.passphrase, clock=ctx.clock) as store:
        write_report(store, out, None, clock=ctx.clock)
    data = out.read_bytes()
    if not data.startswith(PDF_MAGIC):
        raise SelfTestFailed("the report file is not a PDF")
    return f"PDF report written ({len(data):,} bytes)"


CHECKS: tuple[tuple[str, Callable[[_Context], str]], ...] = (
    ("version", _check_version),
    ("qt", _check_qt),
    ("store", _check_store),
    ("demo data", _check_demo_data),
    ("import", _check_import),
    ("analysis", _check_analysis),
    ("report", _check_report),
)


def run_self_test(out: TextIO, *, clock: Clock = utc_now) -> SelfTestReport:
    """Run every check in a temporary folder, printing one line each; raise on a failure.

    Qt must run offscreen: the caller sets ``QT_QPA_PLATFORM=offscreen`` before Qt loads.
    """
    report = SelfTestReport()
    with (
        tempfile.TemporaryDirectory(prefix="upstream-self-test-") as folder,
        watch_outbound() as outbound,
    ):
        ctx = _Context(Path(folder), secrets.token_urlsafe(18), clock)
        for name, check in CHECKS:
            _run_check(name, check, ctx, report, out)
        if outbound:
            raise SelfTestFailed(f"network: outbound connection attempted: {outbound[:3]}")
    _line(out, "ok", "network", "no outbound connection or name lookup attempted")
    report.passed.append("network")
    return report


def _run_check(
    name: str,
    check: Callable[[_Context], str],
    ctx: _Context,
    report: SelfTestReport,
    out: TextIO,
) -> None:
    try:
        detail = check(ctx)
    except _Skip as skip:
        _line(out, "skip", name, str(skip))
        report.skipped.append(name)
        return
    except SelfTestFailed as failure:
        _line(out, "FAIL", name, str(failure))
        raise SelfTestFailed(f"self-test failed at '{name}': {failure}") from failure
    except Exception as exc:  # any fault of an install (a missing library) is a failure here
        _line(out, "FAIL", name, f"{type(exc).__name__}: {exc}")
        raise SelfTestFailed(f"self-test failed at '{name}': {type(exc).__name__}: {exc}") from exc
    _line(out, "ok", name, detail)
    report.passed.append(name)


def _line(out: TextIO, status: str, name: str, detail: str) -> None:
    print(f"  {status:<4} {name:<10} {detail}", file=out, flush=True)
