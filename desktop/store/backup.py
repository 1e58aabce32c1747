"""A consistent copy of an open store, with its key file, for backups and moves.

SQLite's online backup copies the pages as they are (still encrypted under the same
data key), even while the store is in use; the key file is copied beside it, since
the copy is useless without it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from desktop.clock import Clock, utc_now
from desktop.errors import UsageError
from desktop.store import audit, engine, keys, lifecycle


def backup_store(path: Path, passphrase: str, destination: Path, *, clock: Clock = utc_now) -> Path:
    """Write ``destination`` and ``destination.keys``; refuse to overwrite either."""
    if destination.exists() or keys.key_file_path(destination).exists():
        raise UsageError(f"{destination} already exists; choose a new file for the backup")
    store, working = lifecycle.unlock_with_passphrase(path, passphrase, clock)
    with store:
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.partial")
        source = engine.connect(path, working.data_key, autocommit=True)
        try:
            partial.touch(mode=0o600)
            target = engine.connect(partial, working.data_key, autocommit=True)
            try:
                source.backup(target)
            finally:
                target.close()
            keys.write_key_file(destination, keys.read_key_file(path))
            partial.rename(destination)
            keys.fsync_directory(destination.parent)
        finally:
            source.close()
            partial.unlink(missing_ok=True)
        with store.write() as session:
            audit.append(
                session,
                "store.backed_up",
                "store",
                store.store_id,
                {"destination_name": destination.name},
                clock=clock,
            )
    return destination
