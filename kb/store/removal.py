"""Deleting papers and files with everything derived from them (`kb remove`).

The foreign keys cascade from a paper to its sections, passages, reference entries and citations,
and from a passage to its vectors, sentence vectors and theme tags; a trigger deletes its full-text
row. These functions count what will go, so the caller can report it, and delete inside the
caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

# what `kb remove` reports -> how many rows of it belong to the papers `{papers}`
_DERIVED = {
    "sections": "SELECT count(*) FROM sections WHERE paper_id IN {papers}",
    "passages": "SELECT count(*) FROM passages WHERE paper_id IN {papers}",
    "fulltext_rows": "SELECT count(*) FROM passages_fts WHERE rowid IN {passages}",
    "vectors": "SELECT count(*) FROM passage_vectors WHERE passage_id IN {passages}",
    "sentence_vectors": "SELECT count(*) FROM sentence_vectors WHERE passage_id IN {passages}",
    "theme_tags": "SELECT count(*) FROM passage_themes WHERE passage_id IN {passages}",
    "refs": "SELECT count(*) FROM refs WHERE paper_id IN {papers}",
    "citations": "SELECT count(*) FROM citations WHERE passage_id IN {passages} "
                 "OR ref_id IN (SELECT id FROM refs WHERE paper_id IN {papers})",
    "group_memberships": "SELECT count(*) FROM paper_groups WHERE paper_id IN {papers}",
}


def _marks(ids: Sequence[int]) -> str:
    return f"({','.join('?' * len(ids))})"


def derived_counts(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> dict[str, int]:
    """How many rows of each kind hang from these papers."""
    if not paper_ids:
        return dict.fromkeys(_DERIVED, 0)
    papers = _marks(paper_ids)
    passages = f"(SELECT id FROM passages WHERE paper_id IN {papers})"
    out = {}
    for name, sql in _DERIVED.items():
        text = sql.format(papers=papers, passages=passages)
        repeats = text.count("?") // len(paper_ids)  # each `{papers}` list takes the ids once
        out[name] = conn.execute(text, list(paper_ids) * repeats).fetchone()[0]
    return out


def paper_row(conn: sqlite3.Connection, paper_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT p.id, p.file_id, p.seq, p.title, f.sha256, f.path FROM papers p "
                        "JOIN files f ON f.id = p.file_id WHERE p.id = ?", (paper_id,)).fetchone()


def file_row(conn: sqlite3.Connection, file_id: int | None = None, path: str | None = None) -> sqlite3.Row | None:
    """A file by its id or by the absolute path it was ingested from."""
    if file_id is not None:
        return conn.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
    return conn.execute("SELECT * FROM files WHERE path = ? ORDER BY id DESC", (path,)).fetchone()


def papers_of_file(conn: sqlite3.Connection, file_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, seq, title FROM papers WHERE file_id = ? ORDER BY seq", (file_id,)).fetchall()


def delete_paper(conn: sqlite3.Connection, paper_id: int) -> None:
    """The paper and what hangs from it; its copies stay grouped (the caller tidies the groups:
    kb/dedup/groups.py tidy, so no group of one is left and its shown copy is a member)."""
    for table in ("paper_groups", "paper_bands", "paper_fingerprints"):  # cascades too; said here for clarity
        conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (paper_id,))
    conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,))


def delete_file(conn: sqlite3.Connection, file_id: int) -> None:
    """The file, its pages and (by cascade) its papers and all that hangs from them."""
    conn.execute("DELETE FROM files WHERE id = ?", (file_id,))


def count_pages(conn: sqlite3.Connection, file_id: int) -> int:
    return conn.execute("SELECT count(*) FROM pages WHERE file_id = ?", (file_id,)).fetchone()[0]


def has_vectors(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM passage_vectors LIMIT 1").fetchone() is not None
