"""The window's entry with a known passphrase: start unlocking, then load the window.

Importing this module is cheap; ``run_unlocked`` begins the key derivation on a
thread before it imports Qt and the pages (see ``early_unlock``).
"""

from __future__ import annotations

from pathlib import Path

from desktop.ui.early_unlock import begin_early_unlock


def run_unlocked(store_path: Path, passphrase: str) -> int:
    begin_early_unlock(store_path, passphrase)
    from desktop.ui.app import run  # Qt and the pages load while the key is derived

    return run(store_path, passphrase=passphrase)
