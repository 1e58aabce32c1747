"""``upstream demo-data``: a synthetic claims CSV with known, injected changes."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from desktop.cli import common
from desktop.demo.config import DemoConfig
from desktop.demo.csv_writer import default_truth_path
from desktop.demo.service import DemoFiles, write_demo


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-31") from None


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo-data",
        help="write a synthetic claims CSV (no real patient data)",
        description="Write a synthetic claims CSV with known, injected changes, and a "
        "truth file that says what was injected. Entirely synthetic: no real patient data.",
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--seed", type=int, default=1, metavar="N")
    p.add_argument("--lines", type=int, default=100_000, metavar="N")
    p.add_argument("--months", type=int, default=12, metavar="N")
    p.add_argument(
        "--as-of", type=iso_date, default=None, metavar="DATE", help="last day of data (today)"
    )
    p.add_argument(
        "--truth",
        type=Path,
        default=None,
        metavar="FILE",
        help="where the truth JSON goes (default: FILE with the suffix .truth.json)",
    )
    p.add_argument(
        "--x12-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write the same claims as 837P submissions and 835 remittances into DIR",
    )
    p.add_argument("--stable", action="store_true", help="inject no change at all")
    p.add_argument(
        "--phi-canary",
        action="store_true",
        help="add obviously synthetic patient-identifier columns (to test the PHI guard)",
    )
    common.add_json_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    as_of: date = args.as_of or date.today()
    factory = DemoConfig.stable if args.stable else DemoConfig.default
    config = factory(args.seed, args.lines, args.months, as_of)
    config.validate()
    out: Path = args.out
    progress = None if args.json else common.StderrProgress("demo-data: lines written")
    written = write_demo(
        out,
        config,
        truth_path=args.truth or default_truth_path(out),
        x12_dir=args.x12_dir,
        phi_canary=args.phi_canary,
        progress=progress,
    )
    if args.json:
        common.emit_json(summary(written, config, phi_canary=args.phi_canary))
    else:
        common.emit_text(
            f"Wrote {written.lines:,} synthetic claim lines ({written.claims:,} claims, "
            f"{config.start} to {config.as_of}) to {written.csv}\n"
            f"Truth ({len(written.truth.changes)} injected changes): {written.truth_path}"
            + (f"\nX12: {len(written.x12_files):,} files in {args.x12_dir}" if args.x12_dir else "")
        )
    return 0


def summary(written: DemoFiles, config: DemoConfig, *, phi_canary: bool) -> dict[str, Any]:
    return {
        "out": str(written.csv),
        "truth": str(written.truth_path),
        "x12_files": [str(p) for p in written.x12_files],
        "seed": config.seed,
        "lines": written.lines,
        "claims": written.claims,
        "months": config.months,
        "start": config.start.isoformat(),
        "as_of": config.as_of.isoformat(),
        "payers": config.n_payers,
        "codes": config.n_codes,
        "stable": config.is_stable,
        "phi_canary": phi_canary,
        "unpaid_share_last_30_days": round(written.pending_share_recent, 4),
        "changes": [
            {
                "kind": str(c.change.kind),
                "payer": c.change.payer,
                "cpt": c.change.cpt,
                "start": c.change.start.isoformat(),
                "size": c.change.size,
                "new_reason": c.change.new_reason,
                "metric": c.metric,
            }
            for c in written.truth.changes
        ],
    }
