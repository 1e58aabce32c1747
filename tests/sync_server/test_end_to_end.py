"""The installed ``upstream-server serve`` as a real process: admin CLI, enrol, push,
pull, revoke. SQLite with the no-setup default; PostgreSQL with Redis and 2 workers."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.cli import run_cli, script
from tests.helpers.services import require_redis
from tests.sync_server.client import ADMIN_TOKEN, SECRET_KEY, Api, aggregate, feedback
from tests.sync_server.conftest import ServerDb

READY_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    def __init__(self, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                script("upstream-server"),
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env={k: v for k, v in os.environ.items() if not k.startswith("UPSTREAM_")} | env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.output()}")
            try:
                if httpx.get(f"{self.base_url}/v1/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not become ready")

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self._log.close()
        return self.output()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def cli(self, *args: str) -> str:
        result = run_cli(*args, program="upstream-server", env=self.env)
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(params=["sqlite-default", "postgresql-redis-2-workers"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {"UPSTREAM_SERVER_ADMIN_TOKEN": ADMIN_TOKEN, "UPSTREAM_SERVER_SECRET_KEY": SECRET_KEY}
    workers = 1
    if request.param == "sqlite-default":
        env["XDG_DATA_HOME"] = str(tmp_path / "data")  # the platformdirs default lands here
        env["HOME"] = str(tmp_path)
    else:
        db: ServerDb = request.getfixturevalue("postgres_db")
        env |= {
            "UPSTREAM_SERVER_DATABASE_URL": db.url,
            "UPSTREAM_SERVER_DATABASE_MIGRATION_URL": db.migration_url,
            "UPSTREAM_SERVER_REDIS_URL": require_redis(),
            "UPSTREAM_SERVER_RATE_LIMIT_KEY_PREFIX": f"e2e{secrets.token_hex(4)}",
        }
        migrated = run_cli("migrate", program="upstream-server", env=env)
        assert migrated.returncode == 0, migrated.stderr
        workers = 2
    process = ServerProcess(env, workers, tmp_path / "server.log")
    try:
        process.wait_ready()
        yield process
    finally:
        log = process.stop()
    assert "Traceback" not in log, log


def test_a_tenant_syncs_end_to_end(server: ServerProcess, tmp_path: Path) -> None:
    tenant_id = json.loads(server.cli("admin", "tenant", "create", "Lakeside Billing", "--json"))[
        "tenant_id"
    ]
    code = json.loads(server.cli("admin", "enroll-code", tenant_id, "--uses", "2", "--json"))[
        "code"
    ]
    api = Api(server.base_url)
    try:
        front, back = api.enrol(code, "Front desk"), api.enrol(code, "Back office")
        assert api.enrol_response(code).status_code == 401
        pushed = api.push(
            front,
            [
                aggregate(cpt=None),
                feedback(front.device_id, fingerprint="cd" * 32, verdict="noise"),
            ],
        )
        assert pushed.json()["stored"] == 2
        pulled = api.pull(back).json()
        assert [f["feedback"]["verdict"] for f in pulled["feedback"]] == ["noise"]

        devices = json.loads(server.cli("admin", "device", "list", tenant_id, "--json"))["devices"]
        assert {d["name"] for d in devices} == {"Front desk", "Back office"}
        assert all(set(d) >= {"device_id", "name", "last_sync", "revoked"} for d in devices)
        assert all(d["last_sync"] for d in devices)

        server.cli("admin", "device", "revoke", front.device_id)
        for _ in range(4):  # every worker refuses it at once
            assert api.pull(front).status_code == 401
        assert api.pull(back).status_code == 200
        audit = json.loads(server.cli("admin", "audit", "--tenant", tenant_id, "--json"))
        assert "device.revoke" in [e["action"] for e in audit["entries"]]
    finally:
        api.close()
    if "XDG_DATA_HOME" in server.env:
        assert list((tmp_path / "data").rglob("upstream-server.sqlite3"))
