from __future__ import annotations

from datetime import date

import pytest

from desktop.demo import DemoConfig, DemoDataset, generate

AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="session")
def default_dataset() -> DemoDataset:
    """The default scenario, large enough that every injected change is clearly visible."""
    return generate(DemoConfig.default(seed=7, lines=200_000, months=12, as_of=AS_OF))


@pytest.fixture(scope="session")
def stable_dataset() -> DemoDataset:
    return generate(DemoConfig.stable(seed=7, lines=200_000, months=12, as_of=AS_OF))
