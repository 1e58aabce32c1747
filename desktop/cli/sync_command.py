"""``upstream sync enroll | run | status``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli import common


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help="sync with the office's sync server")
    actions = p.add_subparsers(dest="sync_action", required=True, metavar="ACTION")

    enroll = actions.add_parser("enroll", help="enrol this store's device with a sync server")
    common.add_store_options(enroll)
    enroll.add_argument("--server", required=True, metavar="URL")
    enroll.add_argument("--code", required=True, metavar="CODE")
    enroll.set_defaults(handler=run_enroll)

    run_p = actions.add_parser("run", help="push the outbox and pull updates once")
    common.add_store_options(run_p)
    run_p.set_defaults(handler=run_once)

    status = actions.add_parser("status", help="server, last sync, outbox size")
    common.add_store_options(status)
    status.set_defaults(handler=run_status)


def run_enroll(args: argparse.Namespace) -> int:
    return common.not_available("sync enroll")


def run_once(args: argparse.Namespace) -> int:
    return common.not_available("sync run")


def run_status(args: argparse.Namespace) -> int:
    return common.not_available("sync status")
