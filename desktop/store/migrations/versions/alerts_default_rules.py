"""alerts: default alert rules and suppression parameters for every store

Data only: four rules (denying more, paying less, denial reasons changed, paying
later) with ``source = 'default'``, and the suppression policy's parameters as the
``alerts.suppression`` setting. The values are frozen here: later versions that
change the defaults add a migration of their own.

Revision ID: alerts_default_rules
Revises: engines_dirty_marks
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "alerts_default_rules"
down_revision: str | None = "engines_dirty_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHIPPED_AT = "2026-11-28T00:00:00.000000Z"  # a fixed stamp: migrations read no clock
SETTING_KEY = "alerts.suppression"
PARAMETERS = {
    "cooldown_days": 7,
    "flapping_count": 3,
    "flapping_window_days": 14,
    "noise_hold_days": 30,
    "noise_regrow_percent": 50.0,
    "resolved_hold_days": 30,
}
RULES = (
    ("Denying more", ["denial_rate"], "low", 0.03, 0.0),
    ("Paying less", ["allowed_per_unit", "paid_to_allowed"], "low", 0.0, 250.0),
    ("Denial reasons changed", ["denial_reason_mix"], "low", 0.0, 0.0),
    ("Paying later", ["days_to_pay_median", "days_to_pay_p90"], "low", 3.0, 0.0),
)


def upgrade() -> None:
    bind = op.get_bind()
    for name, metrics, severity, effect, impact in RULES:
        taken = bind.execute(
            sa.text("SELECT 1 FROM alert_rule WHERE name = :name"), {"name": name}
        ).first()
        if taken is not None:
            continue  # a rule of the same name was set by a person or the server: keep it
        bind.execute(
            sa.text(
                "INSERT INTO alert_rule (name, metrics_json, min_severity, min_effect, "
                "min_monthly_impact, payer, cpt, enabled, source, updated_at) VALUES "
                "(:name, :metrics, :severity, :effect, :impact, NULL, NULL, 1, 'default', :at)"
            ),
            {
                "name": name,
                "metrics": json.dumps(metrics),
                "severity": severity,
                "effect": effect,
                "impact": impact,
                "at": SHIPPED_AT,
            },
        )
    bind.execute(
        sa.text("INSERT OR IGNORE INTO setting (key, value_json, updated_at) VALUES (:k, :v, :at)"),
        {"k": SETTING_KEY, "v": json.dumps(PARAMETERS, sort_keys=True), "at": SHIPPED_AT},
    )


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM alert_rule WHERE source = 'default'"))
    bind.execute(sa.text("DELETE FROM setting WHERE key = :k"), {"k": SETTING_KEY})
