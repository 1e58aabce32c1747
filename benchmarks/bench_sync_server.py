"""Sync server push throughput and latency over loopback, against a bare endpoint.

For SQLite and PostgreSQL, with 1 and 2 uvicorn workers, 32 and 128 concurrent
closed-loop clients push realistic batches (one device's week: 20 aggregate cells
and 2 alert feedback items, fresh batch and item ids every time) for a fixed time;
in the same run the same clients post the same bodies to a bare endpoint of the same
server (reads the body, answers a constant) as the ceiling. Prints requests/s,
p50/p99 latency and push/bare ratio. PostgreSQL runs connect as a non-owner role
with row-level security forced and keep rate-limit counters in Redis (as in
production); SQLite runs use in-process counters. Rate limits are raised so that
the benchmark measures the work, not the limiter.

    .venv/bin/python benchmarks/bench_sync_server.py [--seconds 8] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.loadgen import LoadResult, run_load  # noqa: E402
from shared.models import EnrolRequest  # noqa: E402
from sync_server.admin.schemas import EnrolmentCodeCreate  # noqa: E402
from sync_server.admin.service import AdminService  # noqa: E402
from sync_server.clock import utc_now  # noqa: E402
from sync_server.db.engine import open_database  # noqa: E402
from sync_server.db.migrate import upgrade  # noqa: E402
from sync_server.enrolment.service import enrol_device  # noqa: E402
from sync_server.identity import AdminIdentity  # noqa: E402
from sync_server.settings import ServerSettings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
REDIS_URL = "redis://127.0.0.1:6379/0"
TENANTS = 8
DEVICES = 128
AGGREGATES_PER_PUSH = 20
FEEDBACK_PER_PUSH = 2
PAYERS = ("Acme Health", "Blue Plan", "Cedar Mutual", "Delta Care", "Evergreen")
CODES = ("99213", "99214", "99203", "93000", "36415", "80053", "85025", None)
GENEROUS = "10000000/minute"


@dataclass(frozen=True)
class Target:
    label: str
    env: dict[str, str]
    devices: list[tuple[str, str]]  # (device_id, token)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(settings: ServerSettings) -> list[tuple[str, str]]:
    upgrade(settings)
    db = open_database(settings.effective_database_url, pool_size=2, max_overflow=0)
    admin = AdminService(db, AdminIdentity(actor="benchmark"))
    devices = []
    try:
        for t in range(TENANTS):
            tenant = admin.create_tenant(f"Bench tenant {t} {uuid.uuid4().hex[:6]}")
            per_tenant = DEVICES // TENANTS
            code = admin.create_enrolment_code(
                tenant.tenant_id, EnrolmentCodeCreate(uses=per_tenant, ttl_hours=1)
            ).code
            for d in range(per_tenant):
                enrolled = enrol_device(
                    db, EnrolRequest(code=code, device_name=f"PC {d}"), utc_now()
                )
                devices.append((enrolled.device_id, enrolled.device_token))
    finally:
        db.dispose()
    return devices


def base_env(database_url: str) -> dict[str, str]:
    return {
        "UPSTREAM_SERVER_DATABASE_URL": database_url,
        "UPSTREAM_SERVER_RATE_LIMIT_DEVICE": GENEROUS,
        "UPSTREAM_SERVER_RATE_LIMIT_TENANT": GENEROUS,
        "UPSTREAM_SERVER_DATABASE_POOL_SIZE": "20",
        "UPSTREAM_SERVER_DATABASE_MAX_OVERFLOW": "20",
    }


@contextmanager
def sqlite_target(folder: Path) -> Iterator[Target]:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    devices = seed(ServerSettings(database_url=url))
    yield Target("SQLite", base_env(url), devices)


@contextmanager
def postgres_target() -> Iterator[Target]:
    suffix = secrets.token_hex(4)
    owner, app, schema = f"bench_owner_{suffix}", f"bench_app_{suffix}", f"bench_{suffix}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as con:
        con.execute(f"CREATE ROLE {owner} LOGIN NOSUPERUSER NOBYPASSRLS")
        con.execute(f"CREATE ROLE {app} LOGIN NOSUPERUSER NOBYPASSRLS")
        con.execute(f"GRANT CREATE ON DATABASE test TO {owner}")
        con.execute(f"CREATE SCHEMA {schema} AUTHORIZATION {owner}")
    options = f"?options=-csearch_path%3D{schema}"
    app_url = f"postgresql+psycopg://{app}@127.0.0.1:5432/test{options}"
    owner_url = f"postgresql+psycopg://{owner}@127.0.0.1:5432/test{options}"
    try:
        devices = seed(ServerSettings(database_url=app_url, database_migration_url=owner_url))
        env = base_env(app_url) | {
            "UPSTREAM_SERVER_REDIS_URL": REDIS_URL,
            "UPSTREAM_SERVER_RATE_LIMIT_KEY_PREFIX": f"bench{suffix}",
        }
        yield Target("PostgreSQL", env, devices)
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {schema} CASCADE")
            for role in (app, owner):
                con.execute(f"DROP OWNED BY {role} CASCADE")
            con.execute(f"REVOKE CREATE ON DATABASE test FROM {owner}")
            con.execute(f"DROP ROLE {app}")
            con.execute(f"DROP ROLE {owner}")


@contextmanager
def running_server(target: Target, workers: int, log: Path) -> Iterator[int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPSTREAM_")} | target.env
    command = [
        sys.executable, "-m", "uvicorn", "benchmarks.bench_app:create", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/v1/ready", timeout=1).is_success:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def push_body(device_id: str, sequence: int) -> bytes:
    stamp = f"{sequence:06d}{uuid.uuid4().hex[:10]}"
    items: list[dict[str, object]] = []
    for n in range(AGGREGATES_PER_PUSH):
        lines = 11 + (n * 37 + sequence) % 400
        items.append(
            {
                "kind": "aggregate",
                "item_id": f"a{stamp}{n:03d}",
                "week": f"2026-W{1 + sequence % 52:02d}",
                "payer": PAYERS[n % len(PAYERS)],
                "cpt": CODES[n % len(CODES)],
                "lines": lines,
                "denied_lines": lines // 9,
                "billed": lines * 182.5,
                "allowed": lines * 121.0,
                "paid": lines * 97.25,
                "days_to_pay_p50": 17.0,
                "days_to_pay_p90": 44.0,
            }
        )
    for n in range(FEEDBACK_PER_PUSH):
        items.append(
            {
                "kind": "feedback",
                "item_id": f"f{stamp}{n:03d}",
                "fingerprint": f"{(sequence * 7 + n) % 4096:064x}",
                "verdict": ("real", "noise", "resolved")[n % 3],
                "note": None,
                "hlc": f"2026-03-01T10:00:00.000Z-{sequence % 65536:04x}-{device_id[:8]}",
                "device_id": device_id,
            }
        )
    return json.dumps({"batch_id": f"b{stamp}", "items": items}).encode()


def measure(port: int, target: Target, clients: int, seconds: float, path: str) -> LoadResult:
    devices = target.devices
    per_tenant = len(devices) // TENANTS

    def make(client: int, sequence: int) -> tuple[str, bytes, dict[str, str]]:
        # spread clients over the tenants, as many offices would be
        tenant, slot = client % TENANTS, (client // TENANTS) % per_tenant
        device_id, token = devices[tenant * per_tenant + slot]
        headers = {"Authorization": f"Bearer {token}", "Upstream-Protocol": "1"}
        return path, push_body(device_id, sequence), headers

    return run_load(port, clients, make, warmup=1.0, seconds=seconds)


def row(label: str, result: LoadResult) -> str:
    errors = {s: n for s, n in result.statuses.items() if s >= 300}
    return (
        f"{label:<44} {result.rps:8.0f} req/s   p50 {result.quantile_ms(0.5):6.1f} ms"
        f"   p99 {result.quantile_ms(0.99):6.1f} ms   non-2xx {errors or 0}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--quick", action="store_true", help="PostgreSQL, 2 workers, 128 only")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    targets = (postgres_target,) if args.quick else (lambda: sqlite_target(folder), postgres_target)
    print(
        f"push = {AGGREGATES_PER_PUSH} aggregates + {FEEDBACK_PER_PUSH} feedback "
        f"({len(push_body('d' * 36, 0))} bytes); {DEVICES} devices in {TENANTS} tenants;"
        f" {args.seconds:.0f} s per run after 1 s warm-up"
    )
    for make_target in targets:
        with make_target() as target:
            for workers in (2,) if args.quick else (1, 2):
                with running_server(
                    target, workers, folder / f"{target.label}-{workers}.log"
                ) as port:
                    for clients in (128,) if args.quick else (32, 128):
                        label = f"{target.label}, {workers} worker(s), {clients} clients"
                        push = measure(port, target, clients, args.seconds, "/v1/push")
                        bare = measure(port, target, clients, args.seconds, "/bench/bare")
                        print(row(f"{label}: push", push))
                        print(row(f"{label}: bare", bare))
                        print(f"{label}: push/bare = {push.rps / bare.rps:.2f}", flush=True)


if __name__ == "__main__":
    main()
