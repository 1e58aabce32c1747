"""One attempt at importing one file, inside one write transaction.

The ``import_batch`` record moves pending -> validating -> validated -> committed
inside the transaction; the lines, the quality issues, the payers the file brought,
the record and its audit entries all commit together, or none of them does. Each
chunk is read, guarded, converted, matched against the stored lines, checked and
written before the next is read, so memory holds one chunk whatever the file size.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from desktop.clock import iso_utc
from desktop.engines.line_batch import NO_PAYER, BoolArray, LineBatch
from desktop.engines.quality import FileCheck, QualityResult, RuleBook
from desktop.engines.quality_checks import earlier_occurrence
from desktop.engines.quality_context import LineContext
from desktop.errors import InvalidInput
from desktop.ingest.column_mappings import (
    ColumnMappingInfo,
    get_column_mapping,
    mapping_for_headers,
)
from desktop.ingest.convert import ConvertedChunk, blank_columns
from desktop.ingest.csv_layout import CsvLayout
from desktop.ingest.csv_reader import CsvReader
from desktop.ingest.detect import FileFacts
from desktop.ingest.line_store import LineWriter, insert_issues, match_stored
from desktop.ingest.options import ImportOptions, StoredImport
from desktop.ingest.payer_directory import PayerDirectory
from desktop.ingest.phi_guard import PhiGuard
from desktop.ingest.phi_policy import PhiPolicy, load_phi_policy
from desktop.ingest.prepare import PreparedChunk, prepared_chunks
from desktop.ingest.quality_rules import ensure_builtin_rules, load_rule_book
from desktop.ingest.readers import open_reader
from desktop.ingest.remit_merge import merge_remittance
from desktop.ingest.rows import RowProblem, SourceReader
from desktop.ingest.seen_keys import SeenKeys
from desktop.ingest.summary import ImportResult, IssueTally
from desktop.ingest.transaction import import_transaction
from desktop.ingest.worker import parallel_prepared_chunks, use_reader_process
from desktop.store import Store, audit
from desktop.store.models import ImportBatch

log = logging.getLogger(__name__)

EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


class NothingStored(InvalidInput):
    """Every row of the file was rejected (or it had none): nothing was stored."""


@dataclass
class Counts:
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    lines_new: int = 0
    lines_updated: int = 0


class ImportRun:
    """State of one attempt; ``guard``, ``counts`` and ``tally`` survive a rollback for reports."""

    def __init__(
        self,
        store: Store,
        facts: FileFacts,
        import_id: str,
        options: ImportOptions,
        *,
        dropped: set[str],
    ) -> None:
        self.store = store
        self.facts = facts
        self.import_id = import_id
        self.options = options
        self.dropped = dropped
        self.counts = Counts()
        self.tally = IssueTally()
        self.guard: PhiGuard | None = None
        self.format: str = facts.format
        self.phi_columns: list[str] = []
        self.ignored: tuple[str, ...] = ()
        self._payer_ids: set[int] = set()
        self._layout: CsvLayout | None = None
        self._seen: SeenKeys | None = None

    def execute(self) -> ImportResult:
        clock = self.options.clock
        with import_transaction(self.store) as session:
            record = self._start(session)
            ensure_builtin_rules(session, clock=clock)
            book = load_rule_book(session)
            policy = load_phi_policy(session)
            reader = open_reader(self.facts, policy, self._mapping_lookup(session))
            try:
                self.guard = self._make_guard(reader, policy)
                self.format = reader.format
                record.format, record.state = reader.format, "validating"
                session.flush()
                self._load(session, reader, book)
                findings = self.guard.clean_findings(reader.findings())
            finally:
                reader.close()
            self._check_file(
                session, book, [FileCheck(f.rule, f.position, f.message) for f in findings]
            )
            record.state = "validated"
            session.flush()
            stored = StoredImport(
                self.import_id,
                reader.format,
                self.counts.rows_stored,
                self.counts.lines_new,
                self.counts.lines_updated,
                frozenset(self._payer_ids),
            )
            for hook in self.options.hooks:  # e.g. keeping aggregates current, same transaction
                hook(session, stored)
            result = self.result("committed")
            self._finish(session, record, result)
        return result

    def result(self, status: str, error: str | None = None) -> ImportResult:
        detections = tuple(self.guard.detections) if self.guard else ()
        dropped_values = self.guard.dropped if self.guard else set()
        dropped = [*self.phi_columns, *(self._header_of(c) for c in sorted(dropped_values))]
        return ImportResult(
            file=str(self.facts.path)
            if self.options.display_name is None
            else self.options.display_name,
            format=self.format,
            status=status,  # type: ignore[arg-type]
            import_id=self.import_id,
            rows_read=self.counts.rows_read,
            rows_stored=self.counts.rows_stored if status == "committed" else 0,
            rows_rejected=self.counts.rows_rejected,
            lines_new=self.counts.lines_new if status == "committed" else 0,
            lines_updated=self.counts.lines_updated if status == "committed" else 0,
            phi_columns_dropped=tuple(dict.fromkeys(dropped)),
            phi_detections=detections,
            columns_ignored=self.ignored,
            issues_by_rule=dict(self.tally.by_rule),
            issues=tuple(self.tally.kept),
            error=error,
        )

    # --- steps ----------------------------------------------------------------------

    def _header_of(self, column: str) -> str:
        return self._layout.header_of(column) if self._layout is not None else column

    def _start(self, session: Session) -> ImportBatch:
        record = ImportBatch(
            id=self.import_id,
            file_name=self.facts.path.name,
            file_sha256=self.facts.sha256,
            file_size=self.facts.size,
            format=self.facts.format,
            state="pending",
            started_at=iso_utc(self.options.clock()),
            rows_read=0,
            rows_stored=0,
            rows_rejected=0,
            summary_json="{}",
        )
        session.add(record)
        session.flush()
        return record

    def _mapping_lookup(self, session: Session) -> Callable[[list[str]], ColumnMappingInfo | None]:
        def find(headers: list[str]) -> ColumnMappingInfo | None:
            if self.options.mapping_name is not None:
                return get_column_mapping(session, self.options.mapping_name)
            return mapping_for_headers(session, headers)

        return find

    def _make_guard(self, reader: SourceReader, policy: PhiPolicy) -> PhiGuard:
        layout = reader.layout if isinstance(reader, CsvReader) else None
        self._layout = layout
        header_detections = layout.phi if layout is not None else ()
        if layout is not None:
            self.phi_columns = list(layout.phi_headers)
            self.ignored = layout.ignored
        return PhiGuard(
            self.facts.path.name, policy, header_detections=header_detections, dropped=self.dropped
        )

    def _load(self, session: Session, reader: SourceReader, book: RuleBook) -> None:
        assert self.guard is not None
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        writer = LineWriter(cursor, self.import_id, reader.format)
        directory = PayerDirectory(session, clock=self.options.clock)
        today = self.options.clock().date().toordinal() - EPOCH_ORDINAL
        progress = self.options.progress
        cursor.execute("SELECT EXISTS (SELECT 1 FROM claim_line)")
        self._seen = None if cursor.fetchone()[0] else SeenKeys()
        for index, prepared in enumerate(self._prepared(reader)):
            dropped = self.guard.apply(prepared.hits, first_chunk=index == 0)
            converted = blank_columns(prepared.converted, dropped)
            batch, quality, fresh = self._check_chunk(
                cursor, converted, prepared.problems, reader.merges, directory, book, today
            )
            accepted = np.flatnonzero(~quality.rejected)
            writer.write(
                batch if len(accepted) == len(batch) else batch.take(accepted), fresh[accepted]
            )
            if self._seen is not None:
                self._seen.add(batch, ~quality.rejected)
            insert_issues(cursor, self.import_id, quality.issues)
            self.tally.add(quality.issues)
            self.counts.rows_read += len(batch)
            self.counts.rows_rejected += quality.rows_rejected
            self.counts.rows_stored += len(accepted)
            if progress is not None:
                progress(prepared.bytes_read, self.facts.size, f"{self.counts.rows_read:,} rows")

    def _prepared(self, reader: SourceReader) -> Iterator[PreparedChunk]:
        """Chunks read and prepared here, or by a worker process for a large CSV file."""
        assert self.guard is not None
        rows = self.options.chunk_rows
        if isinstance(reader, CsvReader) and use_reader_process(
            self.options.reader_process, self.facts.size
        ):
            log.info("reading %s in a second process", self.facts.path.name)
            return parallel_prepared_chunks(self.facts, reader.layout, self.guard.policy, rows)
        return prepared_chunks(reader, self.guard.scanner, rows)

    def _check_chunk(
        self,
        cursor: Any,
        converted: ConvertedChunk,
        problems: list[RowProblem],
        merges: bool,
        directory: PayerDirectory,
        book: RuleBook,
        today: int,
    ) -> tuple[LineBatch, QualityResult, BoolArray]:
        """The chunk checked, and which rows hold keys new to the store."""
        batch = self._with_payers(converted.batch, directory)
        converted = replace(converted, batch=batch)
        # Into a store that had no lines, only this import's own keys can be stored.
        only = None if self._seen is None else self._seen.may_contain(batch)
        match = match_stored(cursor, batch, self.import_id, only=only)
        unmatched = np.zeros(len(batch), bool)
        if merges:
            batch, unmatched = merge_remittance(converted, match)
        row_problems = {}
        if problems:
            index = {int(p): i for i, p in enumerate(batch.row)}
            row_problems = {index[p.position]: p.message for p in problems}
        context = LineContext.for_rows(
            len(batch),
            today,
            stored_by_this_import=match.by_this_import,
            stored_conflict=match.conflict(batch),
            unmatched_remittance=unmatched,
            row_problems=row_problems,
        )
        quality = book.check(batch, context)
        accepted = ~quality.rejected
        fresh = accepted & ~match.found & _first_accepted(batch, accepted)
        self.counts.lines_new += int(fresh.sum())
        self.counts.lines_updated += int((accepted & match.found & ~match.by_this_import).sum())
        return batch, quality, fresh

    def _with_payers(self, batch: LineBatch, directory: PayerDirectory) -> LineBatch:
        codes, names = batch.factorized("payer_raw")
        # New names become payers in the order the file first names them.
        present, first_row = np.unique(codes, return_index=True)
        in_order = names[present[np.argsort(first_row)]].tolist()
        ids = directory.resolve(n for n in in_order if n)
        by_code = np.array([ids.get(n, NO_PAYER) for n in names.tolist()], dtype=np.int32)
        self._payer_ids.update(ids.values())
        payer_ids = by_code[codes] if len(codes) else np.empty(0, np.int32)
        return replace(batch, payer_id=payer_ids)

    def _check_file(self, session: Session, book: RuleBook, checks: list[FileCheck]) -> None:
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        issues = book.file_issues(checks)
        insert_issues(cursor, self.import_id, issues)
        self.tally.add(issues)
        name = self.facts.path.name
        if book.rejects_file(checks):
            first = next(i for i in issues if i.severity == "error")
            raise InvalidInput(
                f"{name}: segment {first.row}: {first.message} ({first.rule}); "
                "this store's rules reject such files, so nothing was stored"
            )
        if self.counts.rows_read == 0:
            raise NothingStored(f"{name}: the file has a header but no data rows; nothing to store")
        if self.counts.rows_stored == 0:
            raise NothingStored(self._nothing_stored_message())

    def _nothing_stored_message(self) -> str:
        name = self.facts.path.name
        rows = self.counts.rows_read
        text = (
            f"{name}: nothing was stored: all {rows:,} row{'s' if rows != 1 else ''} were rejected"
        )
        first = next((i for i in self.tally.kept if i.severity == "error"), None)
        if first is not None:
            where = f"row {first.row}" + (f", field {first.field}" if first.field else "")
            text += f". First: {where}: {first.message} ({first.rule})"
        return text

    def _finish(self, session: Session, record: ImportBatch, result: ImportResult) -> None:
        clock = self.options.clock
        record.state = "committed"
        record.finished_at = iso_utc(clock())
        record.rows_read = result.rows_read
        record.rows_stored = result.rows_stored
        record.rows_rejected = result.rows_rejected
        record.summary_json = json.dumps(result.to_json(), sort_keys=True)
        session.flush()
        record_phi_detections(session, self.import_id, result, clock=clock)
        audit.append(
            session,
            "import.committed",
            "import",
            self.import_id,
            audit_details(result, self.facts),
            clock=clock,
        )


def _first_accepted(batch: LineBatch, accepted: BoolArray) -> BoolArray:
    """Rows whose key no accepted row before them in the batch has."""
    if accepted.all():
        first: BoolArray = earlier_occurrence(batch) < 0
        return first
    index = np.flatnonzero(accepted)
    first = np.zeros(len(batch), bool)
    first[index] = earlier_occurrence(batch.take(index)) < 0
    return first


def record_phi_detections(
    session: Session, import_id: str, result: ImportResult, *, clock: Any
) -> None:
    """One audit entry per detection: where and what kind, never the value."""
    for detection in result.phi_detections:
        audit.append(session, "phi.detected", "import", import_id, detection.to_json(), clock=clock)


def audit_details(result: ImportResult, facts: FileFacts) -> dict[str, Any]:
    return {
        "file_name": facts.path.name,
        "sha256": facts.sha256,
        "format": result.format,
        "rows_read": result.rows_read,
        "rows_stored": result.rows_stored,
        "rows_rejected": result.rows_rejected,
        "lines_new": result.lines_new,
        "lines_updated": result.lines_updated,
        "phi_columns_dropped": list(result.phi_columns_dropped),
        "issues_by_rule": result.issues_by_rule,
        "error": result.error,
    }
