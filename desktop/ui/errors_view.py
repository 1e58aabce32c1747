"""How errors reach the person: the service's own message, plus what to do next."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import (
    InvalidInput,
    KeychainUnavailable,
    ServerUnavailable,
    StoreAccessError,
    UpstreamError,
)


def advice_for(error: BaseException) -> str:
    """A short next step for each family of error (the message says what happened)."""
    if isinstance(error, StoreAccessError):
        return "Check the passphrase, or choose the store file again."
    if isinstance(error, InvalidInput):
        return "Fix the file as the message says and import it again; nothing was stored."
    if isinstance(error, KeychainUnavailable):
        return "You can keep using the passphrase to open the store."
    if isinstance(error, ServerUnavailable):
        return "Your work is kept on this computer and will be sent on the next sync."
    if isinstance(error, UpstreamError):
        return "Change what the message names and try again."
    return "This is a fault in Upstream. Details are in the log; please report it."


def describe(error: BaseException) -> str:
    if isinstance(error, UpstreamError):
        return str(error)
    return f"Something went wrong: {type(error).__name__}: {error}"


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, describe(error), parent=parent)
    box.setInformativeText(advice_for(error))
    box.open()  # window-modal and non-blocking: tests and the event loop keep running


def in_form(error: BaseException) -> str:
    """The text a page shows beside the form or button that failed.

    When the input is at fault the service's message already says what to change, so
    the import-file advice of ``advice_for`` would mislead; anything else gets it.
    """
    if isinstance(error, InvalidInput):
        return describe(error)
    return f"{describe(error)} {advice_for(error)}"
