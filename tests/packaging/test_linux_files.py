"""The files the .deb ships beside the bundle: the example policy and the desktop entry."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.config.keys import SPECS
from desktop.config.machine_policy import load_machine_policy

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def test_the_example_policy_is_accepted_and_sets_every_key() -> None:
    policy = load_machine_policy(PACKAGING / "policy.example.toml")
    assert policy.enforced["sync.server_url"] == "https://sync.example.org"
    assert set(policy.enforced) | set(policy.defaults) == set(SPECS)


def test_the_desktop_entry_starts_the_launcher_with_the_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(PACKAGING / "linux" / "upstream.desktop")
    section = entry["Desktop Entry"]
    assert section["Exec"] == "upstream"
    assert section["Icon"] == "upstream"
    assert (PACKAGING / "icons" / "upstream.svg").is_file()
    assert (PACKAGING / "icons" / "upstream.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="no desktop-file-utils")
def test_the_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(PACKAGING / "linux" / "upstream.desktop")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout
