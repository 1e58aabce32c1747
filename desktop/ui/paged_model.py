"""A table model that pages rows in from the store as the view scrolls (fetchMore).

Each page is one short indexed query (rows above the last id seen), so the first
screen shows at once and a million lines scroll without loading them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from desktop.ui.tables import Column, RecordModel

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

PageReader = Callable[[Any, int], Sequence[Any]]  # (cursor, limit) -> rows


class PagedModel(RecordModel[R], Generic[R]):
    """Rows in pages from ``read_page(after, limit)``; ``cursor_of(row)`` is the next ``after``."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        read_page: Callable[[Any, int], Sequence[R]],
        cursor_of: Callable[[R], Any],
        *,
        first_cursor: Any = 0,
        page_rows: int = 500,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(columns, parent)
        self._read_page = read_page
        self._cursor_of = cursor_of
        self._first = first_cursor
        self._cursor = first_cursor
        self._page_rows = page_rows
        self._exhausted = False

    def reset(self) -> None:
        self.beginResetModel()
        self.rows = []
        self._cursor = self._first
        self._exhausted = False
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        page = list(self._read_page(self._cursor, self._page_rows))
        if len(page) < self._page_rows:
            self._exhausted = True
        if not page:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self.rows.extend(page)
        self._cursor = self._cursor_of(page[-1])
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Pages arrive in store order; sorting applies to the rows loaded so far."""
        self.layoutAboutToBeChanged.emit()
        key = self.columns[column].value
        self.rows.sort(
            key=lambda r: (key(r) is None, key(r) if key(r) is not None else 0),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.layoutChanged.emit()
