"""``upstream analyze``: drift, delay and alert evaluation over the store."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from desktop.alerts.evaluate import run_outcome_counts, run_outcome_reasons
from desktop.analysis import AnalysisRequest
from desktop.analysis.document import AlertOutcomes, analysis_document, analysis_text
from desktop.analysis.wiring import run_standard_analysis
from desktop.cli import common


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-31") from None


def register(sub: Any) -> None:
    p = sub.add_parser("analyze", help="run drift, delay and alert evaluation")
    common.add_store_options(p)
    p.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="analyse as of this day (default: the latest date in the data)",
    )
    p.add_argument("--baseline-days", type=int, default=90, metavar="N")
    p.add_argument("--current-days", type=int, default=30, metavar="N")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    request = AnalysisRequest(
        as_of=args.as_of, baseline_days=args.baseline_days, current_days=args.current_days
    )
    with common.open_store_from_args(args) as store:
        outcome = run_standard_analysis(store, request, progress=common.StderrProgress("analyze"))
        with store.read() as session:
            outcomes = AlertOutcomes(
                run_outcome_counts(session, outcome.run_id),
                run_outcome_reasons(session, outcome.run_id),
            )
    if args.json:
        common.emit_json(analysis_document(outcome, outcomes))
    else:
        common.emit_text(analysis_text(outcome, outcomes))
    return 0
