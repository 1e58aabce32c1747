"""Fail a test that logs an unexpected warning or error from Upstream's own code.

A test that expects such a message marks itself ``@pytest.mark.expect_log`` (and
usually checks the message with ``caplog``).
"""

from __future__ import annotations

import logging

WATCHED = ("desktop", "sync_server", "shared", "upstream")


class LogFailHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED:
            self.records.append(record)
