"""The server's systemd units: valid for systemd, and the server started as they start it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers.cli import script
from tests.sync_server.test_end_to_end import free_port

SERVER_DIR = Path(__file__).resolve().parents[2] / "packaging" / "server"
UNITS = ("upstream-server.service", "upstream-server-migrate.service")
INSTALLED_PROGRAM = "/opt/upstream-server/venv/bin/upstream-server"
READY_TIMEOUT_S = 60.0
ADMIN_TOKEN = "adm-Q7vX9kL2mN4pR8sT1wY5zB3cD6fG0hJ-e1u"
SECRET_KEY = "sk-7Hq2Lm9Vx4Rt8Nz1Kp6Wc3Yb5Jd0Fg-a2o"


def service_directives(unit: Path) -> dict[str, list[str]]:
    """The [Service] section's directives, each with its values in order."""
    found: dict[str, list[str]] = {}
    section = ""
    for raw in unit.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def environment_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments and blanks skipped)."""
    values: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip('"')
    return values


def unit_command(unit: str, port: int | None = None) -> list[str]:
    """The unit's ExecStart with the venv's program for the installed one (and a free port)."""
    (command,) = service_directives(SERVER_DIR / unit)["ExecStart"]
    argv = shlex.split(command)
    assert argv[0] == INSTALLED_PROGRAM
    argv[0] = script("upstream-server")
    if port is not None:
        argv[argv.index("--port") + 1] = str(port)
    return argv


def unit_environment(unit: str, overrides: dict[str, str]) -> dict[str, str]:
    """The environment the unit gives: its EnvironmentFiles (the shipped examples), in order."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPSTREAM_")}
    for path in service_directives(SERVER_DIR / unit)["EnvironmentFile"]:
        env |= environment_file(SERVER_DIR / (Path(path).name + ".example"))
    return env | overrides


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    for unit in UNITS:
        text = (SERVER_DIR / unit).read_text()
        (tmp_path / unit).write_text(text.replace(INSTALLED_PROGRAM, script("upstream-server")))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / u) for u in UNITS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    about_ours = [line for line in result.stderr.splitlines() if "upstream-server" in line]
    assert result.returncode == 0 and not about_ours, result.stderr


def test_the_unit_runs_two_workers_on_loopback_hardened() -> None:
    service = service_directives(SERVER_DIR / "upstream-server.service")
    argv = unit_command("upstream-server.service")
    assert argv[1:] == ["serve", "--host", "127.0.0.1", "--port", "8600", "--workers", "2"]
    assert service["User"] == ["upstream-server"]
    for directive in ("NoNewPrivileges", "ProtectSystem", "PrivateTmp", "ProtectHome"):
        assert directive in service
    # the owner's credentials reach the migration only, never the serving process
    assert not any("migrate" in path for path in service["EnvironmentFile"])


def test_the_example_settings_refuse_production_until_secrets_are_set(tmp_path: Path) -> None:
    env = unit_environment("upstream-server-migrate.service", {})
    result = subprocess.run(
        unit_command("upstream-server-migrate.service"),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "UPSTREAM_SERVER_SECRET_KEY is weak" in result.stderr


def test_server_started_as_the_unit_starts_it_answers(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'upstream-server.sqlite3'}"
    overrides = {
        "UPSTREAM_SERVER_SECRET_KEY": SECRET_KEY,
        "UPSTREAM_SERVER_ADMIN_TOKEN": ADMIN_TOKEN,
        "UPSTREAM_SERVER_DATABASE_URL": database,
        "UPSTREAM_SERVER_DATABASE_MIGRATION_URL": database,
        "UPSTREAM_SERVER_REDIS_URL": "",  # SQLite and per-worker counters on this host
    }
    migrate = subprocess.run(
        unit_command("upstream-server-migrate.service"),
        env=unit_environment("upstream-server-migrate.service", overrides),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert "server database at" in migrate.stdout

    port = free_port()
    env = unit_environment("upstream-server.service", overrides)
    del env["UPSTREAM_SERVER_DATABASE_MIGRATION_URL"]  # not in the serving unit's files
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        unit_command("upstream-server.service", port),
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        ready = wait_ready(server, f"http://127.0.0.1:{port}")
        health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    output = (tmp_path / "server.log").read_text(errors="replace")
    assert isinstance(ready, dict) and ready["status"] == "ready", output
    assert ready["storage"] == "sqlite", output
    assert health.json() == {"status": "ok"}
    assert output.count("Started server process") == 2, output  # --workers 2


def wait_ready(server: subprocess.Popen[bytes], base_url: str) -> object:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited before it was ready")
        try:
            response = httpx.get(f"{base_url}/v1/ready", timeout=2)
            if response.status_code == 200:
                return response.json()
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready")
