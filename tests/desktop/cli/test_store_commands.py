"""The contract's commands on the store, through the real console script."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from desktop.store import open_connection
from tests.helpers.cli import run_cli

PW = "cli passphrase"


def env(passphrase: str = PW, **extra: str) -> dict[str, str]:
    return {"UPSTREAM_PASSPHRASE": passphrase, **extra}


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("cli")
    path = folder / "office.upstream"
    result = run_cli(
        "init", "--store", path, "--customer", "Harbor View Billing", "--json", env=env()
    )
    assert result.returncode == 0, result.stderr
    return path, json.loads(result.stdout)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_json_has_the_contract_fields(cli_store: tuple[Path, dict[str, str]]) -> None:
    path, document = cli_store
    assert set(document) == {"store", "customer_id", "recovery_key"}
    assert document["store"] == str(path)
    assert len(document["recovery_key"].split("-")) == 8


def test_init_without_json_prints_the_recovery_key_once(tmp_path: Path) -> None:
    result = run_cli("init", "--store", tmp_path / "s.upstream", "--customer", "A", env=env())
    assert result.returncode == 0
    assert "Recovery key: " in result.stdout
    assert "shown only now" in result.stdout


def test_init_refuses_an_existing_path(cli_store: tuple[Path, dict[str, str]]) -> None:
    path, _ = cli_store
    result = run_cli("init", "--store", path, "--customer", "Again", env=env())
    assert result.returncode == 2
    assert "already exists" in result.stderr


def test_passphrase_file_is_a_source(
    cli_store: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, _ = cli_store
    secret = tmp_path / "pw.txt"
    secret.write_text(PW + "\n")
    result = run_cli("audit", "--store", path, "--passphrase-file", secret, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entries"][0]["action"] == "store.created"


def test_passphrase_file_wins_over_the_environment(
    cli_store: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, _ = cli_store
    secret = tmp_path / "pw.txt"
    secret.write_text(PW)
    result = run_cli("audit", "--store", path, "--passphrase-file", secret, env=env("wrong"))
    assert result.returncode == 0, result.stderr


def test_no_passphrase_and_no_terminal_is_bad_usage(cli_store: tuple[Path, dict[str, str]]) -> None:
    path, _ = cli_store
    result = run_cli("audit", "--store", path)
    assert result.returncode == 2
    assert "UPSTREAM_PASSPHRASE" in result.stderr


def test_wrong_passphrase_exits_3_and_leaves_the_file(
    cli_store: tuple[Path, dict[str, str]],
) -> None:
    path, _ = cli_store
    before = sha(path)
    result = run_cli("audit", "--store", path, "--json", env=env("not it"))
    assert result.returncode == 3
    assert "wrong passphrase" in result.stderr
    assert json.loads(result.stdout)["error"]["exit_code"] == 3
    assert sha(path) == before


def test_plaintext_sqlite_exits_3_untouched(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = sha(path)
    result = run_cli("audit", "--store", path, env=env())
    assert result.returncode == 3
    assert sha(path) == before
    assert sorted(os.listdir(tmp_path)) == ["plain.sqlite"]


@pytest.mark.parametrize("content", [b"", os.urandom(4096)], ids=["empty", "random"])
def test_other_files_exit_3_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "thing.upstream"
    path.write_bytes(content)
    for command in (["audit"], ["rekey"], ["import", "x.csv"]):
        result = run_cli(*command, "--store", path, env=env(UPSTREAM_NEW_PASSPHRASE="n"))
        assert result.returncode in (2, 3), result.stderr
        assert path.read_bytes() == content
    assert run_cli("audit", "--store", path, env=env()).returncode == 3


def test_usage_errors_exit_2() -> None:
    assert run_cli("init").returncode == 2
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("feedback", "--store", "x", "id", "maybe").returncode == 2


def test_json_output_is_the_only_thing_on_stdout(cli_store: tuple[Path, dict[str, str]]) -> None:
    path, _ = cli_store
    result = run_cli("audit", "--store", path, "--json", "--verify", env=env())
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["verify"] == {
        "ok": True,
        "entries_checked": len(document["entries"]),
        "first_problem": None,
    }


def test_audit_verify_catches_raw_sql_edits(tmp_path: Path) -> None:
    path = tmp_path / "t.upstream"
    assert run_cli("init", "--store", path, "--customer", "T", env=env()).returncode == 0
    assert run_cli("rekey", "--store", path, env=env(UPSTREAM_NEW_PASSPHRASE="p2")).returncode == 0
    assert run_cli("audit", "--store", path, "--verify", env=env("p2")).returncode == 0
    con = open_connection(path, "p2")
    con.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1")
    con.commit()
    con.close()
    result = run_cli("audit", "--store", path, "--verify", "--json", env=env("p2"))
    assert result.returncode == 1
    problem = json.loads(result.stdout)["verify"]["first_problem"]
    assert problem["seq"] == 1 and problem["kind"] == "altered"
    human = run_cli("audit", "--store", path, "--verify", env=env("p2"))
    assert "AUDIT TRAIL ALTERED" in human.stderr


def test_rekey_then_recover_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "r.upstream"
    created = run_cli("init", "--store", path, "--customer", "R", "--json", env=env())
    recovery_key = json.loads(created.stdout)["recovery_key"]
    rekeyed = run_cli("rekey", "--store", path, env=env(UPSTREAM_NEW_PASSPHRASE="second"))
    assert rekeyed.returncode == 0, rekeyed.stderr
    assert run_cli("audit", "--store", path, env=env()).returncode == 3
    recovered = run_cli(
        "recover",
        "--store",
        path,
        env={"UPSTREAM_RECOVERY_KEY": recovery_key, "UPSTREAM_NEW_PASSPHRASE": "third"},
    )
    assert recovered.returncode == 0, recovered.stderr
    assert run_cli("audit", "--store", path, env=env("second")).returncode == 3
    assert run_cli("audit", "--store", path, "--verify", env=env("third")).returncode == 0
    bad = run_cli(
        "recover",
        "--store",
        path,
        env={
            "UPSTREAM_RECOVERY_KEY": "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
            "UPSTREAM_NEW_PASSPHRASE": "x",
        },
    )
    assert bad.returncode == 3


def test_keychain_is_refused_plainly_without_one(cli_store: tuple[Path, dict[str, str]]) -> None:
    path, _ = cli_store
    result = run_cli(
        "keychain",
        "remember",
        "--store",
        path,
        env=env(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"),
    )
    assert result.returncode == 2
    assert "no keychain" in result.stderr


def test_backup_writes_both_files(cli_store: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path, _ = cli_store
    target = tmp_path / "backups" / "copy.upstream"
    result = run_cli("backup", "--store", path, "--out", target, env=env())
    assert result.returncode == 0, result.stderr
    assert target.exists() and Path(f"{target}.keys").exists()
    assert run_cli("audit", "--store", target, "--verify", env=env()).returncode == 0


def test_default_store_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    result = run_cli(
        "init",
        "--customer",
        "Default",
        "--json",
        env=env(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data")),
    )
    assert result.returncode == 0, result.stderr
    store = Path(json.loads(result.stdout)["store"])
    assert store == tmp_path / "data" / "Upstream" / "store.upstream"


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("upstream ")
