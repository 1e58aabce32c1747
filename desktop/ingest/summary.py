"""What one import did, as the CLI's ``--json`` prints it and the UI shows it.

``to_json`` gives the contract's fields (file, format, rows_read, rows_stored,
rows_rejected, duplicate_file, phi_columns_dropped, issues_by_rule, issues) and a
few optional ones (import_id, status, lines_new, lines_updated, columns_ignored,
phi_detections, issues_total, error). ``issues`` is truncated; ``issues_by_rule``
always counts every issue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from desktop.engines.quality import Issue
from desktop.ingest.phi import PhiDetection

ImportStatus = Literal["committed", "duplicate", "failed"]
ISSUES_KEPT = 100


@dataclass
class IssueTally:
    """Counts every issue; keeps the first ``limit`` of them (bounded memory)."""

    limit: int = ISSUES_KEPT
    by_rule: Counter[str] = field(default_factory=Counter)
    kept: list[Issue] = field(default_factory=list)

    def add(self, issues: list[Issue]) -> None:
        self.by_rule.update(issue.rule for issue in issues)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept.extend(issues[:room])

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


@dataclass(frozen=True)
class ImportResult:
    file: str
    format: str | None
    status: ImportStatus
    import_id: str | None = None
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    lines_new: int = 0
    lines_updated: int = 0
    phi_columns_dropped: tuple[str, ...] = ()
    phi_detections: tuple[PhiDetection, ...] = ()
    columns_ignored: tuple[str, ...] = ()
    issues_by_rule: dict[str, int] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()
    error: str | None = None

    @property
    def duplicate_file(self) -> bool:
        return self.status == "duplicate"

    @property
    def stored_anything(self) -> bool:
        return self.status == "committed" and self.rows_stored > 0

    @property
    def issues_total(self) -> int:
        return sum(self.issues_by_rule.values())

    def to_json(self, *, max_issues: int = ISSUES_KEPT) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_stored": self.rows_stored,
            "rows_rejected": self.rows_rejected,
            "duplicate_file": self.duplicate_file,
            "phi_columns_dropped": list(self.phi_columns_dropped),
            "issues_by_rule": dict(sorted(self.issues_by_rule.items())),
            "issues": [
                {
                    "row": issue.row,
                    "field": issue.field,
                    "rule": issue.rule,
                    "severity": issue.severity,
                    "message": issue.message,
                }
                for issue in self.issues[:max_issues]
            ],
            "issues_total": self.issues_total,
            "import_id": self.import_id,
            "status": self.status,
            "lines_new": self.lines_new,
            "lines_updated": self.lines_updated,
            "columns_ignored": list(self.columns_ignored),
            "phi_detections": [d.to_json() for d in self.phi_detections],
            "error": self.error,
        }
