"""Saved column mappings for practice-management exports with their own headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.ingest.column_mappings import (
    get_column_mapping,
    list_column_mappings,
    remove_column_mapping,
    save_column_mapping,
)
from desktop.ingest.errors import MappingError
from desktop.ingest.options import ImportOptions
from desktop.ingest.pipeline import import_file
from desktop.store import Store

from .storage import actions, scalar

HEADERS = ["Visit Ref", "Ins Carrier", "Svc", "Svc Dt", "Sent On", "Amt", "Result", "Memo"]
MAPPING = {
    "Visit Ref": "claim_id",
    "Ins Carrier": "payer",
    "Svc": "cpt",
    "Svc Dt": "date_of_service",
    "Sent On": "submitted_date",
    "Amt": "billed_amount",
    "Result": "status",
    "Memo": "",
}


def export(path: Path, headers: list[str] = HEADERS) -> Path:
    path.write_text(",".join(headers) + "\nV1,Acme,99213,2026-01-05,2026-01-07,100,pending,hi\n")
    return path


def test_a_saved_mapping_is_found_by_the_header(store: Store, tmp_path: Path) -> None:
    path = export(tmp_path / "pm.csv")
    assert import_file(store, path).status == "failed"  # unknown headers: required columns missing
    with store.write() as session:
        change = save_column_mapping(session, "Practice Suite export", HEADERS, MAPPING)
    assert change.action == "created"
    result = import_file(store, path)
    assert result.status == "committed", result.error
    assert result.columns_ignored == ("Memo",)
    assert scalar(store, "SELECT claim_id || '/' || cpt FROM claim_line") == "V1/99213"
    assert "column_mapping.created" in actions(store)


def test_a_mapping_can_be_chosen_by_name(store: Store, tmp_path: Path) -> None:
    with store.write() as session:
        save_column_mapping(session, "pm", HEADERS, MAPPING)
    other = [h.upper() + " " for h in HEADERS]  # another header row: signature differs
    other[0] = "Visit  Ref"
    path = export(tmp_path / "pm2.csv", other)
    result = import_file(store, path, ImportOptions(mapping_name="pm"))
    assert result.status == "committed", result.error


def test_list_update_and_remove(store: Store) -> None:
    with store.write() as session:
        save_column_mapping(session, "pm", HEADERS, MAPPING)
        assert save_column_mapping(session, "pm", HEADERS, MAPPING).action == "unchanged"
        assert (
            save_column_mapping(session, "pm", HEADERS, {**MAPPING, "Memo": ""}).action
            == "unchanged"
        )
        changed = save_column_mapping(
            session, "pm", HEADERS, {**MAPPING, "Result": "status", "Memo": "carc_codes"}
        )
        assert changed.action == "updated"
    with store.read() as session:
        (info,) = list_column_mappings(session)
        assert info.mapping["memo"] == "carc_codes"
        assert get_column_mapping(session, "pm").name == "pm"
    with store.write() as session:
        assert remove_column_mapping(session, "pm").action == "removed"
        with pytest.raises(MappingError):
            remove_column_mapping(session, "pm")


@pytest.mark.parametrize(
    ("mapping", "says"),
    [
        ({**MAPPING, "Nope": "cpt"}, "no column 'Nope'"),
        ({**MAPPING, "Memo": "favourite"}, "not a column of the claims format"),
        ({k: v for k, v in MAPPING.items() if k != "Svc"}, "required columns unfilled: cpt"),
        ({**MAPPING, "Memo": "cpt"}, "would all fill cpt"),
    ],
)
def test_mappings_that_cannot_work_are_refused(
    store: Store, mapping: dict[str, str], says: str
) -> None:
    with store.write() as session, pytest.raises(MappingError, match=says):
        save_column_mapping(session, "pm", HEADERS, mapping)


def test_identifier_columns_cannot_be_mapped(store: Store) -> None:
    headers = [*HEADERS, "Patient Name"]
    with store.write() as session, pytest.raises(MappingError, match="patient identifier"):
        save_column_mapping(
            session, "pm", headers, {**MAPPING, "Patient Name": "claim_id", "Visit Ref": ""}
        )
