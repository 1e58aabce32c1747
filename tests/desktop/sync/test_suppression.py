"""Small-cell and complementary suppression: no sent total gives a held-back cell away."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.sync.cells import Cell, WeekCells
from desktop.sync.suppression import decide_week
from shared.models.aggregates import SMALL_CELL_MAX_LINES


def cell(cpt: str | None, lines: int) -> Cell:
    return Cell(
        "2026-W10", "Acme Health", cpt, lines, lines // 5, lines * 100.0, 80.0, 60.0, 20.0, 30.0
    )


def week_of(code_lines: list[int], unsendable: int) -> WeekCells:
    codes = tuple(cell(f"{99200 + i}", n) for i, n in enumerate(code_lines))
    return WeekCells(cell(None, sum(code_lines) + unsendable), codes, unsendable)


@settings(max_examples=600, deadline=None)
@given(
    code_lines=st.lists(st.one_of(st.integers(1, 12), st.integers(1, 400)), min_size=0, max_size=9),
    unsendable=st.one_of(st.just(0), st.integers(1, 30)),
)
def test_no_sent_total_recovers_a_held_back_cell(code_lines: list[int], unsendable: int) -> None:
    if not code_lines and not unsendable:
        return
    week = week_of(code_lines, unsendable)
    decision = decide_week(week)
    sent = {c.key for c in decision.send}
    # Every cell is either sent or held back with a reason; no small cell is ever sent.
    assert len(sent) + len(decision.held) == len(week.codes) + 1
    assert all(c.lines > SMALL_CELL_MAX_LINES for c in decision.send)
    assert all(h.reason == "complementary" for h in decision.held if h.cell.lines > 10)
    if week.payer_wide.key not in sent:
        return
    # The one subtraction there is: the payer-wide total minus the sent code cells.
    unsent_codes = [c for c in week.codes if c.key not in sent]
    residual_cells = len(unsent_codes) + (1 if unsendable else 0)
    residual_lines = week.payer_wide.lines - sum(c.lines for c in week.codes if c.key in sent)
    assert residual_lines == sum(c.lines for c in unsent_codes) + unsendable
    assert residual_cells == 0 or (residual_cells >= 2 and residual_lines > SMALL_CELL_MAX_LINES)
    # So the residual never equals one held-back cell alone.
    if residual_cells:
        assert all(residual_lines != c.lines or residual_cells > 1 for c in unsent_codes)


def test_a_lone_small_cell_takes_the_smallest_other_cell_with_it() -> None:
    decision = decide_week(week_of([4, 30, 50, 200], 0))
    held = {h.cell.cpt: h.reason for h in decision.held}
    assert held == {"99200": "small", "99201": "complementary"}
    assert {c.cpt for c in decision.send} == {None, "99202", "99203"}


def test_the_complement_may_be_every_code_cell() -> None:
    decision = decide_week(week_of([5, 40], 0))
    held = {h.cell.cpt: h.reason for h in decision.held}
    assert held == {"99200": "small", "99201": "complementary"}
    assert [c.cpt for c in decision.send] == [None]


def test_when_nothing_can_hide_the_residual_the_total_stays_home() -> None:
    # Only lines whose code cannot be sent: the total would be that one cell.
    decision = decide_week(week_of([], 25))
    assert decision.send == ()
    assert [(h.cell.cpt, h.reason) for h in decision.held] == [(None, "complementary")]


def test_a_small_payer_week_sends_nothing() -> None:
    decision = decide_week(week_of([3, 4], 2))
    assert decision.send == ()
