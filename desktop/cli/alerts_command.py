"""``upstream alerts`` and ``upstream feedback``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli import common


def register(sub: Any) -> None:
    p = sub.add_parser("alerts", help="list alerts with their state and suppression reason")
    common.add_store_options(p)
    p.set_defaults(handler=run_alerts)

    p = sub.add_parser("feedback", help="record an operator judgment on an alert")
    common.add_store_options(p)
    p.add_argument("alert_id", metavar="ALERT_ID")
    p.add_argument("verdict", choices=["real", "noise", "resolved"])
    p.add_argument("--note", default=None, metavar="TEXT")
    p.set_defaults(handler=run_feedback)


def run_alerts(args: argparse.Namespace) -> int:
    return common.not_available("alerts")


def run_feedback(args: argparse.Namespace) -> int:
    return common.not_available("feedback")
