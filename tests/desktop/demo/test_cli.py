"""``upstream demo-data`` through the installed console script."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from desktop.demo import CSV_COLUMNS, PHI_CANARY_COLUMNS, DemoTruth
from tests.helpers.cli import run_cli


def test_writes_the_csv_and_its_truth_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"
    result = run_cli(
        "demo-data", "--out", out, "--seed", "4", "--lines", "3000", "--months", "4",
        "--as-of", "2026-10-31", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["lines"] == 3000
    assert summary["out"] == str(out)
    assert summary["truth"] == str(tmp_path / "claims.truth.json")
    assert summary["as_of"] == "2026-10-31"
    assert summary["stable"] is False
    assert {c["kind"] for c in summary["changes"]} == {
        "denial_rate", "allowed_per_unit", "paid_to_allowed", "denial_reason_mix", "payment_lag",
    }  # fmt: skip
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 3001
    truth = DemoTruth.from_json((tmp_path / "claims.truth.json").read_text(encoding="utf-8"))
    assert truth.lines == 3000 and len(truth.changes) == 5


def test_contract_options_alone_work(tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    result = run_cli("demo-data", "--out", out, "--lines", "500")
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    assert out.exists() and (tmp_path / "demo.truth.json").exists()
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert tuple(header) == CSV_COLUMNS, "no PHI canary columns unless asked"


def test_stable_truth_file_and_phi_canary_options(tmp_path: Path) -> None:
    out, truth_path = tmp_path / "stable.csv", tmp_path / "elsewhere" / "truth.json"
    result = run_cli(
        "demo-data", "--out", out, "--lines", "800", "--stable", "--phi-canary",
        "--truth", truth_path, "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["changes"] == []
    truth = DemoTruth.from_json(truth_path.read_text(encoding="utf-8"))
    assert truth.stable
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert set(PHI_CANARY_COLUMNS) <= set(header)


def test_bad_values_are_usage_errors(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert run_cli("demo-data", "--out", out, "--lines", "0").returncode == 2
    assert run_cli("demo-data", "--out", out, "--as-of", "31/10/2026").returncode == 2
    assert run_cli("demo-data", "--lines", "10").returncode == 2
    assert not out.exists()


def test_an_unwritable_output_is_a_clear_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    result = run_cli("demo-data", "--out", folder, "--lines", "50", "--json")
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "CannotWriteOutput" and str(folder) in error["message"]
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [folder] and not list(folder.iterdir())


def test_x12_dir_writes_837_and_835_files(tmp_path: Path) -> None:
    out, folder = tmp_path / "claims.csv", tmp_path / "x12"
    result = run_cli(
        "demo-data", "--out", out, "--lines", "400", "--months", "2", "--as-of", "2026-10-31",
        "--x12-dir", folder, "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    listed = {Path(p) for p in json.loads(result.stdout)["x12_files"]}
    names = [p.name for p in folder.iterdir()]
    assert listed == set(folder.iterdir())
    assert any(n.startswith("837P_") for n in names) and any(n.startswith("835_") for n in names)
    assert not [n for n in names if n.endswith(".partial")]


def test_demo_package_does_not_import_qt() -> None:
    code = (
        "import sys, desktop.demo, desktop.cli.demo_command\n"
        "print(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
