from __future__ import annotations

import numpy as np

from desktop.engines.changepoint import rank_change_point, weekly_series


def step(n_before: int, n_after: int, before: float, after: float, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    days = np.concatenate([np.arange(n_before) // 4, 1000 + np.arange(n_after) // 4])
    values = np.concatenate([rng.normal(before, 1, n_before), rng.normal(after, 1, n_after)])
    return days.astype(np.int32), values


def test_the_first_day_after_a_clear_step_is_the_change() -> None:
    days, values = step(400, 200, 10.0, 14.0)
    point = rank_change_point(days, values, "up")
    assert point is not None
    assert point.day == 1000
    assert point.n_before == 400 and point.n_after == 200
    assert point.p_value < 1e-15


def test_order_of_lines_does_not_matter() -> None:
    days, values = step(300, 100, 5.0, 3.0, seed=2)
    shuffled = np.random.default_rng(3).permutation(len(days))
    a = rank_change_point(days, values, "down")
    b = rank_change_point(days[shuffled], values[shuffled], "down")
    assert a is not None and b is not None and a.day == b.day


def test_one_huge_outlier_does_not_move_the_estimate() -> None:
    days, values = step(400, 200, 10.0, 14.0, seed=4)
    values[20] = 1e12  # early, where it would pull a mean-based CUSUM
    point = rank_change_point(days, values, "up")
    assert point is not None and point.day == 1000


def test_binary_series_reduce_to_a_cusum_of_counts() -> None:
    days = np.arange(300, dtype=np.int32)
    denied = (np.arange(300) >= 200).astype(np.float64)  # every line denied from day 200
    point = rank_change_point(days, denied, "up")
    assert point is not None and point.day == 200


def test_too_few_lines_give_no_estimate() -> None:
    assert rank_change_point(np.arange(10, dtype=np.int32), np.ones(10)) is None


def test_weekly_series_end_on_the_last_day() -> None:
    days = np.array([0, 1, 7, 8, 13], dtype=np.int32)
    values = np.array([1.0, 3.0, 10.0, 20.0, 30.0])
    series = weekly_series(days, values, first_day=0, last_day=13, statistic="mean")
    assert series.week_start == (0, 7)
    assert series.n == (2, 3)
    assert series.value == (2.0, 20.0)
    medians = weekly_series(days, values, first_day=0, last_day=13, statistic="median")
    assert medians.value == (2.0, 20.0)
    empty = weekly_series(days, values, first_day=-14, last_day=13)
    assert empty.value[0] is None and empty.n[0] == 0
