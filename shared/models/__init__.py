"""Wire schemas shared by the desktop and the sync server.

Client and server agree on a protocol version in a handshake before any data moves:
every ``/v1`` request carries the ``Upstream-Protocol`` header, and a version the
server does not speak is refused with ``426 Upgrade Required`` and a body that says
which side must upgrade and to what (see :mod:`shared.models.protocol`).

Protocol versions
-----------------
- **1** — enrolment with a one-time code for a device token; push of aggregates
  (ISO week × canonical payer × procedure code, cells of 1–10 lines never sent) and
  alert feedback (keyed by alert fingerprint, ordered by a hybrid logical clock) in
  batches of at most 500 items with a client batch id and per-item ids; pull of alert
  rules, payer mappings and the other devices' feedback after a server-assigned
  cursor, at most 500 changes a page. Unknown fields are refused everywhere.
"""

from shared.models.aggregates import AggregateItem
from shared.models.enrolment import EnrolRequest, EnrolResponse
from shared.models.feedback import FeedbackItem, FeedbackVerdict
from shared.models.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SUPPORTED_PROTOCOL_VERSIONS,
    HandshakeResponse,
    ProtocolRefusal,
)
from shared.models.pull import (
    AlertRuleChange,
    FeedbackChange,
    PayerMappingChange,
    PullResponse,
)
from shared.models.push import (
    MAX_BATCH_ITEMS,
    ItemResult,
    ItemStatus,
    PushItem,
    PushRequest,
    PushResponse,
)

__all__ = [
    "MAX_BATCH_ITEMS",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
    "SUPPORTED_PROTOCOL_VERSIONS",
    "AggregateItem",
    "AlertRuleChange",
    "EnrolRequest",
    "EnrolResponse",
    "FeedbackChange",
    "FeedbackItem",
    "FeedbackVerdict",
    "HandshakeResponse",
    "ItemResult",
    "ItemStatus",
    "PayerMappingChange",
    "ProtocolRefusal",
    "PullResponse",
    "PushItem",
    "PushRequest",
    "PushResponse",
]
