"""``upstream import`` through the installed console script, as scripts use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.ingest.claims_files import line, lines, write_csv
from tests.helpers.cli import run_cli

CONTRACT_FIELDS = {
    "file",
    "format",
    "rows_read",
    "rows_stored",
    "rows_rejected",
    "duplicate_file",
    "phi_columns_dropped",
    "issues_by_rule",
    "issues",
}
ENV = {"UPSTREAM_PASSPHRASE": PASSPHRASE}


@pytest.fixture
def store_path(make_store: StoreFactory) -> Path:
    return make_store().path


def import_json(store: Path, *files: Path) -> tuple[int, dict[str, list[dict[str, object]]], str]:
    result = run_cli("import", "--store", store, *files, "--json", env=ENV)
    return result.returncode, json.loads(result.stdout), result.stderr


def test_json_document_of_the_contract(store_path: Path, tmp_path: Path) -> None:
    header = [*line(), "Patient Name"]
    rows = [{**r, "Patient Name": "Xq Test"} for r in lines(3)]
    rows[1]["cpt"] = "9921"
    path = write_csv(tmp_path / "claims.csv", rows, header)
    code, document, stderr = import_json(store_path, path)
    assert code == 0
    (entry,) = document["files"]
    assert set(entry) >= CONTRACT_FIELDS
    assert entry["file"] == str(path) and entry["format"] == "csv"
    assert (entry["rows_read"], entry["rows_stored"], entry["rows_rejected"]) == (3, 2, 1)
    assert entry["duplicate_file"] is False
    assert entry["phi_columns_dropped"] == ["Patient Name"]
    assert entry["issues_by_rule"] == {"cpt_format": 1}
    (issue,) = entry["issues"]  # type: ignore[misc]
    assert {"row": 2, "field": "cpt", "rule": "cpt_format"}.items() <= issue.items()
    assert "9921" in issue["message"]
    assert "Importing claims.csv" in stderr  # progress goes to stderr, never stdout


def test_same_file_again_says_duplicate_file(store_path: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "claims.csv", lines(2))
    assert import_json(store_path, path)[0] == 0
    code, document, stderr = import_json(store_path, path)
    assert code == 0 and document["files"][0]["duplicate_file"] is True
    assert document["files"][0]["rows_stored"] == 0
    assert "already imported" in stderr


def test_nothing_stored_exits_4_naming_file_row_field_and_reason(
    store_path: Path, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bad.csv", [line(billed_amount="lots")])
    code, document, stderr = import_json(store_path, path)
    assert code == 4
    assert document["files"][0]["rows_stored"] == 0
    assert "bad.csv: nothing was stored" in stderr
    assert "row 1, field billed_amount: billed_amount is not an amount" in stderr


def test_issues_are_truncated_but_counted(store_path: Path, tmp_path: Path) -> None:
    data = lines(251)
    for row in data[1:]:
        row["rendering_npi"] = "1234567890"
    code, document, _ = import_json(store_path, write_csv(tmp_path / "c.csv", data))
    entry = document["files"][0]
    assert code == 0 and entry["issues_by_rule"] == {"npi_check_digit": 250}
    assert len(entry["issues"]) == 100  # type: ignore[arg-type]


def test_several_files_one_entry_each(store_path: Path, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", lines(2))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write_csv(tmp_path / "header.csv", [])
    code, document, stderr = import_json(store_path, good, empty, header_only)
    assert code == 0
    assert [f["rows_stored"] for f in document["files"]] == [2, 0, 0]
    assert "empty.csv: the file is empty" in stderr and "header but no data rows" in stderr
    code, document, _ = import_json(store_path, empty, header_only)
    assert code == 4 and len(document["files"]) == 2


def test_without_json_prints_a_summary(store_path: Path, tmp_path: Path) -> None:
    result = run_cli(
        "import", "--store", store_path, write_csv(tmp_path / "c.csv", lines(2)), env=ENV
    )
    assert result.returncode == 0
    assert "2 rows read, 2 stored (2 new, 0 updated), 0 rejected" in result.stdout


def test_wrong_passphrase_and_unknown_mapping(store_path: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", lines(1))
    result = run_cli("import", "--store", store_path, path, env={"UPSTREAM_PASSPHRASE": "wrong"})
    assert result.returncode == 3
    result = run_cli("import", "--store", store_path, "--mapping", "nope", path, env=ENV)
    assert result.returncode == 2 and "no saved column mapping named 'nope'" in result.stderr
