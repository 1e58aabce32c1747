"""``write_demo_x12``: the demo claims as 837P submissions and 835 remittances.

837P: one file per submission day with every claim submitted that day. 835: one file
per payer and payment day with every claim the payer decided by ``as_of``; claims
still pending at ``as_of`` appear only in an 837. Control numbers run over all files
in the order written, so every interchange in a folder is unique.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from desktop.demo.dataset import DemoDataset, from_day, to_day
from desktop.demo.x12_835 import remittance_835
from desktop.demo.x12_837 import claims_837
from desktop.demo.x12_view import X12View
from desktop.output import write_text

Progress = Callable[[int, int], None]


def write_demo_x12(
    folder: Path, dataset: DemoDataset, *, progress: Progress | None = None
) -> list[Path]:
    """Write the 837P and 835 files of ``dataset`` into ``folder``; returns their paths."""
    view = X12View.of(dataset)
    claims = dataset.claims
    written: list[Path] = []
    control = 0
    submitted = claims.submitted
    days = np.unique(submitted)
    bounds = np.searchsorted(submitted, np.append(days, days[-1] + 1) if len(days) else days)
    decided = np.flatnonzero(claims.remittance <= to_day(dataset.config.as_of))
    order = decided[np.lexsort((decided, claims.payer[decided], claims.remittance[decided]))]
    remittances = _group(order, claims.remittance[order], claims.payer[order])
    total = len(days) + len(remittances)

    for index, day in enumerate(days.tolist()):
        control += 1
        date = from_day(day)
        content = claims_837(view, int(bounds[index]), int(bounds[index + 1]), date, control)
        written.append(
            write_text(folder / f"837P_{date.isoformat()}.x12", content, encoding="ascii")
        )
        if progress is not None:
            progress(len(written), total)
    for (day, payer), members in remittances:
        control += 1
        date = from_day(day)
        content = remittance_835(view, payer, date, members, control)
        name = f"835_{dataset.payers[payer].x12_id}_{date.isoformat()}.x12"
        written.append(write_text(folder / name, content, encoding="ascii"))
        if progress is not None:
            progress(len(written), total)
    return written


def _group(
    claims: npt.NDArray[np.intp], day: npt.NDArray[np.int32], payer: npt.NDArray[np.int32]
) -> list[tuple[tuple[int, int], list[int]]]:
    """Claims (already sorted by day, payer) grouped by (day, payer)."""
    groups: list[tuple[tuple[int, int], list[int]]] = []
    for claim, d, p in zip(claims.tolist(), day.tolist(), payer.tolist(), strict=True):
        if groups and groups[-1][0] == (d, p):
            groups[-1][1].append(claim)
        else:
            groups.append(((d, p), [claim]))
    return groups
