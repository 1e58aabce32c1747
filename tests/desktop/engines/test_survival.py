from __future__ import annotations

import numpy as np
import pytest

from desktop.engines.survival import km_curve, percentile


def test_kaplan_meier_median_by_hand() -> None:
    # Paid after 1, 2, 2, 3, 5 days; one claim unpaid at 4 days (censored).
    # S(1) = 5/6; S(2) = 5/6 * (1 - 2/5) = 1/2: half are paid by day 2.
    # S(3) = 1/2 * (1 - 1/3) = 1/3; the censored claim leaves; S(5) = 0.
    days = np.array([1, 2, 2, 3, 5, 4], dtype=np.float64)
    paid = np.array([True, True, True, True, True, False])
    curve = km_curve(days, paid, None, horizon=6)
    assert curve.unpaid[:6].tolist() == pytest.approx([1, 5 / 6, 1 / 2, 1 / 3, 1 / 3, 0])
    median = percentile(curve, 0.5, follow_up=5)
    assert median is not None and median.days == 2 and median.reached


def test_a_median_beyond_the_follow_up_is_a_lower_bound() -> None:
    days = np.array([1, 10, 10, 10], dtype=np.float64)
    paid = np.array([True, False, False, False])
    curve = km_curve(days, paid, None, horizon=30)
    median = percentile(curve, 0.5, follow_up=10)
    assert median is not None and not median.reached and median.days == 10


def test_per_weekday_curves_are_averaged_by_weight() -> None:
    days = np.array([1, 1, 3, 3], dtype=np.float64)
    paid = np.ones(4, np.bool_)
    weekday = np.array([0, 0, 1, 1], dtype=np.int64)
    curve = km_curve(days, paid, weekday, horizon=4)
    assert curve.unpaid[:4].tolist() == pytest.approx([1, 0.5, 0.5, 0])
