"""The alert rules editor on a real store: add, edit, switch off, remove, and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.alerts.rules import RuleInfo, list_rules
from desktop.store import Store, open_store
from desktop.ui.context import AppContext, AppOptions, StoreEvents
from desktop.ui.pages.rules import RulesPage
from desktop.ui.tasks import TaskRunner
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def page(qtbot: QtBot, store_path: Path, ui_options: AppOptions) -> Iterator[RulesPage]:
    with open_store(store_path, PASSPHRASE) as store:
        rules = RulesPage(AppContext(store, TaskRunner(), StoreEvents(), ui_options))
        qtbot.addWidget(rules)
        rules.show()
        rules.refresh()
        settle(qtbot, rules)
        yield rules
        dispose(rules)


def dispose(page: RulesPage) -> None:
    """Stop the page's worker and delete the page while its store is still open."""
    page.ctx.runner.shutdown()
    page.close()
    page.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def settle(qtbot: QtBot, page: RulesPage) -> None:
    for _ in range(2):  # a write's result queues the reload
        qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=30_000)
        QApplication.processEvents()


def stored(store: Store) -> dict[str, RuleInfo]:
    with store.read() as session:
        return {rule.spec.name: rule for rule in list_rules(session)}


def choose(page: RulesPage, name: str) -> None:
    proxy = page.table.model()
    names = [proxy.index(r, 1).data() for r in range(proxy.rowCount())]
    page.table.setCurrentIndex(proxy.index(names.index(name), 0))


def click(qtbot: QtBot, page: RulesPage, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    settle(qtbot, page)


def test_rules_are_added_edited_switched_off_and_removed(qtbot: QtBot, page: RulesPage) -> None:
    store = page.ctx.store
    defaults = stored(store)
    assert defaults and len(page.model.rows) == len(defaults)

    click(qtbot, page, page.clear_button)  # the form may hold the first rule
    qtbot.keyClicks(page.name, "Acme denials, any size")
    page.metrics["denial_rate"].setChecked(True)
    page.metrics["denial_reason_mix"].setChecked(True)
    page.severity.setCurrentText("medium")
    page.min_effect.setValue(0.02)
    page.min_impact.setValue(250.0)
    qtbot.keyClicks(page.payer, "Acme Health")
    qtbot.keyClicks(page.cpt, "99213")
    click(qtbot, page, page.add_button)
    added = stored(store)["Acme denials, any size"]
    assert added.source == "user" and added.spec.enabled
    assert added.spec.metrics == ("denial_rate", "denial_reason_mix")
    assert (added.spec.min_severity, added.spec.min_effect) == ("medium", 0.02)
    assert (added.spec.min_monthly_impact, added.spec.payer, added.spec.cpt) == (
        250.0,
        "Acme Health",
        "99213",
    )
    assert "Added rule" in page.message.text() and page.form_error.text() == ""
    assert len(page.model.rows) == len(defaults) + 1

    choose(page, "Acme denials, any size")
    assert page.payer.text() == "Acme Health"  # the form shows the chosen rule
    page.min_effect.setValue(0.05)
    page.cpt.clear()
    click(qtbot, page, page.save_button)
    edited = stored(store)["Acme denials, any size"]
    assert (edited.id, edited.spec.min_effect, edited.spec.cpt) == (added.id, 0.05, None)

    choose(page, "Acme denials, any size")
    click(qtbot, page, page.toggle_button)
    assert not stored(store)["Acme denials, any size"].spec.enabled
    row = [r.id for r in page.model.rows].index(added.id)
    assert page.model.index(row, 2).data() == "no"

    choose(page, "Acme denials, any size")
    click(qtbot, page, page.remove_button)
    assert "Acme denials, any size" not in stored(store)
    assert stored(store).keys() == defaults.keys()
    assert "Removed rule" in page.message.text()


def test_invalid_rules_are_explained_beside_the_form_and_not_stored(
    qtbot: QtBot, page: RulesPage
) -> None:
    store = page.ctx.store
    before = stored(store)
    choose(page, next(iter(before)))
    click(qtbot, page, page.clear_button)
    assert page.name.text() == ""
    click(qtbot, page, page.add_button)
    assert page.form_error.text() == "an alert rule needs a name"

    qtbot.keyClicks(page.name, "Short code")
    click(qtbot, page, page.add_button)
    assert "covers no metric" in page.form_error.text()

    page.metrics["denial_rate"].setChecked(True)
    qtbot.keyClicks(page.cpt, "992")
    click(qtbot, page, page.add_button)
    assert "a procedure code has 5 letters or digits" in page.form_error.text()
    assert page.form_error.isVisible()
    assert stored(store) == before

    # A name already taken is refused by the store write, shown in the same place.
    page.cpt.clear()
    page.name.setText(next(iter(before)))
    click(qtbot, page, page.add_button)
    assert "exists already" in page.form_error.text()
    assert "import" not in page.form_error.text()  # no advice meant for files
    assert stored(store) == before

    page.name.setText("Fine now")
    click(qtbot, page, page.add_button)
    assert page.form_error.text() == "" and "Fine now" in stored(store)


def test_changing_a_rule_needs_a_selection(qtbot: QtBot, page: RulesPage) -> None:
    page.table.clearSelection()
    page.table.setCurrentIndex(page.table.model().index(-1, -1))
    click(qtbot, page, page.toggle_button)
    assert page.message.text() == "Select a rule in the table first."
