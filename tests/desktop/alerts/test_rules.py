"""Alert rules: shipped with every store, edited through one audited service."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.alerts.rules import (
    RuleNotFound,
    RuleSpec,
    add_rule,
    list_rules,
    remove_rule,
    set_rule_enabled,
    update_rule,
)
from desktop.alerts.suppression import PolicyParams, load_params, save_params
from desktop.errors import InvalidInput
from desktop.store import audit, open_store
from tests.conftest import PASSPHRASE


def test_every_new_store_has_the_default_rules_and_parameters(store_path: Path) -> None:
    with open_store(store_path, PASSPHRASE) as store, store.read() as session:
        rules = list_rules(session)
        params = load_params(session)
    assert [(r.spec.name, r.spec.metrics, r.source) for r in rules] == [
        ("Denying more", ("denial_rate",), "default"),
        ("Paying less", ("allowed_per_unit", "paid_to_allowed"), "default"),
        ("Denial reasons changed", ("denial_reason_mix",), "default"),
        ("Paying later", ("days_to_pay_median", "days_to_pay_p90"), "default"),
    ]
    assert all(r.spec.enabled for r in rules)
    assert params == PolicyParams()  # the migration's values are the documented defaults


def test_rule_changes_are_audited_with_before_and_after(store_path: Path) -> None:
    spec = RuleSpec(
        "Acme 99213 only", ("denial_rate",), "high", 0.05, 500.0, "Acme Health", "99213"
    )
    with open_store(store_path, PASSPHRASE) as store:
        with store.write() as session:
            added = add_rule(session, spec)
            updated = update_rule(
                session, added.rule_id, RuleSpec(**{**spec.__dict__, "min_effect": 0.1})
            )
            same = set_rule_enabled(session, added.rule_id, True)
            disabled = set_rule_enabled(session, added.rule_id, False)
            removed = remove_rule(session, added.rule_id)
        with store.read() as session:
            trail = [e for e in audit.entries(session) if e.object_type == "alert_rule"]
            assert audit.verify(session).ok
            assert added.rule_id not in {r.id for r in list_rules(session)}
    assert not same.changed and updated.changed and disabled.changed and removed.after is None
    assert [e.action for e in trail] == [
        "alert_rule.added", "alert_rule.updated", "alert_rule.updated", "alert_rule.removed",
    ]  # fmt: skip
    assert trail[1].details["before"]["min_effect"] == 0.05
    assert trail[1].details["after"]["min_effect"] == 0.1
    assert trail[2].details["after"]["enabled"] is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"metrics": ()}, "covers no metric"),
        ({"metrics": ("made_up",)}, "unknown metric"),
        ({"min_severity": "urgent"}, "min_severity"),
        ({"min_effect": -1.0}, "min_effect"),
        ({"min_monthly_impact": float("nan")}, "min_monthly_impact"),
        ({"cpt": "123"}, "procedure code"),
        ({"name": "  "}, "needs a name"),
    ],
)
def test_bad_rules_are_refused(changes: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"name": "r", "metrics": ("denial_rate",)}
    with pytest.raises(InvalidInput, match=message):
        RuleSpec(**{**base, **changes})  # type: ignore[arg-type]


def test_names_are_unique_and_unknown_ids_are_refused(store_path: Path) -> None:
    with open_store(store_path, PASSPHRASE) as store, store.write() as session:
        with pytest.raises(InvalidInput, match="exists already"):
            add_rule(session, RuleSpec("Denying more", ("denial_rate",)))
        with pytest.raises(RuleNotFound):
            remove_rule(session, 999)


def test_suppression_parameters_are_a_checked_audited_setting(store_path: Path) -> None:
    with open_store(store_path, PASSPHRASE) as store:
        with store.write() as session:
            save_params(session, PolicyParams(cooldown_days=3))
        with store.read() as session:
            assert load_params(session).cooldown_days == 3
            actions = [e.action for e in audit.entries(session)]
    assert "setting.changed" in actions
    with pytest.raises(InvalidInput, match="unknown suppression setting"):
        PolicyParams.from_mapping({"cooldown": 3})
    with pytest.raises(InvalidInput):
        PolicyParams(flapping_count=0)
