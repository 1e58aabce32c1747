from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.store import CreatedStore, create_store  # noqa: E402
from desktop.store.keys import KdfParams  # noqa: E402
from tests.helpers.logfail import LogFailHandler  # noqa: E402

# Real Argon2id, with a small cost so that the suite can create hundreds of stores.
FAST_KDF = KdfParams(iterations=1, memory_kib=8 * 1024, lanes=1)
PASSPHRASE = "correct horse battery staple"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "expect_log: the test expects Upstream to log warnings or errors"
    )


@pytest.fixture(autouse=True)
def fail_on_unexpected_log(request: pytest.FixtureRequest) -> Iterator[None]:
    handler = LogFailHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("expect_log") is None:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records)
        pytest.fail(f"unexpected log messages:\n{lines}")


StoreFactory = Callable[..., CreatedStore]


@pytest.fixture
def make_store(tmp_path: Path) -> StoreFactory:
    counter = iter(range(1_000_000))

    def factory(
        customer: str = "Riverside Family Practice Billing",
        passphrase: str = PASSPHRASE,
        path: Path | None = None,
    ) -> CreatedStore:
        target = path or tmp_path / f"store-{next(counter)}.upstream"
        return create_store(target, customer, passphrase, kdf=FAST_KDF)

    return factory


@pytest.fixture
def store_path(make_store: StoreFactory) -> Path:
    return make_store().path
