"""Imports end to end through the service: atomic, idempotent, explained."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from desktop.errors import UsageError
from desktop.ingest.errors import ImportCancelled
from desktop.ingest.options import ImportOptions, StoredImport
from desktop.ingest.pipeline import import_file
from desktop.store import Store

from .claims_files import csv_text, line, lines, write_csv
from .storage import actions, audit_is_intact, query, scalar


def days(text: str) -> int:
    return (date.fromisoformat(text) - date(1970, 1, 1)).days


def test_a_file_is_stored_whole_with_its_record_and_audit_entry(
    store: Store, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "claims.csv",
        [
            line(),
            line(
                claim_id="C0002",
                decision_date="",
                paid_date="",
                allowed_amount="",
                paid_amount="",
                status="pending",
                carc_codes="",
                rarc_codes="",
                modifiers="",
                rendering_npi="",
            ),
        ],
    )
    result = import_file(store, path)
    assert (result.status, result.rows_read, result.rows_stored, result.rows_rejected) == (
        "committed",
        2,
        2,
        0,
    )
    assert (result.lines_new, result.lines_updated) == (2, 0)
    rows = query(
        store,
        "SELECT claim_id, line_number, payer_raw, cpt, modifiers, units,"
        " date_of_service, decision_date, billed_cents, allowed_cents, paid_cents,"
        " status, carc_codes, rendering_npi, source_format, first_import_id"
        " FROM claim_line ORDER BY claim_id",
    )
    assert rows[0] == (
        "C0001",
        1,
        "Acme Health",
        "99213",
        "25",
        1.0,
        days("2026-01-05"),
        days("2026-01-20"),
        12500,
        9000,
        7200,
        1,
        "CO-45;PR-2",
        "1234567893",
        "csv",
        result.import_id,
    )
    assert rows[1][4] is None and rows[1][7] is None and rows[1][9] is None
    assert rows[1][11] == 0 and rows[1][12] is None and rows[1][13] is None
    record = query(
        store,
        "SELECT state, format, rows_read, rows_stored, file_name, file_sha256,"
        " summary_json FROM import_batch",
    )
    assert record[0][:5] == ("committed", "csv", 2, 2, "claims.csv")
    assert json.loads(record[0][6])["rows_stored"] == 2
    assert actions(store)[-1] == "import.committed"
    assert audit_is_intact(store)


def test_the_same_file_again_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "claims.csv", lines(3))
    first = import_file(store, path)
    trail = actions(store)
    again = import_file(
        store,
        tmp_path.joinpath("copy.csv").write_bytes(path.read_bytes()) and tmp_path / "copy.csv",
    )
    assert again.status == "duplicate" and again.duplicate_file
    assert again.import_id == first.import_id and again.rows_stored == 0
    assert actions(store) == trail
    assert scalar(store, "SELECT count(*) FROM import_batch") == 1


def test_a_later_export_updates_the_same_lines(store: Store, tmp_path: Path) -> None:
    first = import_file(
        store,
        write_csv(
            tmp_path / "a.csv",
            [
                line(
                    status="pending",
                    decision_date="",
                    paid_date="",
                    paid_amount="",
                    allowed_amount="",
                    carc_codes="",
                    rarc_codes="",
                ),
                line(claim_id="C0002"),
            ],
        ),
    )
    later = import_file(
        store,
        write_csv(
            tmp_path / "b.csv",
            [
                line(status="denied", paid_date="", paid_amount="0", carc_codes="CO-197"),
                line(claim_id="C0003"),
            ],
        ),
    )
    assert (later.lines_new, later.lines_updated) == (1, 1)
    row = query(
        store,
        "SELECT status, carc_codes, first_import_id, last_import_id FROM claim_line"
        " WHERE claim_id = 'C0001'",
    )
    assert row == [(2, "CO-197", first.import_id, later.import_id)]
    assert scalar(store, "SELECT count(*) FROM claim_line") == 3


def test_errors_reject_rows_and_warnings_flag_them(store: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "claims.csv",
        [
            line(),
            line(claim_id="C0002", cpt="9921"),
            line(claim_id="C0003", rendering_npi="1234567890"),
        ],
    )
    result = import_file(store, path)
    assert (result.rows_stored, result.rows_rejected) == (2, 1)
    assert result.issues_by_rule == {"cpt_format": 1, "npi_check_digit": 1}
    issues = query(
        store, "SELECT row_number, field, rule, severity FROM quality_issue ORDER BY row_number"
    )
    assert issues == [
        (2, "cpt", "cpt_format", "error"),
        (3, "rendering_npi", "npi_check_digit", "warning"),
    ]
    assert scalar(store, "SELECT group_concat(claim_id) FROM claim_line") == "C0001,C0003"


def test_nothing_stored_is_a_visible_failure(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "claims.csv", [line(cpt="x"), line(claim_id="C2", cpt="y")])
    result = import_file(store, path)
    assert result.status == "failed" and not result.stored_anything
    assert result.error is not None
    assert "nothing was stored: all 2 rows were rejected. First: row 1, field cpt" in result.error
    assert scalar(store, "SELECT count(*) FROM claim_line") == 0
    assert scalar(store, "SELECT count(*) FROM quality_issue") == 0
    assert query(store, "SELECT state, rows_read, rows_rejected FROM import_batch") == [
        ("failed", 2, 2)
    ]
    assert actions(store)[-1] == "import.failed"
    # the failed file can be imported again once fixed (it is not a duplicate)
    assert import_file(store, path).status == "failed"


def test_header_only_and_empty_files(store: Store, tmp_path: Path) -> None:
    header_only = import_file(store, write_csv(tmp_path / "h.csv", []))
    assert header_only.status == "failed" and "header but no data rows" in (header_only.error or "")
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    result = import_file(store, empty)
    assert result.status == "failed" and result.format is None and "empty" in (result.error or "")
    assert actions(store)[-2:] == ["import.failed", "import.rejected"]


def test_a_failing_hook_rolls_everything_back(store: Store, tmp_path: Path) -> None:
    seen: list[tuple[str, int, str]] = []

    def hook(session: Session, stored: StoredImport) -> None:
        state = session.execute(
            __import__("sqlalchemy").text("SELECT state FROM import_batch WHERE id = :i"),
            {"i": stored.import_id},
        ).scalar_one()
        seen.append((state, stored.rows_stored, stored.format))
        raise RuntimeError("aggregate refresh failed")

    path = write_csv(tmp_path / "claims.csv", lines(5))
    with pytest.raises(RuntimeError, match="aggregate refresh failed"):
        import_file(store, path, ImportOptions(hooks=(hook,)))
    assert seen == [("validated", 5, "csv")]
    assert scalar(store, "SELECT count(*) FROM claim_line") == 0
    assert scalar(store, "SELECT count(*) FROM payer") == 0
    assert query(store, "SELECT state, error FROM import_batch") == [
        ("failed", "RuntimeError: aggregate refresh failed")
    ]


def test_nobody_sees_a_half_done_import(store: Store, tmp_path: Path) -> None:
    observed: list[int] = []

    def progress(done: int, total: int | None, detail: str) -> None:
        observed.append(scalar(store, "SELECT count(*) FROM claim_line"))

    import_file(
        store,
        write_csv(tmp_path / "claims.csv", lines(50)),
        ImportOptions(chunk_rows=10, progress=progress),
    )
    assert len(observed) > 3 and set(observed) == {0}
    assert scalar(store, "SELECT count(*) FROM claim_line") == 50


def test_cancel_from_the_progress_callback(store: Store, tmp_path: Path) -> None:
    def progress(done: int, total: int | None, detail: str) -> None:
        raise ImportCancelled("cancelled by the user")

    result = import_file(
        store,
        write_csv(tmp_path / "c.csv", lines(30)),
        ImportOptions(chunk_rows=10, progress=progress),
    )
    assert result.status == "failed" and result.error == "cancelled by the user"
    assert scalar(store, "SELECT count(*) FROM claim_line") == 0


def test_repeats_in_a_file_keep_the_last_one(store: Store, tmp_path: Path) -> None:
    data = lines(25)
    data.append(line(claim_id="C00003", status="denied", paid_date="", paid_amount="0"))
    data.append(line(claim_id="C00024", billed_amount="99.00"))
    result = import_file(store, write_csv(tmp_path / "c.csv", data), ImportOptions(chunk_rows=10))
    assert (result.rows_stored, result.lines_new, result.lines_updated) == (27, 25, 0)
    assert result.issues_by_rule == {"duplicate_in_file": 2}
    assert query(store, "SELECT status FROM claim_line WHERE claim_id = 'C00003'") == [(2,)]
    assert query(store, "SELECT billed_cents FROM claim_line WHERE claim_id = 'C00024'") == [
        (9900,)
    ]
    rows = query(store, "SELECT row_number FROM quality_issue ORDER BY row_number")
    assert rows == [(26,), (27,)]


def test_the_same_key_for_another_service_across_files_is_flagged(
    store: Store, tmp_path: Path
) -> None:
    import_file(store, write_csv(tmp_path / "a.csv", [line()]))
    result = import_file(store, write_csv(tmp_path / "b.csv", [line(cpt="99214")]))
    assert result.issues_by_rule == {"duplicate_across_files": 1}
    assert result.lines_updated == 1


@pytest.mark.parametrize(
    ("encoding", "newline", "bom"),
    [
        ("utf-8", "\r\n", b"\xef\xbb\xbf"),
        ("utf-16", "\n", b""),
        ("latin-1", "\n", b""),
        ("utf-16-le", "\r\n", b""),
    ],
)
def test_encodings_and_line_ends(
    store: Store, tmp_path: Path, encoding: str, newline: str, bom: bytes
) -> None:
    data = [line(payer="Médica Saúde"), line(claim_id="C0002", payer="Ökokasse Süd")]
    path = tmp_path / "c.csv"
    path.write_bytes(bom + csv_text(data, newline=newline).encode(encoding))
    result = import_file(store, path)
    assert result.status == "committed", result.error
    assert query(store, "SELECT name FROM payer ORDER BY name") == [
        ("Médica Saúde",),
        ("Ökokasse Süd",),
    ]


def test_unicode_payer_names_and_null_like_values(store: Store, tmp_path: Path) -> None:
    data = [
        line(payer="健康保险 (上海)", modifiers="NULL", rarc_codes="N/A", rendering_npi="null"),
        line(claim_id="C0002", payer="ＡＣＭＥ　ＨＥＡＬＴＨ", allowed_amount="NaN"),
        line(claim_id="C0003", payer="acme health"),
    ]
    result = import_file(store, write_csv(tmp_path / "c.csv", data))
    assert result.status == "committed", result.error
    rows = query(
        store,
        "SELECT c.claim_id, p.name, c.modifiers, c.rarc_codes, c.rendering_npi,"
        " c.allowed_cents FROM claim_line c JOIN payer p ON p.id = c.payer_id ORDER BY 1",
    )
    assert rows[0] == ("C0001", "健康保险 (上海)", None, None, None, 9000)
    assert rows[1][1] == rows[2][1] and rows[1][5] is None  # full-width letters fold to one payer


def test_quoted_fields_with_commas_and_newlines(store: Store, tmp_path: Path) -> None:
    data = [line(payer='Blue Cross, Blue Shield\nof "Nowhere"'), line(claim_id="C2")]
    result = import_file(store, write_csv(tmp_path / "c.csv", data))
    assert result.rows_stored == 2
    assert scalar(store, "SELECT payer_raw FROM claim_line WHERE claim_id = 'C0001'") == (
        'Blue Cross, Blue Shield of "Nowhere"'
    )


def test_a_truncated_last_line_is_rejected_and_named(store: Store, tmp_path: Path) -> None:
    text = csv_text(lines(3))
    path = tmp_path / "c.csv"
    path.write_text(text[: text.rindex(",2026-01-07")])
    result = import_file(store, path)
    assert (result.rows_stored, result.rows_rejected) == (2, 1)
    assert result.issues[0].rule == "row_shape" and result.issues[0].row == 3


def test_future_dates_follow_the_clock(store: Store, tmp_path: Path) -> None:
    clock = lambda: datetime(2026, 1, 22, tzinfo=UTC)  # noqa: E731
    result = import_file(store, write_csv(tmp_path / "c.csv", [line()]), ImportOptions(clock=clock))
    assert result.issues_by_rule == {"date_in_future": 1} and result.status == "failed"


def test_an_unknown_saved_mapping_is_a_usage_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no saved column mapping named 'nope'"):
        import_file(
            store, write_csv(tmp_path / "c.csv", [line()]), ImportOptions(mapping_name="nope")
        )


def test_key_checks_are_back_on_and_every_key_holds(store: Store, tmp_path: Path) -> None:
    import_file(store, write_csv(tmp_path / "a.csv", lines(20)))
    import_file(store, write_csv(tmp_path / "b.csv", [line(cpt="bad")]))  # a failed one too
    with store.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        assert driver.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert driver.execute("PRAGMA foreign_key_check").fetchall() == []
