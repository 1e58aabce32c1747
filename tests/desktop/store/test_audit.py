from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.store import audit, open_connection, open_store
from desktop.store.settings import get_setting, set_setting
from tests.conftest import PASSPHRASE


def add_entries(path: Path, count: int) -> None:
    with open_store(path, PASSPHRASE) as store:
        for i in range(count):
            with store.write() as session:
                set_setting(session, "analysis.current_days", 30 + i)


def verify(path: Path) -> audit.AuditVerification:
    with open_store(path, PASSPHRASE) as store, store.read() as session:
        return audit.verify(session)


def tamper(path: Path, *statements: str) -> None:
    con = open_connection(path, PASSPHRASE)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def test_entries_chain_and_verify(store_path: Path) -> None:
    add_entries(store_path, 4)
    result = verify(store_path)
    assert result.ok and result.entries_checked == 5
    with open_store(store_path, PASSPHRASE) as store, store.read() as session:
        entries = audit.entries(session)
        assert get_setting(session, "analysis.current_days") == 33
    assert [e.action for e in entries] == ["store.created"] + ["setting.changed"] * 4
    assert entries[2].details == {"before": 30, "after": 31}
    assert all(e.actor for e in entries)


def test_unchanged_setting_writes_no_entry(store_path: Path) -> None:
    with open_store(store_path, PASSPHRASE) as store:
        for _ in range(3):
            with store.write() as session:
                set_setting(session, "sync.enabled", True)
    assert verify(store_path).entries_checked == 2


def test_edited_row_is_caught(store_path: Path) -> None:
    add_entries(store_path, 4)
    tamper(store_path, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    result = verify(store_path)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.kind) == (3, "altered")


def test_edited_details_are_caught(store_path: Path) -> None:
    add_entries(store_path, 2)
    tamper(store_path, """UPDATE audit_log SET details_json = '{"after":99}' WHERE seq = 2""")
    assert verify(store_path).problem == audit.AuditProblem(
        2, "altered", "entry 2 was altered after it was written"
    )


def test_deleted_row_in_the_middle_is_caught(store_path: Path) -> None:
    add_entries(store_path, 4)
    tamper(store_path, "DELETE FROM audit_log WHERE seq = 3")
    result = verify(store_path)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.kind) == (3, "deleted")


def test_deleted_last_rows_are_caught(store_path: Path) -> None:
    add_entries(store_path, 4)
    tamper(store_path, "DELETE FROM audit_log WHERE seq >= 4")
    result = verify(store_path)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.kind) == (4, "deleted")


def test_inserted_row_is_caught(store_path: Path) -> None:
    add_entries(store_path, 3)
    tamper(
        store_path,
        "INSERT INTO audit_log (at, actor, action, object_type, object_id, details_json,"
        " prev_hash, hash) SELECT at, actor, action, object_type, object_id, details_json,"
        " prev_hash, hash FROM audit_log WHERE seq = 2",
    )
    result = verify(store_path)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.kind) == (5, "inserted")


def test_row_forged_with_a_correct_hash_at_the_end_is_caught(store_path: Path) -> None:
    add_entries(store_path, 2)
    con = open_connection(store_path, PASSPHRASE)
    try:
        (last_hash,) = con.execute("SELECT hash FROM audit_log WHERE seq = 3").fetchone()
        forged = audit.entry_hash(
            4, "2026-01-01T00:00:00.000000Z", "x", "a", "b", None, "{}", last_hash
        )
        con.execute(
            "INSERT INTO audit_log VALUES (4, '2026-01-01T00:00:00.000000Z', 'x', 'a', 'b',"
            " NULL, '{}', ?, ?)",
            (last_hash, forged),
        )
        con.commit()
    finally:
        con.close()
    result = verify(store_path)
    assert result.problem is not None and result.problem.kind == "inserted"


def test_swapped_rows_are_caught(store_path: Path) -> None:
    add_entries(store_path, 3)
    tamper(
        store_path,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    )
    assert not verify(store_path).ok


def test_timestamps_come_from_the_injected_clock(store_path: Path) -> None:
    moments = iter(datetime(2026, 3, 8, 9, 0, tzinfo=UTC) + timedelta(minutes=i) for i in range(5))
    with open_store(store_path, PASSPHRASE) as store, store.write() as session:
        entry = audit.append(
            session, "test.action", "thing", "1", {"n": 1}, clock=lambda: next(moments)
        )
    assert entry.at == "2026-03-08T09:00:00.000000Z"


def test_details_are_canonical_json() -> None:
    assert audit.canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    assert json.loads(audit.canonical_json({"x": None})) == {"x": None}


@pytest.mark.parametrize("seq", [1, 2])
def test_first_entries_are_protected_too(store_path: Path, seq: int) -> None:
    add_entries(store_path, 2)
    tamper(store_path, f"UPDATE audit_log SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = {seq}")
    result = verify(store_path)
    assert result.problem is not None and result.problem.seq == seq
