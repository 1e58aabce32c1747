"""Running the installed console scripts as a user or a cron job would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

BIN = Path(sys.executable).parent


def script(name: str) -> str:
    path = BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is not installed; run `make test`")
    return str(path)


def run_cli(
    *args: str | Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    program: str = "upstream",
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``upstream ARGS`` with no terminal attached; stdin is empty."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("UPSTREAM_")}
    full_env.update(env or {})
    return subprocess.run(
        [script(program), *map(str, args)],
        env=full_env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
