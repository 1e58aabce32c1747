from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from desktop.engines.columns import MISSING
from desktop.engines.windows import AnalysisWindows, Outcomes, from_day, to_day
from tests.helpers.claims import ColumnsBuilder


def test_default_windows_leave_a_gap_of_the_current_length() -> None:
    w = AnalysisWindows.standard(to_day(date(2026, 10, 31)))
    assert w.current.as_dict() == {"start": "2026-10-02", "end": "2026-10-31"}
    # The 30 days before the current window are the gap; the baseline is the 90 before.
    assert w.baseline.as_dict() == {"start": "2026-06-04", "end": "2026-09-01"}
    assert w.baseline.days == 90 and w.current.days == 30
    assert from_day(w.current.start) - from_day(w.baseline.end) == date(2026, 10, 2) - date(
        2026, 9, 1
    )
    with pytest.raises(ValueError, match="at least 7"):
        AnalysisWindows.standard(0, current_days=3)


def test_outcomes_are_what_was_known_at_as_of() -> None:
    cols = (
        ColumnsBuilder()
        .add("P", "99213", 4, served_from=100, served_to=100, denied_share=0.5, lag=10)
        .build()
    )
    decided_on = int(cols.decision_date[0])
    before = Outcomes.at(cols, decided_on - 1)
    assert not before.decided.any() and not before.denied.any() and not before.paid.any()
    after = Outcomes.at(cols, decided_on)
    assert after.decided.all() and after.denied.sum() == 2 and after.paid.sum() == 2
    assert (cols.paid_date[after.denied] == MISSING).all()
    assert not np.any(after.denied & after.paid)
