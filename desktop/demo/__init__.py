"""Synthetic claims with known, injected changes: the demo office and the benchmarks' truth.

No Qt and no SQL here: the generator produces numpy columns (``generate``), and the
writers turn them into a claims CSV (``write_demo_csv``) or X12 files.
"""

from desktop.demo.config import ChangeKind, DemoConfig, InjectedChange, InvalidDemoConfig
from desktop.demo.csv_writer import CSV_COLUMNS, default_truth_path, write_demo_csv
from desktop.demo.dataset import DemoDataset
from desktop.demo.generate import generate
from desktop.demo.phi_canary import PHI_CANARY_COLUMNS, PHI_CANARY_MARKER
from desktop.demo.truth import ChangeTruth, DaysToPay, DemoTruth

__all__ = [
    "CSV_COLUMNS",
    "PHI_CANARY_COLUMNS",
    "PHI_CANARY_MARKER",
    "ChangeKind",
    "ChangeTruth",
    "DaysToPay",
    "DemoConfig",
    "DemoDataset",
    "DemoTruth",
    "InjectedChange",
    "InvalidDemoConfig",
    "default_truth_path",
    "generate",
    "write_demo_csv",
]
