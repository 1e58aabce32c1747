from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.store import Store, open_store
from tests.conftest import PASSPHRASE, StoreFactory


@pytest.fixture
def store(make_store: StoreFactory) -> Iterator[Store]:
    created = make_store()
    with open_store(created.path, PASSPHRASE) as opened:
        yield opened
