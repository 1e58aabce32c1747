"""Errors of the alert services (the CLI maps InvalidInput to exit 4)."""

from __future__ import annotations

from desktop.errors import InvalidInput


class AlertNotFound(InvalidInput):
    """No alert has this id in this store."""

    def __init__(self, alert_id: str) -> None:
        super().__init__(
            f"there is no alert {alert_id!r} in this store; `upstream alerts` lists them"
        )
        self.alert_id = alert_id
