"""Known answers, computed by hand, for every statistic the engines report."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from desktop.engines.fdr import two_pass_fdr, weighted_q_values
from desktop.engines.stats import (
    OTHER,
    benjamini_hochberg,
    category_shift,
    location_shift,
    proportion_against,
    two_proportions,
)


def test_two_proportions_chi_square_by_hand() -> None:
    # Current 30 of 100 denied, baseline 15 of 100. Pearson's chi-square of a 2x2
    # table is N (ad - bc)^2 / (r1 r2 c1 c2) = 200 * 1500^2 / (100*100*45*155).
    chi2 = 200 * (30 * 85 - 70 * 15) ** 2 / (100 * 100 * 45 * 155)
    assert chi2 == pytest.approx(6.45161, rel=1e-5)
    one_sided = math.erfc(math.sqrt(chi2 / 2)) / 2  # the upper tail of |z| = sqrt(chi2)
    outcome = two_proportions(15, 100, 30, 100, "greater")
    assert outcome.method == "chi2_contingency"
    assert outcome.statistic == pytest.approx(chi2)
    assert outcome.p_value == pytest.approx(one_sided, rel=1e-9)
    assert two_proportions(15, 100, 30, 100, "less").p_value == pytest.approx(1 - one_sided)
    assert two_proportions(15, 100, 30, 100).p_value == pytest.approx(2 * one_sided)


def test_small_counts_use_fishers_exact_test() -> None:
    # Current 3 of 4 denied, baseline 0 of 4: P(X >= 3) for the hypergeometric with
    # 3 denials among 8 lines, 4 drawn = C(3,3) C(5,1) / C(8,4) = 5/70.
    outcome = two_proportions(0, 4, 3, 4, "greater")
    assert outcome.method == "fisher_exact"
    assert outcome.p_value == pytest.approx(5 / 70)


def test_binomial_test_against_an_expected_share() -> None:
    by_hand = sum(math.comb(10, k) * 0.2**k * 0.8 ** (10 - k) for k in range(5, 11))
    outcome = proportion_against(5, 10, 0.2, "greater")
    assert outcome.p_value == pytest.approx(by_hand)
    assert by_hand == pytest.approx(0.032793, rel=1e-4)


def test_mann_whitney_by_hand() -> None:
    # Every current amount is below every baseline one: U = 0. Normal approximation
    # with continuity: mean 4.5, sd sqrt(3*3*7/12), z = (0 - 4.5 + 0.5) / sd.
    outcome = location_shift(np.array([4.0, 5.0, 6.0]), np.array([1.0, 2.0, 3.0]), "less")
    z = (0 - 4.5 + 0.5) / math.sqrt(3 * 3 * 7 / 12)
    assert outcome.statistic == 0.0
    assert outcome.p_value == pytest.approx(math.erfc(-z / math.sqrt(2)) / 2, rel=1e-9)


def test_one_outlier_weighs_one_rank() -> None:
    rng = np.random.default_rng(1)
    baseline = rng.normal(100, 1, 200)
    current = rng.normal(100, 1, 60)
    with_outlier = current.copy()
    with_outlier[0] = 1e9  # a typo of a million dollars
    calm = location_shift(baseline, current).p_value
    upset = location_shift(baseline, with_outlier).p_value
    assert abs(calm - upset) < 0.2 and upset > 0.01


def test_rare_categories_are_pooled_before_the_chi_square() -> None:
    codes = ["CO-97", "CO-16", "CO-4", "CO-11"]
    shift = category_shift(codes, [50, 40, 4, 3], [10, 60, 3, 4])
    assert shift is not None
    assert shift.labels == ("CO-97", "CO-16", OTHER)
    assert shift.baseline == (50, 40, 7) and shift.current == (10, 60, 7)
    table = np.array([[10, 60, 7], [50, 40, 7]])
    expected = scipy_stats.chi2_contingency(table, correction=False)
    assert shift.outcome.p_value == pytest.approx(expected.pvalue)
    # Too few rare ones to stand alone: they join the smallest category.
    small = category_shift(codes, [50, 40, 2, 1], [10, 60, 1, 2])
    assert small is not None and small.labels == ("CO-97+other", "CO-16")
    assert small.baseline == (53, 40) and small.current == (13, 60)
    assert category_shift(["CO-97"], [10], [12]) is None  # nothing to compare


def test_benjamini_hochberg_by_hand() -> None:
    # p * m / rank: 0.04, 0.04, 0.04, 0.5 (already monotone).
    q = benjamini_hochberg([0.01, 0.02, 0.03, 0.5])
    assert q.tolist() == pytest.approx([0.04, 0.04, 0.04, 0.5])


def test_weights_average_one_and_move_the_budget() -> None:
    # Weights 3 and 1 scale to 1.5 and 0.5; BH then runs on p / w.
    q = weighted_q_values([0.03, 0.03], [3.0, 1.0])
    assert q == pytest.approx([0.04, 0.06])
    with pytest.raises(ValueError, match="positive"):
        weighted_q_values([0.1], [0.0])


def test_the_second_pass_drops_absorbed_tests_from_the_family() -> None:
    seen: list[list[float]] = []

    def absorb(first: list[float]) -> set[int]:
        seen.append(list(first))
        return {1, 2}

    q = two_pass_fdr([0.001, 0.002, 0.003, 0.04], absorb)  # type: ignore[arg-type]
    assert seen[0] == pytest.approx([0.004, 0.004, 0.004, 0.04])
    assert q[1] is None and q[2] is None
    assert q[0] == pytest.approx(0.002) and q[3] == pytest.approx(0.04)


def test_fishers_combination_by_hand() -> None:
    # -2 (ln 0.01 + ln 0.02) on 4 degrees of freedom: exp(-x/2) (1 + x/2).
    x = -2 * (math.log(0.01) + math.log(0.02))
    by_hand = math.exp(-x / 2) * (1 + x / 2)
    combined = scipy_stats.combine_pvalues([0.01, 0.02], method="fisher")
    assert combined.pvalue == pytest.approx(by_hand)
