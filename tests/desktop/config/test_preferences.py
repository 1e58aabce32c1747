"""Machine policy over the person's own settings, as Settings and IT rely on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.config import (
    POLICY_ENV,
    MachinePolicyError,
    PreferenceLocked,
    UserSettingsError,
    load_preferences,
    machine_policy_path,
    set_user_preference,
)
from desktop.errors import UsageError

POLICY = """
[enforced]
"sync.server_url" = "https://sync.example.org"
"ui.auto_lock_minutes" = 10

[defaults]
"updates.check" = true
"""


@pytest.fixture
def paths(tmp_path: Path) -> dict[str, Path]:
    return {"user_path": tmp_path / "user" / "settings.json", "machine_path": tmp_path / "p.toml"}


def test_without_any_file_the_built_in_defaults_apply(paths: dict[str, Path]) -> None:
    prefs = load_preferences(**paths)
    assert prefs.value("ui.auto_lock_minutes") == 15
    assert prefs.value("sync.server_url") is None
    assert {p.source for p in prefs} == {"default"} and not any(p.locked for p in prefs)


@pytest.mark.parametrize(
    ("key", "user_value", "expected", "source", "locked"),
    [
        # enforced by IT: beats the person's own value and is locked
        ("ui.auto_lock_minutes", 60, 10, "machine", True),
        ("sync.server_url", "https://other.example", "https://sync.example.org", "machine", True),
        # a machine default: the person's own value wins
        ("updates.check", False, False, "user", False),
        ("updates.check", None, True, "machine", False),
        # nothing from IT: the person's value, else the built-in default
        ("sync.enrolment_required", True, True, "user", False),
        ("sync.enrolment_required", None, False, "default", False),
    ],
)
def test_precedence_is_enforced_then_user_then_machine_default_then_built_in(
    paths: dict[str, Path],
    key: str,
    user_value: object,
    expected: object,
    source: str,
    locked: bool,
) -> None:
    paths["machine_path"].write_text(POLICY)
    paths["user_path"].parent.mkdir()
    paths["user_path"].write_text(json.dumps({} if user_value is None else {key: user_value}))
    preference = load_preferences(**paths).get(key)
    assert (preference.value, preference.source, preference.locked) == (expected, source, locked)


def test_a_locked_setting_cannot_be_changed_and_the_file_is_untouched(
    paths: dict[str, Path],
) -> None:
    paths["machine_path"].write_text(POLICY)
    with pytest.raises(PreferenceLocked, match="set by your organisation"):
        set_user_preference("ui.auto_lock_minutes", 0, **paths)
    assert not paths["user_path"].exists()


def test_a_free_setting_is_saved_and_read_back(paths: dict[str, Path]) -> None:
    prefs = set_user_preference("ui.auto_lock_minutes", 0, **paths)
    assert prefs.get("ui.auto_lock_minutes").source == "user"
    assert json.loads(paths["user_path"].read_text()) == {"ui.auto_lock_minutes": 0}
    assert load_preferences(**paths).value("ui.auto_lock_minutes") == 0


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ui.auto_lock_minutes", -1),
        ("ui.auto_lock_minutes", True),
        ("ui.auto_lock_minutes", "10"),
        ("sync.server_url", "sync.example.org"),
        ("updates.check", 1),
        ("no.such.key", 1),
    ],
)
def test_a_bad_value_is_refused_with_the_reason(
    paths: dict[str, Path], key: str, value: object
) -> None:
    with pytest.raises(UsageError):
        set_user_preference(key, value, **paths)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[enforced]\n"ui.auto_lock_minute" = 5\n', "unknown setting"),
        ('[enforce]\n"ui.auto_lock_minutes" = 5\n', "unknown sections"),
        ('[enforced]\n"ui.auto_lock_minutes" = "five"\n', "must be int"),
        ("[enforced\n", "not valid TOML"),
    ],
)
def test_a_faulty_machine_policy_is_refused_naming_the_fault(
    paths: dict[str, Path], text: str, reason: str
) -> None:
    paths["machine_path"].write_text(text)
    with pytest.raises(MachinePolicyError, match=reason):
        load_preferences(**paths)


def test_a_damaged_user_file_names_itself(paths: dict[str, Path]) -> None:
    paths["user_path"].parent.mkdir()
    paths["user_path"].write_text("{not json")
    with pytest.raises(UserSettingsError, match="settings.json"):
        load_preferences(**paths)


def test_settings_of_another_version_are_kept_on_disk(paths: dict[str, Path]) -> None:
    paths["user_path"].parent.mkdir()
    paths["user_path"].write_text(json.dumps({"ui.theme": "dark"}))
    set_user_preference("updates.check", True, **paths)
    assert json.loads(paths["user_path"].read_text()) == {
        "ui.theme": "dark",
        "updates.check": True,
    }


def test_the_environment_names_the_policy_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(POLICY_ENV, str(tmp_path / "policy.toml"))
    assert machine_policy_path() == tmp_path / "policy.toml"
