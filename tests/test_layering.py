"""The core packages never import Qt: the same core drives the CLI, the UI and tests."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import desktop

CORE = (
    "desktop.store",
    "desktop.ingest",
    "desktop.engines",
    "desktop.analysis",
    "desktop.alerts",
    "desktop.sync",
    "desktop.cli",
    "shared",
    "sync_server",
)


def modules_under(prefix: str) -> list[str]:
    package = __import__(prefix, fromlist=["_"])
    names = [prefix]
    if hasattr(package, "__path__"):
        names += [
            m.name
            for m in pkgutil.walk_packages(package.__path__, prefix + ".")
            if ".migrations" not in m.name
        ]
    return names


@pytest.mark.parametrize("prefix", CORE)
def test_core_packages_do_not_import_qt(prefix: str) -> None:
    modules = modules_under(prefix)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = ('PySide6', 'shiboken6', 'pyqtgraph')\n"
        "bad = sorted(m for m in sys.modules if m.startswith(qt))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{prefix} pulls in {result.stdout.strip()}"


def test_the_package_has_a_version() -> None:
    assert desktop.__version__
