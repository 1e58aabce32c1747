"""Store files for tests: a store is two files, the database and its key file."""

from __future__ import annotations

import shutil
from pathlib import Path

from desktop.store import keys


def copy_store(source: Path, target: Path) -> Path:
    """Copy the store at ``source`` (database and key file) to ``target``."""
    shutil.copy(source, target)
    shutil.copy(keys.key_file_path(source), keys.key_file_path(target))
    return target
