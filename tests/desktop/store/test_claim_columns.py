from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from desktop.engines.columns import MISSING, NO_REASON, ClaimColumns
from desktop.store import open_connection, open_store
from desktop.store.claim_columns import (
    ALL_FIELDS,
    SnapshotMismatch,
    load_claim_columns,
    refresh_after_import,
    refresh_claim_columns,
)
from desktop.store.migrations.versions import engines_dirty_marks as migration
from desktop.store.models.claim_columns import BLOCK_LINES
from tests.conftest import PASSPHRASE
from tests.helpers.claims import random_columns, store_lines

N = 2 * BLOCK_LINES + 1234  # three blocks, the last one partly filled


def decoded(cols: ClaimColumns) -> dict[str, list[object]]:
    """Every line's values with dictionaries resolved, for comparing two batches."""
    out: dict[str, list[object]] = {
        name: getattr(cols, name).tolist()
        for name in ALL_FIELDS
        if name not in ("payer", "cpt", "denial_reason", "claim")
    }
    out["payer"] = [cols.payer_names[i] for i in cols.payer]
    out["cpt"] = [cols.cpt_codes[i] for i in cols.cpt]
    out["denial_reason"] = [
        None if i == NO_REASON else cols.reason_codes[i] for i in cols.denial_reason
    ]
    return out


@pytest.fixture
def filled(store_path: Path) -> tuple[Path, ClaimColumns]:
    cols = random_columns(N, seed=7)
    con = open_connection(store_path, PASSPHRASE)
    store_lines(con, cols)
    con.close()
    return store_path, cols


def load(path: Path, **kwargs: object) -> ClaimColumns:
    with open_store(path, PASSPHRASE) as store, store.read() as session:
        return load_claim_columns(session, **kwargs)  # type: ignore[arg-type]


def refresh(path: Path) -> tuple[int, int, int]:
    with open_store(path, PASSPHRASE) as store, store.write() as session:
        r = refresh_claim_columns(session)
    return r.blocks_rebuilt, r.blocks_removed, r.lines_encoded


def sql(path: Path, statement: str, *params: object) -> None:
    con = open_connection(path, PASSPHRASE)
    con.execute(statement, params)
    con.commit()
    con.close()


def test_round_trip_through_the_snapshot(filled: tuple[Path, ClaimColumns]) -> None:
    path, cols = filled
    from_rows = load(path)  # nothing built yet: read straight from claim_line
    assert refresh(path) == (3, 0, N)
    from_blocks = load(path, verify=True)
    assert decoded(from_rows) == decoded(cols)
    assert decoded(from_blocks) == decoded(cols)
    assert from_blocks.cpt_codes == tuple(sorted(cols.cpt_codes))
    assert from_blocks.payer_names == tuple(sorted(cols.payer_names))
    assert refresh(path) == (0, 0, 0)  # already current


def test_updates_deletes_and_new_lines_are_never_served_stale(
    filled: tuple[Path, ClaimColumns],
) -> None:
    path, cols = filled
    refresh(path)
    sql(path, "UPDATE claim_line SET cpt = '0001F', allowed_cents = NULL WHERE id = 5")
    sql(path, "DELETE FROM claim_line WHERE id = ?", BLOCK_LINES + 3)
    more = random_columns(10, seed=8)
    con = open_connection(path, PASSPHRASE)
    store_lines(con, more, claim_prefix="N")
    con.close()

    before_refresh = load(path, verify=True)
    line = before_refresh.take(np.array([4]))
    assert line.cpt_codes[line.cpt[0]] == "0001F"
    assert line.allowed_cents[0] == MISSING
    assert len(before_refresh) == N - 1 + 10
    # The dirty first block, the one with the deletion, and the last block (new lines).
    assert refresh(path) == (3, 0, 2 * BLOCK_LINES - 1 + 1234 + 10)
    assert decoded(load(path, verify=True)) == decoded(before_refresh)


def test_a_payer_remap_reaches_the_engines(filled: tuple[Path, ClaimColumns]) -> None:
    path, _ = filled
    refresh(path)
    sql(path, "INSERT INTO payer (name, created_at) VALUES ('Merged Payer', 'x')")
    sql(path, "UPDATE claim_line SET payer_id = (SELECT id FROM payer WHERE name = 'Merged Payer')")
    cols = load(path)
    assert {cols.payer_names[i] for i in cols.payer} == {"Merged Payer"}


def test_only_the_fields_asked_for_are_read(filled: tuple[Path, ClaimColumns]) -> None:
    path, cols = filled
    refresh(path)
    some = load(path, fields=("payer", "paid_date"))
    assert some.paid_date.tolist() == cols.paid_date.tolist()
    assert [some.payer_names[i] for i in some.payer] == [cols.payer_names[i] for i in cols.payer]
    assert (some.allowed_cents == MISSING).all()
    assert not some.allowed_cents.flags.writeable
    with pytest.raises(ValueError, match="unknown claim columns"):
        load(path, fields=("payer", "patient_name"))


