"""Synthetic claims with known, injected changes: the demo office and the benchmarks' truth.

No Qt and no SQL here: the generator produces numpy columns (``generate``), and the
writers turn them into a claims CSV (``write_demo_csv``) or X12 files.
"""

from desktop.demo.config import (
    ChangeKind,
    DateBasis,
    DemoConfig,
    InjectedChange,
    InvalidDemoConfig,
    RealismKnobs,
)
from desktop.demo.csv_rows import CSV_COLUMNS
from desktop.demo.csv_writer import default_truth_path, write_demo_csv
from desktop.demo.dataset import DemoDataset
from desktop.demo.generate import generate
from desktop.demo.phi_canary import PHI_CANARY_COLUMNS, PHI_CANARY_MARKER
from desktop.demo.scenarios import random_changes, random_scenario
from desktop.demo.truth import ChangeTruth, DaysToPay, DemoTruth
from desktop.demo.x12_writer import write_demo_x12

__all__ = [
    "CSV_COLUMNS",
    "PHI_CANARY_COLUMNS",
    "PHI_CANARY_MARKER",
    "ChangeKind",
    "ChangeTruth",
    "DateBasis",
    "DaysToPay",
    "DemoConfig",
    "DemoDataset",
    "DemoTruth",
    "InjectedChange",
    "InvalidDemoConfig",
    "RealismKnobs",
    "default_truth_path",
    "generate",
    "random_changes",
    "random_scenario",
    "write_demo_csv",
    "write_demo_x12",
]
