"""Property-based API tests from the OpenAPI schema (schemathesis), on a live server.

Every operation is called with generated data and a valid device or admin
credential; no answer may be a server error, and every answer must match the
schema (status code, content type, headers, body).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.sync_server.client import Api, Device
from tests.sync_server.conftest import Serve, ServerDb

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 40


class Target:
    def __init__(self, api: Api, base_url: str) -> None:
        self.api = api
        self.base_url = base_url
        tenant = api.create_tenant("Schemathesis Billing")
        self.device: Device = api.new_device(tenant)

    def headers_for(self, path: str) -> dict[str, str]:
        if path.startswith("/admin/"):
            return dict(self.api.admin_headers)
        return self.api.device_headers(self.device.token)


@pytest.fixture
def target(server_db: ServerDb, serve: Serve) -> Iterator[Target]:
    server, api = serve(server_db)
    yield Target(api, server.base_url)


def exercise(operation: Any, target: Target) -> None:
    """Call one operation with generated cases; raise on the first failed check."""

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        case.call_and_validate(
            base_url=target.base_url, headers=target.headers_for(case.path), checks=CHECKS
        )

    call()


def test_the_api_never_fails_and_matches_its_schema(target: Target) -> None:
    schema = schemathesis.openapi.from_url(f"{target.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: list[str] = []
    for operation in operations:
        try:
            exercise(operation, target)
        except AssertionError as failure:  # schemathesis reports failed checks this way
            failures.append(f"{operation.label}: {failure}")
    print(f"\nschemathesis: {len(operations)} operations, {len(failures)} failing")
    assert failures == [], "\n\n".join(failures)
