"""A process killed at any moment of an import leaves each import all there or not at all."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from desktop.store import Store, open_store
from tests.conftest import PASSPHRASE, StoreFactory
from tests.helpers.cli import run_cli, script

from .claims_files import line, write_csv
from .storage import query

KILLS = 20
LINES = 20_000


def start_import(store: Path, *files: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPSTREAM_")}
    env["UPSTREAM_PASSPHRASE"] = PASSPHRASE
    return subprocess.Popen(
        [script("upstream"), "import", "--store", str(store), *map(str, files)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def first_export(folder: Path) -> Path:
    rows = [
        line(
            claim_id=f"K{i:06d}",
            status="pending",
            decision_date="",
            paid_date="",
            allowed_amount="",
            paid_amount="",
            carc_codes="",
            rarc_codes="",
        )
        for i in range(LINES)
    ]
    return write_csv(folder / "first.csv", rows)


def later_export(folder: Path) -> Path:
    """Half the lines of the first export, now paid, and as many new ones."""
    rows = [
        line(claim_id=f"K{i:06d}", billed_amount="150.00")
        for i in range(LINES // 2, LINES * 3 // 2)
    ]
    rows[7]["cpt"] = "bad"  # one rejected row, so both outcomes have quality issues
    return write_csv(folder / "later.csv", rows)


def check_all_or_nothing(store: Store) -> str:
    """Each import is either committed with all its lines, or absent; returns which ran."""
    states = query(store, "SELECT file_name, state, id FROM import_batch ORDER BY started_at")
    assert all(state in ("committed", "failed") for _, state, _ in states), states
    committed = {name: import_id for name, state, import_id in states if state == "committed"}
    lines = dict(query(store, "SELECT last_import_id, count(*) FROM claim_line GROUP BY 1"))
    issues = dict(query(store, "SELECT import_id, count(*) FROM quality_issue GROUP BY 1"))
    total = query(store, "SELECT count(*) FROM claim_line")[0][0]
    if "later.csv" in committed:
        assert "first.csv" in committed
        # the later export's rejected row leaves the first export's line in place
        assert lines == {committed["first.csv"]: LINES // 2 + 1, committed["later.csv"]: LINES - 1}
        assert total == LINES * 3 // 2
        assert issues == {committed["later.csv"]: 2}  # bad cpt, and another service
        return "both"
    if "first.csv" in committed:
        assert lines == {committed["first.csv"]: LINES} and total == LINES
        assert issues == {}
        return "first"
    assert total == 0 and issues == {}
    assert query(store, "SELECT count(*) FROM payer") == [(0,)]
    return "none"


@pytest.mark.slow
def test_killed_imports_leave_whole_imports_or_none(
    make_store: StoreFactory, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    template.mkdir()
    created = make_store(path=template / "office.upstream")
    files = (first_export(tmp_path), later_export(tmp_path))

    timing = tmp_path / "timing"
    shutil.copytree(template, timing)
    # How long the command takes before it imports anything (start, open the store) ...
    started = time.monotonic()
    start_import(timing / "office.upstream", tmp_path / "missing.csv").wait(timeout=300)
    startup = time.monotonic() - started
    # ... and in all: the kills fall in between, while the imports run.
    started = time.monotonic()
    assert start_import(timing / "office.upstream", *files).wait(timeout=300) == 0
    duration = time.monotonic() - started
    with open_store(timing / "office.upstream", PASSPHRASE) as store:
        assert check_all_or_nothing(store) == "both"

    rng = random.Random(20261128)
    outcomes: dict[str, int] = {"none": 0, "first": 0, "both": 0}
    for i in range(KILLS):
        run = tmp_path / f"run-{i}"
        shutil.copytree(template, run)
        process = start_import(run / created.path.name, *files)
        time.sleep(rng.uniform(startup * 0.8, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        with open_store(run / created.path.name, PASSPHRASE) as store:
            outcomes[check_all_or_nothing(store)] += 1
        verified = run_cli(
            "audit",
            "--store",
            run / created.path.name,
            "--verify",
            env={"UPSTREAM_PASSPHRASE": PASSPHRASE},
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
        shutil.rmtree(run)
    print(f"imports of {duration - startup:.2f} s killed {KILLS} times: {outcomes}")
    assert sum(outcomes.values()) == KILLS
