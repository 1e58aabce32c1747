"""The store's quality rules: built-ins seeded per store, office rules, audited changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.engines.quality import BUILTIN_RULES
from desktop.ingest.errors import RuleError
from desktop.ingest.pipeline import import_file
from desktop.ingest.quality_rules import (
    OfficeRuleSpec,
    add_office_rule,
    ensure_builtin_rules,
    list_quality_rules,
    remove_office_rule,
    update_rule,
)
from desktop.store import Store

from .claims_files import line, write_csv
from .storage import actions, query


def test_builtins_are_seeded_once(store: Store) -> None:
    with store.read() as session:
        assert [r.code for r in list_quality_rules(session)] == [r.code for r in BUILTIN_RULES]
    with store.write() as session:
        assert ensure_builtin_rules(session) == len(BUILTIN_RULES)
        assert ensure_builtin_rules(session) == 0
    assert query(store, "SELECT count(*) FROM quality_rule") == [(len(BUILTIN_RULES),)]


def test_office_rules_apply_to_their_payer_and_code(store: Store, tmp_path: Path) -> None:
    import_file(store, write_csv(tmp_path / "a.csv", [line(claim_id="A0", payer="Acme Health")]))
    with store.write() as session:
        change = add_office_rule(
            session,
            OfficeRuleSpec(
                "acme_modifier_25",
                "regex",
                "modifiers",
                severity="error",
                params={"pattern": "25(;.*)?"},
                scope_payer="acme health",
                scope_cpt="99213",
                description="Acme wants modifier 25 first on 99213",
            ),
        )
    assert change.action == "added" and change.after is not None
    assert change.after.scope_payer == "Acme Health"
    data = [
        line(claim_id="A1", modifiers="59"),
        line(claim_id="A2", modifiers="59", cpt="99214"),
        line(claim_id="A3", modifiers="59", payer="Other Payer"),
        line(claim_id="A4", modifiers="25;59"),
    ]
    result = import_file(store, write_csv(tmp_path / "b.csv", data))
    assert result.rows_rejected == 1 and result.issues_by_rule == {"acme_modifier_25": 1}
    assert result.issues[0].message == "Acme wants modifier 25 first on 99213"
    assert "quality_rule.added" in actions(store)


def test_builtin_severity_can_change_and_rules_can_be_switched_off(
    store: Store, tmp_path: Path
) -> None:
    with store.write() as session:
        change = update_rule(session, "cpt_format", severity="warning")
        assert change.action == "updated" and change.before and change.before.severity == "error"
        assert update_rule(session, "cpt_format", severity="warning").action == "unchanged"
        update_rule(session, "npi_check_digit", enabled=False)
    result = import_file(store, write_csv(tmp_path / "c.csv", [line(cpt="9", rendering_npi="1")]))
    assert result.rows_stored == 1 and result.issues_by_rule == {"cpt_format": 1}
    assert actions(store).count("quality_rule.updated") == 2


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        (OfficeRuleSpec("cpt_format", "required", "cpt"), "not the name of a built-in"),
        (OfficeRuleSpec("Bad Name", "required", "cpt"), "cannot name a rule"),
        (OfficeRuleSpec("my_rule", "lookup", "cpt"), "one of required, range, regex, compare"),
        (OfficeRuleSpec("my_rule", "required", "cpt", severity="fatal"), "severity"),
        (OfficeRuleSpec("my_rule", "range", "cpt", params={"max": 1}), "number, amount or date"),
        (OfficeRuleSpec("my_rule", "required", "cpt", scope_payer="Nobody"), "no payer named"),
    ],
)
def test_bad_rules_are_refused(store: Store, spec: OfficeRuleSpec, says: str) -> None:
    with store.write() as session, pytest.raises(RuleError, match=says):
        add_office_rule(session, spec)


def test_office_rules_can_be_removed_builtins_cannot(store: Store) -> None:
    with store.write() as session:
        add_office_rule(session, OfficeRuleSpec("need_npi", "required", "rendering_npi"))
        with pytest.raises(RuleError, match="already"):
            add_office_rule(session, OfficeRuleSpec("need_npi", "required", "rendering_npi"))
        assert remove_office_rule(session, "need_npi").action == "removed"
        with pytest.raises(RuleError, match="switch it off"):
            remove_office_rule(session, "cpt_format")