def test_an_empty_store_loads_as_no_lines(store_path: Path) -> None:
    assert len(load(store_path, verify=True)) == 0
    assert refresh(store_path) == (0, 0, 0)


def test_a_write_that_bypasses_the_triggers_is_caught(filled: tuple[Path, ClaimColumns]) -> None:
    path, _ = filled
    refresh(path)
    sql(path, "DROP TRIGGER claim_column_dirty_on_delete")
    sql(path, "DELETE FROM claim_line WHERE id = 2")
    with pytest.raises(SnapshotMismatch, match="holds"):
        load(path, verify=True)


def test_triggers_exist_at_head_with_the_block_size_of_the_models(store_path: Path) -> None:
    assert migration.BLOCK_LINES == BLOCK_LINES
    with open_store(store_path, PASSPHRASE) as store, store.read() as session:
        triggers = dict(
            session.execute(
                text("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")
            ).all()
        )
    assert set(migration.TRIGGERS) <= set(triggers)
    for name in migration.TRIGGERS:
        assert re.findall(r"/ (\d+)", triggers[name]) and all(
            int(n) == BLOCK_LINES for n in re.findall(r"/ (\d+)", triggers[name])
        )


def test_upserting_lines_of_one_block_twice_marks_it_once(
    filled: tuple[Path, ClaimColumns],
) -> None:
    # An upsert's ON CONFLICT clause overrides a trigger's own conflict clause, so
    # the marks must not rely on INSERT OR IGNORE (the import re-sends lines this way).
    path, _ = filled
    refresh(path)
    con = open_connection(path, PASSPHRASE)
    for line_id in (1, 2, 3):
        con.execute(
            "INSERT INTO claim_line SELECT * FROM claim_line WHERE id = ? "
            "ON CONFLICT(id) DO UPDATE SET billed_cents = excluded.billed_cents + 1",
            (line_id,),
        )
    con.commit()
    assert con.execute("SELECT block FROM claim_column_dirty").fetchall() == [(0,)]
    con.close()
    assert len(load(path, verify=True)) == N


def test_refresh_reports_progress(filled: tuple[Path, ClaimColumns]) -> None:
    path, _ = filled
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    with open_store(path, PASSPHRASE) as store, store.write() as session:
        refresh_claim_columns(session, progress=progress)
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_lines_of_one_claim_share_a_claim_fingerprint(store_path: Path) -> None:
    cols = random_columns(6, seed=3)
    cols = ClaimColumns(**{**cols.__dict__, "claim": np.array([7, 7, 8, 9, 9, 9], np.int64)})
    con = open_connection(store_path, PASSPHRASE)
    store_lines(con, cols)
    con.close()
    for loaded in (load(store_path), (refresh(store_path), load(store_path))[1]):
        claim = loaded.claim
        assert claim is not None
        assert claim[0] == claim[1] != claim[2] != claim[3] == claim[4] == claim[5]
    assert load(store_path, fields=("payer",)).claim is None


def test_insert_or_replace_cannot_leave_a_stale_line_behind(
    filled: tuple[Path, ClaimColumns],
) -> None:
    path, cols = filled
    refresh(path)
    con = open_connection(path, PASSPHRASE)
    row = con.execute("SELECT * FROM claim_line WHERE id = 7").fetchone()
    names = [d[0] for d in con.execute("SELECT * FROM claim_line LIMIT 0").description]
    values = dict(zip(names, row, strict=True))
    values.pop("id")
    values["cpt"] = "0002F"
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    con.execute(
        f"INSERT OR REPLACE INTO claim_line ({columns}) VALUES ({marks})", list(values.values())
    )
    con.commit()
    con.close()
    loaded = load(path, verify=True)
    assert len(loaded) == N
    assert "0002F" in loaded.cpt_codes


def test_the_import_hook_refreshes_inside_the_import_transaction(
    filled: tuple[Path, ClaimColumns],
) -> None:
    path, _ = filled
    with open_store(path, PASSPHRASE) as store:
        with pytest.raises(RuntimeError, match="import failed"), store.write() as session:
            refresh_after_import(session, object())
            raise RuntimeError("import failed after the hook")  # rolls the blocks back too
        with store.read() as session:
            assert session.execute(text("SELECT count(*) FROM claim_column_block")).scalar() == 0
        with store.write() as session:
            refresh_after_import(session, object())
    assert refresh(path) == (0, 0, 0)  # already current
    assert len(load(path, verify=True)) == N
