from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_make_run_entry_point_builds_a_demo_store_and_reuses_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    first = subprocess.run(
        [sys.executable, "-m", "desktop.launch_demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    assert "Created the demo store" in first.stdout
    # The headless analysis ran and prints what the demo data hid beside what it found.
    assert "What the demo data hid" in first.stdout
    assert "Acme Health / 99213: denial rate" in first.stdout
    assert "Northwind Health Plan / 99214: allowed per unit" in first.stdout
    assert (tmp_path / ".demo" / "demo.upstream").exists()
    second = subprocess.run(
        [sys.executable, "-m", "desktop.launch_demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    assert "Using the demo store" in second.stdout
