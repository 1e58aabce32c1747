"""The HTTP client of the sync protocol (httpx), with bounded retries.

Every request carries the protocol header and has connect/read timeouts. Transport
errors, timeouts, 5xx and 429 are retried with capped exponential backoff and full
jitter (``Retry-After`` is honoured, within the cap); after the last attempt the
caller gets ``ServerUnreachable`` and keeps its outbox. A revoked device (401), a
protocol mismatch (426) and other refusals are not retried: each raises its own
error with a message that says what to do.

A push is only as safe to retry as its batch: the caller sends the same body under
the same batch id every time, and the server answers a repeat from its record.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from desktop.sync.errors import (
    BadEnrolmentCode,
    DeviceRevoked,
    EnrolmentRefused,
    ProtocolMismatch,
    ServerRefused,
    ServerUnreachable,
)
from shared.models import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolRequest,
    EnrolResponse,
    HandshakeResponse,
    ProtocolRefusal,
    PullResponse,
    PushResponse,
)
from shared.models.pull import MAX_PAGE

T = TypeVar("T", EnrolResponse, PushResponse, PullResponse)
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request tries: ``attempts`` in all, waits doubling up to a cap."""

    attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 10.0
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None) -> float:
        """Wait before try ``attempt + 1`` (``attempt`` counts from 0): full jitter."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2**attempt))
        wait = rng.uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay_s))
        return wait


@dataclass
class SyncClient:
    """One server, one device token (None before enrolment)."""

    base_url: str
    token: str | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    transport: httpx.BaseTransport | None = None
    requests_made: int = 0

    def __post_init__(self) -> None:
        timeout = httpx.Timeout(self.policy.read_timeout_s, connect=self.policy.connect_timeout_s)
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        self._http = httpx.Client(
            base_url=self.base_url.rstrip("/"),
            timeout=timeout,
            headers=headers,
            transport=self.transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the protocol -----------------------------------------------------------------

    def handshake(self) -> HandshakeResponse:
        response = self._request("GET", "/v1/handshake")
        versions = HandshakeResponse.model_validate_json(response.content)
        if PROTOCOL_VERSION not in versions.server_protocol_versions:
            newest = max(versions.server_protocol_versions)
            side = "the server" if newest < PROTOCOL_VERSION else "Upstream on this computer"
            raise ProtocolMismatch(
                f"the sync server speaks protocol {versions.server_protocol_versions}, this "
                f"Upstream speaks {PROTOCOL_VERSION}: {side} must be upgraded; "
                "nothing was sent and the outbox is kept"
            )
        return versions

    def enrol(self, request: EnrolRequest) -> EnrolResponse:
        response = self._request(
            "POST", "/v1/enrol", content=request.model_dump_json(), enrolling=True
        )
        return _parse(EnrolResponse, response)

    def push(self, body: str) -> PushResponse:
        """Send one batch body (already serialised, so retries send the same bytes)."""
        response = self._request("POST", "/v1/push", content=body)
        return _parse(PushResponse, response)

    def pull(self, cursor: int) -> PullResponse:
        response = self._request("GET", "/v1/changes", params={"cursor": cursor, "limit": MAX_PAGE})
        return _parse(PullResponse, response)

    # --- one request, retried -----------------------------------------------------------

    def _request(
        self, method: str, path: str, *, enrolling: bool = False, **kwargs: Any
    ) -> httpx.Response:
        if "content" in kwargs:
            kwargs["headers"] = {"Content-Type": "application/json"}
        problem = "no attempt made"
        for attempt in range(self.policy.attempts):
            retry_after: float | None = None
            try:
                self.requests_made += 1
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as error:
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRYABLE_STATUS:
                    raise _refusal(response, enrolling, retried=attempt > 0)
                problem = f"HTTP {response.status_code}"
                retry_after = _retry_after(response)
            if attempt + 1 < self.policy.attempts:
                self.sleep(self.policy.delay(attempt, self.rng, retry_after))
        raise ServerUnreachable(
            f"the sync server at {self.base_url} did not answer after "
            f"{self.policy.attempts} attempts ({problem}); the outbox is kept and will be "
            "sent at the next sync"
        )


def enrol_request(code: str, device_name: str) -> EnrolRequest:
    """The enrolment request, checked before anything is sent."""
    try:
        return EnrolRequest(code=code, device_name=device_name)
    except ValidationError:
        raise BadEnrolmentCode(
            "an enrolment code is 8 to 64 letters, digits, spaces or dashes, and the "
            "device name plain text of at most 120 characters: check what was typed"
        ) from None


def _parse(model: type[T], response: httpx.Response) -> T:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        raise ServerRefused(
            f"the sync server answered {response.request.url.path} with a body this "
            f"Upstream does not understand ({error.error_count()} problems); the outbox is kept"
        ) from None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: the backoff alone decides


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return response.text[:200]


def _refusal(response: httpx.Response, enrolling: bool, *, retried: bool = False) -> Exception:
    status = response.status_code
    if status == 426:
        try:
            refusal = ProtocolRefusal.model_validate_json(response.content)
        except ValidationError:
            return ProtocolMismatch(
                "the sync server refused this Upstream's protocol version; upgrade Upstream"
            )
        side = "Upstream on this computer" if refusal.upgrade == "client" else "the sync server"
        return ProtocolMismatch(
            f"protocol mismatch: {side} must be upgraded ({refusal.message}); the outbox is kept"
        )
    if status == 401 and enrolling:
        # Enrolment is not idempotent: a try whose answer was lost may have used the code.
        lost = " (an earlier try whose answer was lost may have used it)" if retried else ""
        return EnrolmentRefused(
            f"the enrolment code was refused{lost}: {_message(response)}; ask the server's "
            "admin for a new code"
        )
    if status == 401:
        return DeviceRevoked(
            "the sync server no longer accepts this device (it was revoked or is unknown "
            f"there: {_message(response)}); ask the admin for a new enrolment code and run "
            "'upstream sync enroll' again; the outbox is kept"
        )
    return ServerRefused(
        f"the sync server refused {response.request.method} {response.request.url.path} "
        f"with HTTP {status}: {_message(response)}; the outbox is kept",
        status=status,
    )
