"""The container installs packaging/server/requirements.txt, not the desktop's dependencies:
every third-party import of the server's code must be covered by that list."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "packaging" / "server" / "requirements.txt"
OWN = {"sync_server", "shared"}


def requirement_lines() -> list[str]:
    lines = REQUIREMENTS.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def name_of(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def closure(names: set[str]) -> set[str]:
    """The distributions the named ones bring in (their requirements, recursively)."""
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        try:
            wanted = requires(name) or []
        except PackageNotFoundError:
            if name in names:
                raise  # a listed requirement must be installed here
            continue  # a requirement for other Pythons or platforms (an unmet marker)
        seen.add(name)
        for requirement in wanted:
            if "extra ==" not in requirement:
                pending.append(name_of(requirement))
    return seen


def third_party_imports() -> set[str]:
    found: set[str] = set()
    for folder in OWN:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return {name for name in found - OWN if name not in sys.stdlib_module_names}


def test_every_server_import_is_installed_by_the_image() -> None:
    installed = closure({name_of(line) for line in requirement_lines()})
    distributions = packages_distributions()
    uncovered = {
        module: distributions.get(module)
        for module in third_party_imports()
        if not {d.lower().replace("_", "-") for d in distributions.get(module, [])} & installed
    }
    assert not uncovered, uncovered


def test_the_image_requirements_keep_the_projects_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = set(project["dependencies"])
    for extra in ("server", "postgres"):
        declared |= set(project["optional-dependencies"][extra])
    assert set(requirement_lines()) <= declared, set(requirement_lines()) - declared


def test_the_lazily_imported_server_parts_are_listed() -> None:
    # Starlette imports these only when the admin page's templates, forms and session
    # cookies are used, so the import scan above cannot see them.
    names = {name_of(line) for line in requirement_lines()}
    assert {"jinja2", "python-multipart", "itsdangerous"} <= names
