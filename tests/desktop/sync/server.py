"""The installed ``upstream-server serve`` as a real process on 127.0.0.1, over a SQLite file.

It can be killed (SIGKILL, no clean shutdown) and started again on the same port and
database; the admin CLI makes tenants and codes; the database file is read directly
to count what the server holds.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx

from tests.helpers.cli import run_cli, script

ADMIN_TOKEN = "adm-Q7vX9kL2mN4pR8sT1wY5zB3cD6fG0hJ-e1u"
SECRET_KEY = "sk-7Hq2Lm9Vx4Rt8Nz1Kp6Wc3Yb5Jd0Fg-a2o"
READY_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SyncServer:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.db_path = folder / "server.sqlite3"
        self.log_path = folder / "server.log"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "UPSTREAM_SERVER_DATABASE_URL": f"sqlite:///{self.db_path}",
            "UPSTREAM_SERVER_ADMIN_TOKEN": ADMIN_TOKEN,
            "UPSTREAM_SERVER_SECRET_KEY": SECRET_KEY,
            # The tests push hard on purpose; the limits are tested by the server's suite.
            "UPSTREAM_SERVER_RATE_LIMIT_DEVICE": "100000/minute",
            "UPSTREAM_SERVER_RATE_LIMIT_TENANT": "100000/minute",
            "UPSTREAM_SERVER_RATE_LIMIT_ENROL": "1000/minute",
            "UPSTREAM_SERVER_RATE_LIMIT_ADMIN": "1000/minute",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> SyncServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [script("upstream-server"), "serve", "--port", str(self.port)],
            env={k: v for k, v in os.environ.items() if not k.startswith("UPSTREAM_")} | self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.starts += 1
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.output()[-2000:]}")
            try:
                if httpx.get(f"{self.base_url}/v1/ready", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the server did not become ready")

    def kill(self) -> None:
        """SIGKILL: no shutdown, whatever request is in progress dies with it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    # --- admin ---------------------------------------------------------------------------

    def admin(self, *args: str) -> dict[str, object]:
        result = run_cli("admin", *args, "--json", program="upstream-server", env=self.env)
        assert result.returncode == 0, result.stderr
        document: dict[str, object] = json.loads(result.stdout)
        return document

    def tenant(self, name: str) -> str:
        return str(self.admin("tenant", "create", name)["tenant_id"])

    def code(self, tenant_id: str, uses: int = 1) -> str:
        return str(self.admin("enroll-code", tenant_id, "--uses", str(uses))["code"])

    def admin_api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=30,
        )

    # --- what the server holds -------------------------------------------------------------

    def item_ids(self, device_id: str) -> list[str]:
        """Every aggregate and feedback item id stored for the device (repeats kept)."""
        con = sqlite3.connect(self.db_path)
        try:
            rows = con.execute(
                "SELECT item_id FROM aggregates WHERE device_id = ? "
                "UNION ALL SELECT item_id FROM feedback WHERE device_id = ?",
                (device_id, device_id),
            ).fetchall()
        finally:
            con.close()
        return [str(r[0]) for r in rows]

    def feedback_rows(self, tenant_id: str) -> list[tuple[str, str, str]]:
        con = sqlite3.connect(self.db_path)
        try:
            rows = con.execute(
                "SELECT device_id, fingerprint, verdict FROM feedback WHERE tenant_id = ?",
                (tenant_id,),
            ).fetchall()
        finally:
            con.close()
        return [(str(a), str(b), str(c)) for a, b, c in rows]
