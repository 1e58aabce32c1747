"""DriftWatch on hand-made offices: what must be found, what must stay silent."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.engines.drift import DriftFinding, run_drift
from desktop.engines.drift_config import DriftConfig
from desktop.engines.windows import AnalysisWindows
from tests.helpers.claims import ColumnsBuilder

AS_OF = 20_400
START = AS_OF - 350
LAST = AS_OF - 17  # served on this day, decided on as-of (3 days to submit, 14 to decide)
CHANGE = AS_OF - 60  # by date of service
WINDOWS = AnalysisWindows.standard(AS_OF)


def office(seed: int = 0) -> ColumnsBuilder:
    """Four payers with three busy codes each, nothing changing."""
    builder = ColumnsBuilder(seed)
    for p, payer in enumerate(("Acme Health", "Northwind Health Plan", "Kestrel", "Bluefen")):
        for c, cpt in enumerate(("99213", "99214", "85025")):
            builder.add(
                payer, cpt, 3000, served_from=START, served_to=LAST,
                denied_share=0.04 + 0.01 * c, allowed_cents=9000 + 1000 * p + 2000 * c,
                reason=("CO-97", "CO-16", "CO-50")[(p + c) % 3],
            )  # fmt: skip
    return builder


def keys(findings: tuple[DriftFinding, ...]) -> set[tuple[str, str | None, str]]:
    return {(f.payer, f.cpt, f.metric) for f in findings}


def test_a_stable_office_gives_no_finding() -> None:
    result = run_drift(office().build(), WINDOWS)
    assert result.findings == ()
    assert result.tests_run >= 12


def test_a_denial_jump_is_found_with_its_reason_and_start() -> None:
    builder = office().add(
        "Acme Health", "99213", 700, served_from=CHANGE, served_to=LAST, denied_share=0.30,
        reason="CO-197",
    )  # fmt: skip
    result = run_drift(builder.build(), WINDOWS)
    assert keys(result.findings) == {("Acme Health", "99213", "denial_rate")}
    finding = result.findings[0]
    assert finding.direction == "up" and finding.current > finding.baseline + 0.05
    assert finding.top_reasons[0].code == "CO-197"
    assert finding.change_date is not None and abs(finding.change_date - CHANGE) <= 7
    assert finding.q_value <= 0.05 and finding.revenue_impact > 0
    assert finding.severity in ("medium", "high")


def test_undecided_lines_do_not_dilute_a_denial_rate() -> None:
    builder = office().add(
        "Acme Health", "99213", 700, served_from=CHANGE, served_to=LAST, denied_share=0.30,
        reason="CO-197",
    )  # fmt: skip
    builder.add("Acme Health", "99213", 5000, served_from=AS_OF - 25, served_to=AS_OF,
                decided=False)  # fmt: skip
    result = run_drift(builder.build(), WINDOWS)
    assert keys(result.findings) == {("Acme Health", "99213", "denial_rate")}


def test_an_allowed_cut_is_found_and_one_outlier_is_not() -> None:
    builder = office()
    builder.add("Kestrel", "99214", 700, served_from=CHANGE, served_to=LAST,
                allowed_cents=int(13000 * 0.8))  # fmt: skip
    builder.add("Bluefen", "85025", 1, served_from=LAST, served_to=LAST,
                allowed_cents=10**10)  # a typo of a hundred million dollars  # fmt: skip
    result = run_drift(builder.build(), WINDOWS)
    assert keys(result.findings) == {("Kestrel", "99214", "allowed_per_unit")}
    cut = result.findings[0]
    assert cut.effect == pytest.approx(-0.2, abs=0.01)
    assert cut.baseline == pytest.approx(130.0)
    assert cut.revenue_impact > 0 and cut.change_date is not None


def test_a_payer_wide_cut_reads_as_one_finding_listing_its_codes() -> None:
    builder = office()
    for c, cpt in enumerate(("99213", "99214", "85025")):
        builder.add("Northwind Health Plan", cpt, 700, served_from=CHANGE, served_to=LAST,
                    allowed_cents=int((10000 + 2000 * c) * 0.85))  # fmt: skip
    result = run_drift(builder.build(), WINDOWS)
    assert keys(result.findings) == {("Northwind Health Plan", None, "allowed_per_unit")}
    codes = result.findings[0].evidence.cells
    assert len(codes) == 3


def test_a_shift_of_reasons_at_the_same_rate_is_a_reason_mix_finding() -> None:
    builder = ColumnsBuilder(3)
    builder.add("Acme Health", "99213", 6000, served_from=START, served_to=CHANGE - 1,
                denied_share=0.10, reason="CO-97")  # fmt: skip
    builder.add("Acme Health", "99213", 1500, served_from=CHANGE, served_to=LAST,
                denied_share=0.10, reason="CO-16")  # fmt: skip
    result = run_drift(builder.build(), WINDOWS)
    assert keys(result.findings) == {("Acme Health", "99213", "denial_reason_mix")}
    shift = result.findings[0].top_reasons
    assert {r.code for r in shift[:2]} == {"CO-16", "CO-97"}


def test_a_significant_but_trivial_change_is_not_a_finding() -> None:
    builder = ColumnsBuilder(4)
    builder.add("Acme Health", "99213", 40000, served_from=START, served_to=CHANGE - 1,
                allowed_cents=10000)  # fmt: skip
    builder.add(
        "Acme Health", "99213", 10000, served_from=CHANGE, served_to=LAST, allowed_cents=9800
    )  # a 2 % fee update: real, certain, and not worth a read
    assert run_drift(builder.build(), WINDOWS).findings == ()
    looser = DriftConfig(min_allowed_change=0.01)
    assert keys(run_drift(builder.build(), WINDOWS, looser).findings) == {
        ("Acme Health", "99213", "allowed_per_unit")
    }


def test_what_happened_after_as_of_is_unknown() -> None:
    builder = office().add(
        "Acme Health", "99213", 700, served_from=AS_OF - 10, served_to=AS_OF + 60,
        denied_share=0.5,
    )  # fmt: skip
    # Decided 17 days after service: nothing of these lines is known at as-of.
    assert run_drift(builder.build(), WINDOWS).findings == ()


def test_favourable_changes_are_tested_only_when_asked() -> None:
    builder = office().add(
        "Acme Health", "99214", 700, served_from=CHANGE, served_to=LAST,
        allowed_cents=int(11000 * 1.3),
    )  # fmt: skip
    assert run_drift(builder.build(), WINDOWS).findings == ()
    both = run_drift(builder.build(), WINDOWS, DriftConfig(adverse_only=False))
    assert keys(both.findings) == {("Acme Health", "99214", "allowed_per_unit")}
    assert both.findings[0].direction == "up" and both.findings[0].revenue_impact < 0


def test_an_empty_batch_runs() -> None:
    empty = ColumnsBuilder().add("Acme Health", "99213", 1, served_from=0, served_to=0).build()
    result = run_drift(empty.take(np.zeros(1, np.bool_)), WINDOWS)
    assert result.findings == () and result.tests_run == 0
