"""Which aggregate cells may leave the device: small-cell and complementary suppression.

Cells of 1-10 lines are never sent (primary suppression). Within one week and payer
the payer-wide cell is the sum of its code cells plus the lines whose code cannot be
sent, so a sent payer-wide cell minus the sent code cells gives the total of the
cells held back (the *residual*). That residual must never be one cell, nor a group
counting 1-10 lines: whenever it would be, the smallest sendable code cells are held
back too (complementary suppression) until the residual covers at least two cells and
more than ten lines, and when no cell is left to add, the payer-wide cell is held
back instead. Sums over several weeks or payers are never sent, so no other
subtraction exists.

The lines whose code cannot go on the wire count as one held-back cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desktop.sync.cells import Cell, WeekCells
from shared.models.aggregates import SMALL_CELL_MAX_LINES

Reason = Literal["small", "complementary"]


@dataclass(frozen=True)
class HeldBack:
    cell: Cell
    reason: Reason


@dataclass(frozen=True)
class Decision:
    """The cells to send and those held back (with why)."""

    send: tuple[Cell, ...]
    held: tuple[HeldBack, ...]

    def count(self, reason: Reason) -> int:
        return sum(1 for h in self.held if h.reason == reason)


def is_small(lines: int) -> bool:
    return 1 <= lines <= SMALL_CELL_MAX_LINES


def safe_residual(cells: int, lines: int) -> bool:
    """Whether a residual of ``cells`` cells and ``lines`` lines reveals nothing alone."""
    return cells == 0 or (cells >= 2 and lines > SMALL_CELL_MAX_LINES)


def decide_week(week: WeekCells) -> Decision:
    """The cells of one week and payer to send, with complementary suppression applied."""
    wide = week.payer_wide
    if wide.lines <= SMALL_CELL_MAX_LINES:
        # Every code cell is at most as large as the payer-wide one: all are small.
        held = [HeldBack(wide, "small")] + [HeldBack(c, "small") for c in week.codes]
        return Decision((), tuple(held))
    held_cells = [HeldBack(c, "small") for c in week.codes if is_small(c.lines)]
    sendable = sorted(
        (c for c in week.codes if not is_small(c.lines)), key=lambda c: (c.lines, str(c.cpt))
    )
    residual_cells = len(held_cells) + (1 if week.unsendable_lines else 0)
    residual_lines = sum(h.cell.lines for h in held_cells) + week.unsendable_lines
    while not safe_residual(residual_cells, residual_lines) and sendable:
        extra = sendable.pop(0)
        held_cells.append(HeldBack(extra, "complementary"))
        residual_cells += 1
        residual_lines += extra.lines
    if safe_residual(residual_cells, residual_lines):
        return Decision((wide, *sendable), tuple(held_cells))
    # Nothing left to hide the residual behind: keep the total back instead. The code
    # cells held back so far go out again, since no sent total now covers them.
    back = [h for h in held_cells if h.reason == "small"]
    out = sorted((*sendable, *(h.cell for h in held_cells if h.reason != "small")), key=_order)
    return Decision(tuple(out), (HeldBack(wide, "complementary"), *back))


def decide(weeks: list[WeekCells]) -> Decision:
    send: list[Cell] = []
    held: list[HeldBack] = []
    for week in weeks:
        decision = decide_week(week)
        send.extend(decision.send)
        held.extend(decision.held)
    return Decision(tuple(send), tuple(held))


def _order(cell: Cell) -> str:
    return str(cell.cpt)
