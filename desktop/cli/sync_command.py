"""``upstream sync enroll | run | status``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli import common
from desktop.sync import service

EXIT_SERVER = 5


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help="sync with the office's sync server")
    actions = p.add_subparsers(dest="sync_action", required=True, metavar="ACTION")

    enroll = actions.add_parser("enroll", help="enrol this store's device with a sync server")
    common.add_store_options(enroll)
    enroll.add_argument("--server", required=True, metavar="URL")
    enroll.add_argument("--code", required=True, metavar="CODE")
    enroll.add_argument("--device-name", default=None, metavar="NAME", help="shown to the admin")
    enroll.set_defaults(handler=run_enroll)

    run_p = actions.add_parser("run", help="push the outbox and pull updates once")
    common.add_store_options(run_p)
    run_p.set_defaults(handler=run_once)

    status = actions.add_parser("status", help="server, last sync, outbox size")
    common.add_store_options(status)
    status.set_defaults(handler=run_status)


def run_enroll(args: argparse.Namespace) -> int:
    with common.open_store_from_args(args) as store:
        state = service.enroll(store, args.server, args.code, device_name=args.device_name)
    if args.json:
        common.emit_json(state.as_dict())
    else:
        common.emit_text(f"Enrolled with {state.server} as device {state.device_id}.")
    return 0


def run_once(args: argparse.Namespace) -> int:
    with common.open_store_from_args(args) as store:
        report = service.sync_once(store, progress=common.StderrProgress("sync"))
    if args.json:
        common.emit_json(report.as_dict())
    else:
        common.emit_text(
            f"Sent {report.stored} new item(s) ({report.duplicate} already there); "
            f"pulled {report.pulled.rules_set + report.pulled.rules_removed} rule change(s), "
            f"{report.pulled.mappings_set + report.pulled.mappings_removed} payer mapping "
            f"change(s), {report.pulled.feedback_added} feedback item(s); "
            f"{report.outbox} item(s) left in the outbox."
        )
    if report.rejected:
        reasons = "; ".join(sorted(set(report.rejected.values()))[:3])
        common.message(
            f"upstream: the sync server rejected {len(report.rejected)} item(s): {reasons}. "
            "They stay in the outbox, marked, and are not sent again."
        )
        return EXIT_SERVER
    return 0


def run_status(args: argparse.Namespace) -> int:
    with common.open_store_from_args(args) as store:
        state = service.status(store)
    if args.json:
        common.emit_json(state.as_dict())
        return 0
    if not state.enrolled:
        common.emit_text(f"Not enrolled with a sync server. Outbox: {state.outbox} item(s).")
        return 0
    lines = [
        f"Server:    {state.server}",
        f"Device:    {state.device_id} (tenant {state.tenant_id})",
        f"Last sync: {state.last_sync or 'never'}",
        f"Outbox:    {state.outbox} item(s)"
        + (f", {state.rejected} rejected by the server" if state.rejected else ""),
    ]
    if state.device_name:
        lines.insert(2, f"Name:      {state.device_name}")
    if state.last_error:
        lines.append(f"Last error: {state.last_error}")
    common.emit_text("\n".join(lines))
    return 0
