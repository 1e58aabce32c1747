"""DelayGuard: censored days to pay, slowdowns, open A/R and timely filing."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.engines.columns import MISSING, NO_REASON, ClaimColumns
from desktop.engines.delay import MEDIAN, run_delay
from desktop.engines.delay_config import DelayConfig
from desktop.engines.receivables import bucket_labels, open_ar_aging, timely_filing
from desktop.engines.windows import AnalysisWindows
from desktop.errors import InvalidInput

AS_OF = 20_400
WINDOWS = AnalysisWindows.standard(AS_OF)


def payer_lines(
    n_per_day: int, median_lag: float, *, slower_from: int | None = None, extra: float = 0.0,
    seed: int = 0,
) -> ClaimColumns:  # fmt: skip
    """One payer, one claim a line, lognormal days to pay; unpaid lines are pending."""
    rng = np.random.default_rng(seed)
    sent = np.repeat(np.arange(AS_OF - 300, AS_OF + 1), n_per_day).astype(np.int32)
    median = np.full(len(sent), median_lag)
    if slower_from is not None:
        median[sent >= slower_from] += extra
    lag = np.ceil(median * np.exp(rng.normal(0, 0.4, len(sent)))).astype(np.int32)
    paid_on = sent + lag
    paid = paid_on <= AS_OF
    n = len(sent)
    return ClaimColumns(
        payer=np.zeros(n, np.int32),
        cpt=np.zeros(n, np.int32),
        date_of_service=sent - 2,
        submitted_date=sent,
        decision_date=np.where(paid, paid_on, MISSING).astype(np.int32),
        paid_date=np.where(paid, paid_on, MISSING).astype(np.int32),
        billed_cents=np.full(n, 20_000, np.int64),
        allowed_cents=np.where(paid, 10_000, MISSING).astype(np.int64),
        paid_cents=np.where(paid, 8_000, MISSING).astype(np.int64),
        units=np.ones(n),
        status=np.where(paid, 1, 0).astype(np.int8),
        denial_reason=np.full(n, NO_REASON, np.int32),
        payer_names=("Acme Health",),
        cpt_codes=("99213",),
        claim=np.arange(n, dtype=np.int64),
    )


def test_censored_median_is_right_where_paid_only_is_not() -> None:
    cols = payer_lines(40, 20.0)
    result = run_delay(cols, WINDOWS)
    assert result.findings == ()
    current = result.tests[0].current
    assert current.censored / current.lines > 0.3  # a third of recent claims still unpaid
    assert current.median is not None and current.median.reached
    assert abs(current.median.days - 20) <= 1
    assert current.naive_median is not None and current.naive_median <= 16


def test_a_slowdown_is_found_before_half_the_claims_are_paid() -> None:
    cols = payer_lines(40, 20.0, slower_from=AS_OF - 29, extra=12.0)
    result = run_delay(cols, WINDOWS)
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.metric == MEDIAN and finding.payer == "Acme Health"
    assert finding.baseline == pytest.approx(20, abs=1)
    assert not finding.current_reached and finding.current >= 25  # "more than N days"
    assert finding.shift_days >= 4 and finding.shift_at_share < 0.5
    assert finding.cash_delayed > 0
    assert finding.censored_current > finding.n_current // 2


def test_lines_of_one_claim_are_one_payment() -> None:
    one = payer_lines(20, 20.0, seed=5)
    doubled = ClaimColumns(
        **{
            name: np.concatenate([getattr(one, name)] * 2)
            for name in (
                "payer",
                "cpt",
                "date_of_service",
                "submitted_date",
                "decision_date",
                "paid_date",
                "billed_cents",
                "allowed_cents",
                "paid_cents",
                "units",
                "status",
                "denial_reason",
                "claim",
            )
        },  # fmt: skip
        payer_names=one.payer_names,
        cpt_codes=one.cpt_codes,
    )
    single = run_delay(one, WINDOWS).tests[0]
    twice = run_delay(doubled, WINDOWS).tests[0]
    assert twice.current.lines == single.current.lines
    assert twice.outcome.p_value == pytest.approx(single.outcome.p_value)
    assert twice.cash_delayed == pytest.approx(2 * single.cash_delayed)


def test_open_ar_by_age_by_hand() -> None:
    # Four pending lines sent 0, 31, 95 and 200 days before as-of, billed $100 each.
    sent = np.array([AS_OF, AS_OF - 31, AS_OF - 95, AS_OF - 200], np.int32)
    n = len(sent)
    cols = ClaimColumns(
        payer=np.zeros(n, np.int32), cpt=np.zeros(n, np.int32),
        date_of_service=sent - 1, submitted_date=sent,
        decision_date=np.full(n, MISSING, np.int32), paid_date=np.full(n, MISSING, np.int32),
        billed_cents=np.full(n, 10_000, np.int64), allowed_cents=np.full(n, MISSING, np.int64),
        paid_cents=np.full(n, MISSING, np.int64), units=np.ones(n),
        status=np.zeros(n, np.int8), denial_reason=np.full(n, NO_REASON, np.int32),
        payer_names=("Acme Health",), cpt_codes=("99213",),
    )  # fmt: skip
    (row,) = open_ar_aging(cols, AS_OF, DelayConfig())
    assert [b.label for b in row.buckets] == ["0-30", "31-60", "61-90", "91-120", "120+"]
    assert [b.lines for b in row.buckets] == [1, 1, 0, 1, 1]
    assert row.billed == 400.0
    narrow = open_ar_aging(cols, AS_OF, DelayConfig(aging_edges=(7, 100)))[0]
    assert [b.lines for b in narrow.buckets] == [1, 2, 1]
    assert bucket_labels((7, 100)) == ("0-7", "8-100", "100+")
    with pytest.raises(InvalidInput, match="increasing"):
        DelayConfig(aging_edges=(60, 30))


def test_claims_nearing_their_filing_limit_by_hand() -> None:
    # Denied lines served 80 and 100 days ago, and one undecided for 60 days.
    served = np.array([AS_OF - 80, AS_OF - 100, AS_OF - 63], np.int32)
    n = len(served)
    cols = ClaimColumns(
        payer=np.zeros(n, np.int32), cpt=np.zeros(n, np.int32),
        date_of_service=served, submitted_date=served + 3,
        decision_date=np.array([AS_OF - 50, AS_OF - 70, MISSING], np.int32),
        paid_date=np.full(n, MISSING, np.int32), billed_cents=np.full(n, 5_000, np.int64),
        allowed_cents=np.full(n, MISSING, np.int64), paid_cents=np.full(n, MISSING, np.int64),
        units=np.ones(n), status=np.array([2, 2, 0], np.int8),
        denial_reason=np.array([0, 0, NO_REASON], np.int32),
        payer_names=("Acme Health",), cpt_codes=("99213",), reason_codes=("CO-16",),
    )  # fmt: skip
    (risk,) = timely_filing(cols, AS_OF, DelayConfig())  # 90 days from service
    assert (risk.due_soon_lines, risk.past_lines) == (1, 1)  # 10 days left; 10 days late
    assert risk.due_soon_billed == 50.0
    generous = DelayConfig(timely_filing_by_payer={"Acme Health": 365})
    assert timely_filing(cols, AS_OF, generous) == ()
    tight = DelayConfig(timely_filing_days=70, timely_filing_warn_days=10)
    (risk,) = timely_filing(cols, AS_OF, tight)
    assert (risk.due_soon_lines, risk.past_lines) == (1, 2)  # the stale one: 7 days left
