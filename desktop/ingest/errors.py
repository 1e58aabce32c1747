"""Errors of the import pipeline (each maps to the contract's exit codes via its base)."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.errors import InvalidInput, UpstreamError, UsageError
from desktop.ingest.phi import PhiDetection


class MappingError(UsageError):
    """A column or payer mapping that cannot be saved as asked."""


class RuleError(UsageError):
    """An office quality rule that cannot be saved as asked."""


class PhiRejected(InvalidInput):
    """The PHI guard rejected the file; ``detections`` say where (never the values)."""

    def __init__(self, message: str, detections: Sequence[PhiDetection]) -> None:
        super().__init__(message)
        self.detections = tuple(detections)


class ImportCancelled(UpstreamError):
    """The person (or the progress callback) asked to stop; nothing was stored."""
