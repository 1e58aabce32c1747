"""Payer mappings: raw exported names to canonical payers, with stored lines re-keyed."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.ingest.errors import MappingError
from desktop.ingest.payer_keys import payer_key
from desktop.ingest.payers import (
    list_payer_mappings,
    list_payers,
    mapping_generation,
    merge_payers,
    remove_payer_mapping,
    set_payer_mapping,
)
from desktop.ingest.pipeline import import_file
from desktop.ingest.quality_rules import OfficeRuleSpec, add_office_rule
from desktop.store import Store

from .claims_files import line, write_csv
from .storage import actions, audit_is_intact, query


def lines_by_payer(store: Store) -> dict[str, int]:
    rows = query(
        store,
        "SELECT p.name, count(*) FROM claim_line c JOIN payer p ON p.id = c.payer_id"
        " GROUP BY p.name",
    )
    return dict(rows)  # type: ignore[arg-type]


@pytest.fixture
def imported(store: Store, tmp_path: Path) -> Store:
    data = [
        line(claim_id="A1", payer="Blue Cross & Blue Shield, Inc."),
        line(claim_id="A2", payer="BLUE CROSS BLUE SHIELD INC"),
        line(claim_id="A3", payer="BCBS of Nowhere"),
        line(claim_id="A4", payer="Acme Health"),
    ]
    assert import_file(store, write_csv(tmp_path / "c.csv", data)).status == "committed"
    return store


def test_keys_ignore_case_punctuation_and_spacing() -> None:
    assert payer_key("Blue Cross & Blue Shield, Inc.") == payer_key(" blue  cross blue-shield inc ")
    assert payer_key("ＡＣＭＥ") == "acme"
    assert payer_key("Aetna") != payer_key("Aetna Better Health")


def test_imports_map_new_names_automatically(imported: Store) -> None:
    assert lines_by_payer(imported) == {
        "Blue Cross & Blue Shield, Inc.": 2,
        "BCBS of Nowhere": 1,
        "Acme Health": 1,
    }
    with imported.read() as session:
        sources = {m.raw_name: (m.payer, m.source) for m in list_payer_mappings(session)}
    assert sources["BCBS of Nowhere"] == ("BCBS of Nowhere", "auto")


def test_set_mapping_rekeys_lines_and_bumps_the_generation(imported: Store) -> None:
    with imported.read() as session:
        before = mapping_generation(session)
    with imported.write() as session:
        change = set_payer_mapping(session, "bcbs of nowhere", "Blue Cross & Blue Shield, Inc.")
    assert change.changed and change.lines_rekeyed == 1
    assert change.payers_removed == ("BCBS of Nowhere",)
    assert change.generation == before + 1
    assert lines_by_payer(imported) == {"Blue Cross & Blue Shield, Inc.": 3, "Acme Health": 1}
    with imported.write() as session:
        again = set_payer_mapping(session, "BCBS OF NOWHERE", "blue cross & blue shield inc")
    assert not again.changed
    assert "payer_mapping.set" in actions(imported) and audit_is_intact(imported)


def test_mapping_to_a_new_canonical_payer_creates_it(imported: Store) -> None:
    with imported.write() as session:
        change = set_payer_mapping(session, "Acme Health", "Acme Health Plans (national)")
    assert change.payers_created == ("Acme Health Plans (national)",)
    assert lines_by_payer(imported)["Acme Health Plans (national)"] == 1


def test_merge_moves_every_name_lines_and_scoped_rules(imported: Store) -> None:
    with imported.write() as session:
        add_office_rule(
            session,
            OfficeRuleSpec(
                "bcbs_cap",
                "range",
                "billed_amount",
                params={"max": 1000},
                scope_payer="BCBS of Nowhere",
            ),
        )
        change = merge_payers(session, "BCBS of Nowhere", "Blue Cross & Blue Shield, Inc.")
    assert change.lines_rekeyed == 1 and change.payers_removed == ("BCBS of Nowhere",)
    with imported.read() as session:
        names = [p.name for p in list_payers(session)]
    assert names == ["Acme Health", "Blue Cross & Blue Shield, Inc."]
    rule_scope = query(
        imported, "SELECT p.name FROM quality_rule r JOIN payer p ON p.id = r.scope_payer_id"
    )
    assert rule_scope == [("Blue Cross & Blue Shield, Inc.",)]


def test_a_new_file_uses_the_mapping(imported: Store, tmp_path: Path) -> None:
    with imported.write() as session:
        set_payer_mapping(session, "Acme Hlth", "Acme Health")
    import_file(imported, write_csv(tmp_path / "d.csv", [line(claim_id="B1", payer="ACME HLTH.")]))
    assert lines_by_payer(imported)["Acme Health"] == 2


def test_remove_gives_the_lines_back_to_their_own_payer(imported: Store) -> None:
    with imported.write() as session:
        set_payer_mapping(session, "BCBS of Nowhere", "Acme Health")
    with imported.write() as session:
        change = remove_payer_mapping(session, "BCBS of Nowhere")
    assert change.after == "BCBS of Nowhere" and change.lines_rekeyed == 1
    assert lines_by_payer(imported)["BCBS of Nowhere"] == 1
    with imported.write() as session, pytest.raises(MappingError):
        remove_payer_mapping(session, "Never Seen")
    with imported.write() as session, pytest.raises(MappingError):
        set_payer_mapping(session, "!!!", "Acme Health")
