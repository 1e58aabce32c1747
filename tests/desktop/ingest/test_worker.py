"""Large files are read and prepared by a worker process; the outcome is the same."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from desktop.ingest.options import ImportOptions
from desktop.ingest.phi_policy import PhiPolicy, save_phi_policy
from desktop.ingest.pipeline import import_file
from desktop.ingest.seen_keys import SeenKeys
from desktop.ingest.worker import use_reader_process
from desktop.store import Store, open_store
from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.engines.test_quality import batch_of

from .claims_files import csv_text, line, lines, write_csv
from .storage import query

WORKER = ImportOptions(chunk_rows=50, reader_process="always")
INLINE = ImportOptions(chunk_rows=50, reader_process="never")


def stored(store: Store) -> list[tuple[object, ...]]:
    return query(
        store,
        "SELECT claim_id, line_number, payer_id, cpt, modifiers, status,"
        " billed_cents, paid_cents, carc_codes FROM claim_line ORDER BY claim_id, line_number",
    )


def test_worker_and_inline_imports_store_the_same(make_store: StoreFactory, tmp_path: Path) -> None:
    data = lines(400)
    data[10] = line(claim_id="C00011", cpt="bad")
    data[300] = line(claim_id="C00005", status="denied", paid_date="", paid_amount="0")
    data[350] = line(claim_id="C00351", payer='Quoted, "Payer"')
    path = write_csv(tmp_path / "claims.csv", data)
    outcomes = []
    for options in (WORKER, INLINE):
        with open_store(make_store().path, PASSPHRASE) as store:
            result = import_file(store, path, options)
            outcomes.append(
                (
                    (
                        result.rows_read,
                        result.rows_stored,
                        result.rows_rejected,
                        result.lines_new,
                        result.issues_by_rule,
                    ),
                    stored(store),
                )
            )
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0][:3] == (400, 399, 1)


def test_a_bad_file_fails_the_same_way_in_the_worker(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    text = csv_text(lines(300))
    path.write_bytes(text.encode("utf-16-le")[:-1])
    result = import_file(store, path, WORKER)
    assert result.status == "failed" and "not valid utf-16" in (result.error or "")
    assert query(store, "SELECT count(*) FROM claim_line") == [(0,)]


def test_the_phi_guard_restarts_with_the_worker_too(store: Store, tmp_path: Path) -> None:
    with store.write() as session:
        save_phi_policy(session, PhiPolicy(value_hits="drop_column"))
    data = lines(300)
    data[250] = line(claim_id="C00251", rendering_npi="call 555-867-5309")
    result = import_file(store, write_csv(tmp_path / "c.csv", data), WORKER)
    assert result.status == "committed" and result.phi_columns_dropped == ("rendering_npi",)
    assert query(store, "SELECT count(rendering_npi) FROM claim_line") == [(0,)]


def test_seen_keys_never_forget_a_key() -> None:
    seen = SeenKeys()
    first = batch_of(*[line(claim_id=f"S{i}") for i in range(2000)])
    seen.add(first, np.ones(len(first), bool))
    assert seen.may_contain(first).all()
    others = batch_of(*[line(claim_id=f"T{i}") for i in range(2000)])
    assert seen.may_contain(others).mean() < 0.01


def test_when_a_reader_process_is_used() -> None:
    assert use_reader_process("always", 10)
    assert not use_reader_process("never", 10**12)
    assert not use_reader_process("auto", 1000)


CHILD = """
import sys
from pathlib import Path
from desktop.ingest.options import ImportOptions
from desktop.ingest.pipeline import import_file
from desktop.store import open_store

def slow(done, total, detail):
    import time
    time.sleep(0.2)

if __name__ == "__main__":
    with open_store(Path(sys.argv[1]), sys.argv[2]) as store:
        import_file(store, Path(sys.argv[3]),
                    ImportOptions(chunk_rows=200, reader_process="always", progress=slow))
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the reader process in /proc")
def test_the_reader_process_ends_when_the_importer_is_killed(
    make_store: StoreFactory, tmp_path: Path
) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    path = write_csv(tmp_path / "c.csv", lines(20_000))
    with subprocess.Popen(
        [sys.executable, str(script), str(make_store().path), PASSPHRASE, str(path)]
    ) as importer:
        deadline = time.monotonic() + 60
        readers: list[int] = []
        while not readers and time.monotonic() < deadline:
            time.sleep(0.1)
            readers = [
                int(c)
                for task in Path(f"/proc/{importer.pid}/task").iterdir()
                for c in (task / "children").read_text().split()
            ]
            readers = [pid for pid in readers if "spawn_main" in _cmdline(pid)]
        assert readers, "the importer never started its reader process"
        importer.send_signal(signal.SIGKILL)
        importer.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in readers)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
