"""The X12 reader is a pure library: no database, no Qt."""

from __future__ import annotations

import subprocess
import sys


def test_reader_imports_neither_sql_nor_qt() -> None:
    code = (
        "import sys, desktop.ingest.x12\n"
        "bad = ('sqlalchemy', 'sqlcipher3', 'PySide6', 'shiboken6', 'desktop.store')\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(bad))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
