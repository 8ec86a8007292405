"""The interface between ingest and the indexes built from it (kept free of PDF imports)."""

from __future__ import annotations

import sqlite3

from kb.ingest.model import Passage


class IndexHook:
    """What search needs for new passages: computed before the write, stored inside it.

    `prepare` runs outside the transaction (embedding is slow, and a write lock held meanwhile
    would block other writers); `store` writes the result with the passages.
    """

    def prepare(self, passages: list[Passage]) -> object:
        return None

    def store(self, conn: sqlite3.Connection, ids: list[int], passages: list[Passage], prepared: object) -> None:
        pass

    def forget(self, conn: sqlite3.Connection, file_id: int) -> None:
        """Called before a file's rows are deleted (inside the same transaction)."""
