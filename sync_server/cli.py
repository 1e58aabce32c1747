"""The ``upstream-server`` command line (see the CLI contract).

Exit codes: 0 done; 1 unexpected failure; 2 bad usage or settings refused;
4 invalid input (unknown tenant or device, name taken); 5 a backend (database,
Redis) cannot be reached.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sync_server.admin_cli import add_admin_commands, run_admin
from sync_server.errors import (
    BackendUnavailable,
    ConfigurationRefused,
    Conflict,
    InvalidRequest,
    NotFound,
    ServerError,
)
from sync_server.settings import ServerSettings, load_settings

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INVALID, EXIT_UNAVAILABLE = 0, 1, 2, 4, 5
EXIT_CODES: tuple[tuple[type[ServerError], int], ...] = (
    (ConfigurationRefused, EXIT_USAGE),
    (BackendUnavailable, EXIT_UNAVAILABLE),
    (NotFound, EXIT_INVALID),
    (Conflict, EXIT_INVALID),
    (InvalidRequest, EXIT_INVALID),
)
log = logging.getLogger("sync_server.cli")


def configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="upstream-server", description="Upstream sync server")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="run the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8600)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    sub.add_parser("migrate", help="create or upgrade the server database")
    add_admin_commands(sub.add_parser("admin", help="administer tenants, devices and audit"))
    return parser


def serve(settings: ServerSettings, host: str, port: int, workers: int) -> int:
    import uvicorn

    from sync_server.app import build_state, create_app
    from sync_server.db.migrate import upgrade

    if settings.effective_database_url.startswith("sqlite"):
        upgrade(settings)  # the embedded default needs no setup step
    if workers < 1:
        raise ConfigurationRefused("--workers must be at least 1")
    options = server_options(settings)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, **options)
        return EXIT_OK
    build_state(settings).db.dispose()  # fail fast here, before any worker starts
    uvicorn.run(
        "sync_server.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **options,
    )
    return EXIT_OK


def server_options(settings: ServerSettings) -> dict[str, Any]:
    """uvicorn options that come from the settings, the same for one worker or many."""
    return {
        "log_config": None,
        # the client address behind a reverse proxy, for the per-address rate limits
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }


def migrate(settings: ServerSettings) -> int:
    from sync_server.db.migrate import upgrade

    result = upgrade(settings)
    granted = f"; granted the application role {result.granted_to}" if result.granted_to else ""
    print(f"server database at {result.to_revision} (was {result.from_revision}){granted}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    commands: dict[str, Callable[[], int]] = {
        "serve": lambda: serve(settings, args.host, args.port, args.workers),
        "migrate": lambda: migrate(settings),
        "admin": lambda: run_admin(settings, args),
    }
    return commands[args.command]()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        return _run(args)
    except ServerError as error:
        for family, code in EXIT_CODES:
            if isinstance(error, family):
                print(f"upstream-server: {error}", file=sys.stderr)
                return code
        raise
