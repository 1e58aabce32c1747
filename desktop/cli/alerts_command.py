"""``upstream alerts`` and ``upstream feedback``.

``alerts --json`` prints ``{"alerts": [...]}`` with the contract's fields first; a
suppressed alert always carries its reason. ``feedback`` records a verdict (audited,
queued for sync); an unknown alert id exits 4 with nothing stored.
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop.alerts.feedback import record_feedback
from desktop.alerts.queries import MAX_PAGE, AlertView, get_alert, list_alerts
from desktop.cli import common


def register(sub: Any) -> None:
    p = sub.add_parser("alerts", help="list alerts with their state and suppression reason")
    common.add_store_options(p)
    p.add_argument(
        "--state",
        action="append",
        choices=["open", "suppressed", "resolved", "closed"],
        default=None,
        help="only alerts in this state (repeatable; default: all)",
    )
    p.set_defaults(handler=run_alerts)

    p = sub.add_parser("feedback", help="record an operator judgment on an alert")
    common.add_store_options(p)
    p.add_argument("alert_id", metavar="ALERT_ID")
    p.add_argument("verdict", choices=["real", "noise", "resolved"])
    p.add_argument("--note", default=None, metavar="TEXT")
    p.set_defaults(handler=run_feedback)


def _where(a: AlertView) -> str:
    return a.payer if a.cpt is None else f"{a.payer} / {a.cpt}"


def alert_line(a: AlertView) -> str:
    parts = [f"{a.id}  {a.state:10} {a.severity:6} {_where(a)}: {a.metric} {a.direction}"]
    if a.suppressed_reason:
        parts.append(f"held: {a.suppressed_reason}")
    if a.feedback is not None:
        parts.append(f"feedback: {a.feedback.verdict}")
    return "; ".join(parts)


def run_alerts(args: argparse.Namespace) -> int:
    views: list[AlertView] = []
    with common.open_store_from_args(args) as store, store.read() as session:
        offset = 0
        while True:
            page = list_alerts(session, states=args.state, limit=MAX_PAGE, offset=offset)
            views += page.items
            offset += len(page.items)
            if not page.items or offset >= page.total:
                break
    if args.json:
        common.emit_json({"alerts": [v.as_dict() for v in views]})
    elif views:
        common.emit_text("\n".join(alert_line(v) for v in views))
    else:
        common.emit_text("No alerts. Run `upstream analyze` to evaluate the latest data.")
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    with common.open_store_from_args(args) as store:
        result = record_feedback(store, args.alert_id, args.verdict, args.note)
        with store.read() as session:
            view = get_alert(session, result.alert_id)
    if args.json:
        common.emit_json({"feedback": result.feedback.as_dict(), "alert": view.as_dict()})
    else:
        held = f" ({view.suppressed_reason})" if view.suppressed_reason else ""
        common.emit_text(
            f"Recorded {args.verdict!r} on alert {view.id} ({_where(view)}: {view.metric}); "
            f"state {result.state_before} -> {result.state_after}{held}."
        )
    return 0
