"""Pages over services that arrive with their own packages (alerts, reports, sync)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.ui.context import AppContext
from desktop.ui.pages.base import Page
from desktop.ui.pages.coming import NotAvailablePage


def alerts_pages(ctx: AppContext) -> list[Page]:
    """The alerts inbox and the rules editor."""
    from desktop.ui.pages.alerts import AlertsPage
    from desktop.ui.pages.rules import RulesPage

    return [AlertsPage(ctx), RulesPage(ctx)]


def report_pages(ctx: AppContext) -> list[Page]:
    """PDF and CSV reports."""
    from desktop.ui.pages.reports import ReportsPage

    return [ReportsPage(ctx)]


def sync_panel(ctx: AppContext) -> QWidget | None:
    """Enrolment, sync status and "sync now" inside Settings."""
    from desktop.ui.sync_panel import SyncPanel

    return SyncPanel(ctx)
