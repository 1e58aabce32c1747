"""Merging the payer-wide cells of a tenant's devices into one row per payer and week.

Each device's newest payer-wide cell (``cpt`` null) per week and payer counts once.
Denial rate is total denied lines over total lines. Days-to-pay quantiles cannot be
merged exactly from per-device quantiles; the overview shows their line-weighted
mean, which is exact when one device reports and close when devices are alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from sync_server.admin.schemas import OverviewRow, TenantOverview
from sync_server.sync.models import Aggregate
from sync_server.sync.repository import AggregateRepository


def _weighted(cells: Sequence[Aggregate], attribute: str) -> float | None:
    pairs: list[tuple[float, int]] = [
        (float(getattr(c, attribute)), c.lines) for c in cells if getattr(c, attribute) is not None
    ]
    weight = sum(lines for _, lines in pairs)
    if not weight:
        return None
    return round(sum(value * lines for value, lines in pairs) / weight, 2)


def tenant_overview(session: Session, tenant_id: str) -> TenantOverview:
    groups: dict[tuple[str, str], list[Aggregate]] = defaultdict(list)
    for cell in AggregateRepository(session).latest_payer_wide(tenant_id):
        groups[(cell.week, cell.payer)].append(cell)
    rows = []
    for (week, payer), cells in sorted(groups.items()):
        lines = sum(c.lines for c in cells)
        denied = sum(c.denied_lines for c in cells)
        rows.append(
            OverviewRow(
                week=week,
                payer=payer,
                devices=len({c.device_id for c in cells}),
                lines=lines,
                denied_lines=denied,
                denial_rate=round(denied / lines, 4) if lines else 0.0,
                days_to_pay_p50=_weighted(cells, "days_to_pay_p50"),
                days_to_pay_p90=_weighted(cells, "days_to_pay_p90"),
            )
        )
    return TenantOverview(tenant_id=tenant_id, rows=rows)
