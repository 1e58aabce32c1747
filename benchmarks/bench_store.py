"""Store costs a person feels: creating a store, unlocking it, and rekeying it.

Prints seconds for each step with the default (production) key derivation. The peer
figure is SQLCipher's own passphrase open (PBKDF2-HMAC-SHA512, 256,000 iterations),
which Upstream replaces with Argon2id unwrapping a raw key.

    .venv/bin/python benchmarks/bench_store.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from desktop.store import create_store, open_store, rekey_store


def timed(label: str, fn) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed * 1000:8.1f} ms")
    return elapsed


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    path = folder / "bench.upstream"
    timed("create store (Argon2id x2, migrations)", lambda: create_store(path, "Bench", "pw"))
    ours = timed("unlock + open store (Argon2id, raw key)", lambda: open_store(path, "pw").close())
    timed("rekey empty store", lambda: rekey_store(path, "pw", "pw2"))

    peer_path = folder / "peer.db"
    con = sqlcipher.connect(str(peer_path))
    con.execute("PRAGMA key = 'pw'")
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()

    def peer_open() -> None:
        c = sqlcipher.connect(str(peer_path))
        c.execute("PRAGMA key = 'pw'")
        c.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        c.close()

    peer = timed("peer: SQLCipher passphrase open (PBKDF2)", peer_open)
    print(f"ratio unlock/peer: {ours / peer:.2f}")


if __name__ == "__main__":
    main()
