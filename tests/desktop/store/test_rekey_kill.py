"""A process killed at random moments during rekey never leaves a store unopenable."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from desktop.errors import WrongPassphrase
from desktop.store import audit, open_connection, open_store
from tests.conftest import PASSPHRASE, StoreFactory
from tests.helpers.cli import script

NEW = "the new passphrase"
KILLS = 30


def fill(path: Path, rows: int) -> None:
    con = open_connection(path, PASSPHRASE)
    try:
        con.execute("INSERT INTO payer (id, name, created_at) VALUES (1, 'Payer', 'x')")
        con.execute(
            "INSERT INTO import_batch (id, file_name, file_sha256, file_size, format, state,"
            " started_at, rows_read, rows_stored, rows_rejected, summary_json)"
            " VALUES ('i1', 'f.csv', 'h', 1, 'csv', 'committed', 'x', 1, 1, 0, '{}')"
        )
        con.executemany(
            "INSERT INTO claim_line (claim_id, line_number, payer_raw, payer_id, cpt, units,"
            " date_of_service, submitted_date, billed_cents, status, carc_codes, source_format,"
            " first_import_id, last_import_id) VALUES (?, 1, 'Payer', 1, '99213', 1, 20000,"
            " 20001, 12500, 1, 'CO-45;PR-2', 'csv', 'i1', 'i1')",
            [(f"C{i:09d}",) for i in range(rows)],
        )
        con.commit()
    finally:
        con.close()


def start_rekey(path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPSTREAM_")}
    env |= {"UPSTREAM_PASSPHRASE": PASSPHRASE, "UPSTREAM_NEW_PASSPHRASE": NEW}
    return subprocess.Popen(
        [script("upstream"), "rekey", "--store", str(path)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def opens_with(folder: Path, name: str, passphrase: str, scratch: Path) -> bool:
    """Try one passphrase on a private copy, so the two attempts cannot affect each other."""
    shutil.copytree(folder, scratch)
    try:
        with open_store(scratch / name, passphrase) as store, store.read() as session:
            verification = audit.verify(session)
            assert verification.ok, verification.problem
            return True
    except WrongPassphrase:
        return False


@pytest.mark.slow
def test_killed_rekey_opens_with_exactly_one_passphrase(
    make_store: StoreFactory, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    template.mkdir()
    created = make_store(path=template / "office.upstream")
    fill(created.path, 150_000)

    timing = tmp_path / "timing"
    shutil.copytree(template, timing)
    started = time.monotonic()
    assert start_rekey(timing / "office.upstream").wait(timeout=120) == 0
    duration = time.monotonic() - started

    rng = random.Random(20261128)
    outcomes = {"old": 0, "new": 0}
    for i in range(KILLS):
        run = tmp_path / f"run-{i}"
        shutil.copytree(template, run)
        process = start_rekey(run / "office.upstream")
        time.sleep(rng.uniform(0.0, duration * 1.05))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        old = opens_with(run, "office.upstream", PASSPHRASE, tmp_path / f"run-{i}-old")
        new = opens_with(run, "office.upstream", NEW, tmp_path / f"run-{i}-new")
        assert old != new, f"kill {i}: old opens={old}, new opens={new}"
        outcomes["old" if old else "new"] += 1
        shutil.rmtree(run)
        shutil.rmtree(tmp_path / f"run-{i}-old")
        shutil.rmtree(tmp_path / f"run-{i}-new")
    print(f"rekey of {duration:.2f} s killed {KILLS} times: {outcomes}")
    assert sum(outcomes.values()) == KILLS
