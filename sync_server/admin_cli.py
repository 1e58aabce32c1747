"""``upstream-server admin …``: the admin service from a shell, audited as ``cli:<user>``."""

from __future__ import annotations

import argparse
import getpass
import json
from typing import Any

from pydantic import BaseModel

from sync_server.admin.schemas import EnrolmentCodeCreate
from sync_server.admin.service import AdminService
from sync_server.db.engine import open_database
from sync_server.db.migrate import require_head
from sync_server.identity import AdminIdentity
from sync_server.settings import ServerSettings


def add_admin_commands(admin: argparse.ArgumentParser) -> None:
    sub = admin.add_subparsers(dest="admin_command", required=True, metavar="WHAT")
    tenant = sub.add_parser("tenant", help="create or list tenants").add_subparsers(
        dest="action", required=True
    )
    create = tenant.add_parser("create", help="create a tenant")
    create.add_argument("name")
    _json(create)
    _json(tenant.add_parser("list", help="list tenants"))

    code = sub.add_parser("enroll-code", help="create an enrolment code for a tenant")
    code.add_argument("tenant_id")
    code.add_argument("--uses", type=int, default=1, help="how many devices may use it")
    code.add_argument("--ttl-hours", type=float, default=72, help="hours until it expires")
    _json(code)

    device = sub.add_parser("device", help="list or revoke devices").add_subparsers(
        dest="action", required=True
    )
    listing = device.add_parser("list", help="list a tenant's devices")
    listing.add_argument("tenant_id")
    _json(listing)
    revoke = device.add_parser("revoke", help="revoke a device; its token stops at once")
    revoke.add_argument("device_id")
    _json(revoke)

    audit = sub.add_parser("audit", help="show the admin audit trail")
    audit.add_argument("--tenant", dest="tenant_id")
    _json(audit)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def _emit(args: argparse.Namespace, document: dict[str, Any], text: str) -> None:
    print(json.dumps(document, indent=2) if args.json else text)


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def run_admin(settings: ServerSettings, args: argparse.Namespace) -> int:
    db = open_database(settings.effective_database_url, pool_size=1, max_overflow=0)
    try:
        with db.engine.connect() as connection:
            require_head(connection)
        service = AdminService(db, AdminIdentity(actor=f"cli:{getpass.getuser()}"))
        _dispatch(service, args)
    finally:
        db.dispose()
    return 0


def _dispatch(service: AdminService, args: argparse.Namespace) -> None:
    command = (args.admin_command, getattr(args, "action", None))
    if command == ("tenant", "create"):
        tenant = service.create_tenant(args.name)
        _emit(args, {"tenant_id": tenant.tenant_id}, tenant.tenant_id)
    elif command == ("tenant", "list"):
        tenants = service.list_tenants()
        lines = [f"{t.tenant_id}  {t.name}" for t in tenants.tenants]
        _emit(args, _dump(tenants), "\n".join(lines) or "no tenants")
    elif command == ("enroll-code", None):
        code = service.create_enrolment_code(
            args.tenant_id, EnrolmentCodeCreate(uses=args.uses, ttl_hours=args.ttl_hours)
        )
        _emit(args, _dump(code), code.code)
    elif command == ("device", "list"):
        devices = service.list_devices(args.tenant_id)
        document = {"devices": [_dump(d) for d in devices.devices]}
        lines = [
            f"{d.device_id}  {d.name}  last sync {d.last_sync or 'never'}"
            + ("  REVOKED" if d.revoked else "")
            for d in devices.devices
        ]
        _emit(args, document, "\n".join(lines) or "no devices")
    elif command == ("device", "revoke"):
        result = service.revoke_device(args.device_id)
        note = " (it was already revoked)" if result.already_revoked else ""
        _emit(args, _dump(result), f"device {result.device_id} revoked{note}")
    elif command == ("audit", None):
        trail = service.audit_trail(args.tenant_id)
        lines = [
            f"{e.at.isoformat()}  {e.actor}  {e.action}  {e.target or ''}" for e in trail.entries
        ]
        _emit(args, _dump(trail), "\n".join(lines) or "no entries")
    else:
        raise AssertionError(f"unhandled admin command {command}")
