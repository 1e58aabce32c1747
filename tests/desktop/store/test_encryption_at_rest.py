"""The raw bytes of a store never show what it holds."""

from __future__ import annotations

from pathlib import Path

from desktop.store import open_connection, open_store, rekey_store
from desktop.store.settings import set_setting
from tests.conftest import PASSPHRASE, StoreFactory

CUSTOMER = "Zebracorn Quillfeather Billing"
CANARIES = [CUSTOMER, "Canarypayer Mutual", "CLAIM-CANARY-77", "quillfeather-setting"]


def raw_bytes_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def assert_no_canary(folder: Path) -> None:
    files = raw_bytes_of(folder)
    assert files, "nothing to inspect"
    for name, content in files.items():
        for canary in CANARIES:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                needle = canary.encode(encoding)
                assert needle not in content, f"{canary!r} in clear in {name} ({encoding})"
            assert canary.lower().encode() not in content.lower(), f"{canary!r} in {name}"


def fill(path: Path) -> None:
    con = open_connection(path, PASSPHRASE)
    try:
        con.execute(
            "INSERT INTO payer (id, name, created_at) VALUES (1, 'Canarypayer Mutual', 'x')"
        )
        con.execute(
            "INSERT INTO import_batch (id, file_name, file_sha256, file_size, format, state,"
            " started_at, rows_read, rows_stored, rows_rejected, summary_json)"
            " VALUES ('i1', 'f.csv', 'h', 1, 'csv', 'committed', 'x', 1, 1, 0, '{}')"
        )
        con.executemany(
            "INSERT INTO claim_line (claim_id, line_number, payer_raw, payer_id, cpt, units,"
            " date_of_service, submitted_date, billed_cents, status, source_format,"
            " first_import_id, last_import_id) VALUES (?, ?, 'Canarypayer Mutual', 1, '99213', 1,"
            " 20000, 20001, 12500, 1, 'csv', 'i1', 'i1')",
            [(f"CLAIM-CANARY-77-{i}", 1) for i in range(2000)],
        )
        con.commit()
    finally:
        con.close()
    with open_store(path, PASSPHRASE) as store, store.write() as session:
        set_setting(session, "note", "quillfeather-setting")


def test_files_hold_no_plaintext_when_closed(make_store: StoreFactory, tmp_path: Path) -> None:
    created = make_store(customer=CUSTOMER)
    fill(created.path)
    assert_no_canary(tmp_path)


def test_wal_and_shm_hold_no_plaintext_while_open(make_store: StoreFactory, tmp_path: Path) -> None:
    created = make_store(customer=CUSTOMER)
    fill(created.path)
    con = open_connection(created.path, PASSPHRASE)
    try:
        con.execute("UPDATE payer SET name = 'Canarypayer Mutual' || '' WHERE id = 1")
        con.execute("INSERT INTO setting VALUES ('x', '\"quillfeather-setting\"', 'now')")
        con.commit()
        assert (tmp_path / f"{created.path.name}-wal").exists()
        assert_no_canary(tmp_path)
    finally:
        con.close()


def test_no_plaintext_after_rekey(make_store: StoreFactory, tmp_path: Path) -> None:
    created = make_store(customer=CUSTOMER)
    fill(created.path)
    rekey_store(created.path, PASSPHRASE, "another passphrase")
    assert_no_canary(tmp_path)
