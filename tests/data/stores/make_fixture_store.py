"""Write ``schema-<head>.upstream`` (and its key file) for the migration tests."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.store import create_store, migrate
from desktop.store.keys import KdfParams

HERE = Path(__file__).parent


def main() -> int:
    target = HERE / f"schema-{migrate.HEAD_REVISION}.upstream"
    passphrase = (HERE / "PASSPHRASE").read_text().strip()
    create_store(target, "Fixture Billing Office", passphrase, kdf=KdfParams(1, 8 * 1024, 1))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
