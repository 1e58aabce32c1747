"""Enrolment: a desktop exchanges an admin-issued code for a device token."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from shared.models.base import PLAIN_TEXT, WireModel

EnrolmentCode = Annotated[
    str,
    StringConstraints(
        min_length=8, max_length=64, strip_whitespace=True, pattern=r"^[A-Za-z0-9 -]+$"
    ),
]
DeviceName = Annotated[
    str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True, pattern=PLAIN_TEXT)
]


class EnrolRequest(WireModel):
    code: EnrolmentCode
    device_name: DeviceName


class EnrolResponse(WireModel):
    device_id: str
    tenant_id: str
    device_token: str
    protocol_version: int
