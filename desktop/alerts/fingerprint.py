"""An alert's fingerprint: the same change gets the same id on every run and device.

SHA-256 (64 lowercase hex digits, the wire ``Fingerprint``) of the canonical payer's
key, the procedure code (empty for a payer-wide finding), the metric and the
direction. The payer is the canonical payer the payer mappings resolved the lines
to; its key (``payer_key``: case, punctuation and spacing ignored) keeps two devices
that spell the canonical name slightly differently on one fingerprint.
"""

from __future__ import annotations

import hashlib
import json

from desktop.ingest.payer_keys import payer_key

VERSION = "upstream-alert-v1"  # part of the hashed text: a new scheme makes new ids


def fingerprint(payer: str, cpt: str | None, metric: str, direction: str) -> str:
    material = json.dumps(
        [VERSION, payer_key(payer), (cpt or "").upper(), metric, direction],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(material.encode("ascii")).hexdigest()
