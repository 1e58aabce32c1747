"""Columnar snapshots of ``claim_line``, so an analysis reads blobs instead of every row.

Lines are grouped into blocks by id (``id // BLOCK_LINES``); each block keeps every
column the engines read as one compact blob. Triggers on ``claim_line`` (created by the
migration) record the block of any line that is updated or deleted in
``claim_column_dirty``; new lines are the ones above the highest id already covered.
``desktop.store.claim_columns`` keeps the blocks current and loads them.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models.base import Base

# Lines per block. The migration's triggers compute blocks with the same number; a
# test checks that the two agree.
BLOCK_LINES = 16384


class ClaimColumnBlock(Base):
    """One block of lines: how many, the highest id in it, and the encoding's version."""

    __tablename__ = "claim_column_block"

    block: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    format: Mapped[int] = mapped_column(Integer)
    n_lines: Mapped[int] = mapped_column(Integer)
    max_id: Mapped[int] = mapped_column(Integer)


class ClaimColumnData(Base):
    """One column of one block (see ``desktop.store.column_codec``)."""

    __tablename__ = "claim_column_data"

    block: Mapped[int] = mapped_column(
        ForeignKey("claim_column_block.block", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    dtype: Mapped[str] = mapped_column(String(8))
    base: Mapped[int] = mapped_column(Integer)
    dictionary_json: Mapped[str | None] = mapped_column(Text)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ClaimColumnDirty(Base):
    """A block whose lines changed since it was built (filled by triggers)."""

    __tablename__ = "claim_column_dirty"

    block: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
