"""The machine-wide policy file IT deploys: defaults for everyone, and enforced values.

TOML, read-only for the app::

    [enforced]                      # people cannot change these
    "sync.server_url" = "https://sync.example.org"
    "ui.auto_lock_minutes" = 10

    [defaults]                      # starting values people may change
    "updates.check" = false

A file with unknown keys, wrong types or other tables is refused with the reason: a
typo in a policy must not silently leave a machine unmanaged.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.config.keys import SPECS
from desktop.errors import InvalidInput

POLICY_ENV = "UPSTREAM_MACHINE_POLICY"
TABLES = ("enforced", "defaults")


class MachinePolicyError(InvalidInput):
    """The machine policy file cannot be used; the message names the file and the fault."""


@dataclass(frozen=True)
class MachinePolicy:
    path: Path | None
    enforced: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)


def machine_policy_path() -> Path:
    """Where IT puts the policy on this OS (the environment variable overrides it)."""
    override = os.environ.get(POLICY_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "Upstream" / "policy.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/Upstream/policy.toml")
    return Path("/etc/upstream/policy.toml")


def load_machine_policy(path: Path | None = None) -> MachinePolicy:
    """The policy at ``path`` (default: this OS's location); none there means no policy."""
    target = path or machine_policy_path()
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        return MachinePolicy(None)
    except OSError as exc:
        raise MachinePolicyError(f"cannot read the machine policy {target}: {exc}") from exc
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MachinePolicyError(f"the machine policy {target} is not valid TOML: {exc}") from exc
    unknown_tables = sorted(set(document) - set(TABLES))
    if unknown_tables:
        raise MachinePolicyError(
            f"the machine policy {target} has unknown sections {unknown_tables}; "
            f"only [enforced] and [defaults] are read"
        )
    tables = {name: _table(document.get(name, {}), target, name) for name in TABLES}
    return MachinePolicy(target, tables["enforced"], tables["defaults"])


def _table(table: Any, path: Path, name: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise MachinePolicyError(f"the machine policy {path}: [{name}] must be a table")
    checked: dict[str, Any] = {}
    for key, value in table.items():
        spec = SPECS.get(key)
        if spec is None:
            raise MachinePolicyError(
                f"the machine policy {path}: [{name}] has the unknown setting {key!r}; "
                f"known: {', '.join(sorted(SPECS))}"
            )
        try:
            checked[key] = spec.check(value, f"the machine policy {path} [{name}]")
        except ValueError as exc:
            raise MachinePolicyError(str(exc)) from exc
    return checked
