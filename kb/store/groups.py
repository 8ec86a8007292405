"""SQL of migration 0010: paper fingerprints, their bands, groups of copies and remembered splits.

kb/dedup decides what is a copy; this module only reads and writes the rows, inside the
caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

Ident = tuple[str, int]  # (files.sha256, papers.seq): what re-ingest reproduces


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _marks(ids: Sequence) -> str:
    return f"({','.join('?' * len(ids))})"


# --- fingerprints --------------------------------------------------------------------------------

def put_fingerprint(conn: sqlite3.Connection, paper_id: int, key: str | None, n_shingles: int, blob: bytes,
                    bands: Iterable[tuple[int, int]]) -> None:
    conn.execute("INSERT OR REPLACE INTO paper_fingerprints(paper_id, work_key, n_shingles, minhash) VALUES (?,?,?,?)",
                 (paper_id, key, n_shingles, blob))
    conn.execute("DELETE FROM paper_bands WHERE paper_id = ?", (paper_id,))
    conn.executemany("INSERT OR IGNORE INTO paper_bands(band, hash, paper_id) VALUES (?,?,?)",
                     [(b, h, paper_id) for b, h in bands])


def fingerprints(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> dict[int, sqlite3.Row]:
    if not paper_ids:
        return {}
    return {r["paper_id"]: r for r in conn.execute(
        f"SELECT fp.*, p.file_id FROM paper_fingerprints fp JOIN papers p ON p.id = fp.paper_id "
        f"WHERE fp.paper_id IN {_marks(paper_ids)}", list(paper_ids))}


def unfingerprinted(conn: sqlite3.Connection) -> list[int]:
    """Papers with a title and passages but no fingerprint (ingested before 0010, or with dedup off)."""
    return [r[0] for r in conn.execute(
        "SELECT p.id FROM papers p WHERE p.fragment = 0 AND p.title IS NOT NULL "
        "AND p.id NOT IN (SELECT paper_id FROM paper_fingerprints) "
        "AND EXISTS (SELECT 1 FROM passages s WHERE s.paper_id = p.id) ORDER BY p.id")]


def fingerprinted(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT paper_id FROM paper_fingerprints ORDER BY paper_id")]


def candidates(conn: sqlite3.Connection, key: str | None, bands: Sequence[tuple[int, int]], file_id: int) -> list[int]:
    """Papers of other files with the same key or sharing a band: index look-ups only."""
    found: dict[int, None] = {}
    if key is not None:
        found.update((r[0], None) for r in conn.execute(
            "SELECT fp.paper_id FROM paper_fingerprints fp JOIN papers p ON p.id = fp.paper_id "
            "WHERE fp.work_key = ? AND p.file_id != ?", (key, file_id)))
    if bands:
        values = ",".join("(?,?)" for _ in bands)
        found.update((r[0], None) for r in conn.execute(
            f"WITH q(band, hash) AS (VALUES {values}) SELECT DISTINCT b.paper_id FROM q "
            "JOIN paper_bands b ON b.band = q.band AND b.hash = q.hash JOIN papers p ON p.id = b.paper_id "
            "WHERE p.file_id != ?", [x for pair in bands for x in pair] + [file_id]))
    return list(found)


def passage_texts(conn: sqlite3.Connection, paper_id: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT text FROM passages WHERE paper_id = ? ORDER BY seq", (paper_id,))]


def paper_meta(conn: sqlite3.Connection, paper_id: int) -> sqlite3.Row:
    return conn.execute("SELECT id, file_id, title, authors, authors_parsed, year, fragment FROM papers WHERE id = ?",
                        (paper_id,)).fetchone()


# --- identity and ranking ------------------------------------------------------------------------

def identities(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> dict[int, sqlite3.Row]:
    """What chooses the canonical member and keys the splits: file hash, seq, OCR share, venue, item type."""
    if not paper_ids:
        return {}
    return {r["id"]: r for r in conn.execute(
        "SELECT p.id, p.seq, p.file_id, p.title, p.container, p.doi, f.sha256, f.path, f.n_pages, f.ocr_pages, "
        "(SELECT si.item_type FROM source_items si WHERE si.paper_id = p.id LIMIT 1) AS item_type "
        f"FROM papers p JOIN files f ON f.id = p.file_id WHERE p.id IN {_marks(paper_ids)}", list(paper_ids))}


# --- groups --------------------------------------------------------------------------------------

def group_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM paper_groups ORDER BY group_id, paper_id").fetchall()


def members(conn: sqlite3.Connection, group_id: int) -> list[int]:
    return [r[0] for r in conn.execute("SELECT paper_id FROM paper_groups WHERE group_id = ? ORDER BY paper_id",
                                       (group_id,))]


def group_of(conn: sqlite3.Connection, paper_id: int) -> int | None:
    row = conn.execute("SELECT group_id FROM paper_groups WHERE paper_id = ?", (paper_id,)).fetchone()
    return row[0] if row else None


def canonical_map(conn: sqlite3.Connection, paper_ids: Iterable[int] | None = None) -> dict[int, int]:
    """paper id -> its group's canonical paper id, for grouped papers only."""
    if paper_ids is None:
        rows = conn.execute("SELECT paper_id, canonical_id FROM paper_groups")
    else:
        ids = list(paper_ids)
        if not ids:
            return {}
        rows = conn.execute(f"SELECT paper_id, canonical_id FROM paper_groups WHERE paper_id IN {_marks(ids)}", ids)
    return {r[0]: r[1] for r in rows}


def new_group_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(group_id), 0) + 1 FROM paper_groups").fetchone()[0]


def add_member(conn: sqlite3.Connection, paper_id: int, group_id: int, matched_id: int | None, reason: str | None,
               score: float | None) -> None:
    conn.execute("INSERT OR REPLACE INTO paper_groups(paper_id, group_id, canonical_id, matched_id, reason, score,"
                 " created_at) VALUES (?,?,?,?,?,?,?)", (paper_id, group_id, paper_id, matched_id, reason, score, now()))


def move_group(conn: sqlite3.Connection, old: int, new: int) -> None:
    conn.execute("UPDATE paper_groups SET group_id = ? WHERE group_id = ?", (new, old))


def set_canonical(conn: sqlite3.Connection, group_id: int, canonical_id: int) -> None:
    conn.execute("UPDATE paper_groups SET canonical_id = ? WHERE group_id = ?", (canonical_id, group_id))


def drop_member(conn: sqlite3.Connection, paper_id: int) -> None:
    conn.execute("DELETE FROM paper_groups WHERE paper_id = ?", (paper_id,))


def drop_lonely(conn: sqlite3.Connection) -> int:
    """Groups left with one member (the others removed or re-ingested) are no groups."""
    return conn.execute("DELETE FROM paper_groups WHERE group_id IN "
                        "(SELECT group_id FROM paper_groups GROUP BY group_id HAVING count(*) < 2)").rowcount


def group_ids(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT DISTINCT group_id FROM paper_groups ORDER BY group_id")]


def count_members(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> int:
    if not paper_ids:
        return 0
    return conn.execute(f"SELECT count(*) FROM paper_groups WHERE paper_id IN {_marks(paper_ids)}",
                        list(paper_ids)).fetchone()[0]


# --- splits --------------------------------------------------------------------------------------

def splits(conn: sqlite3.Connection) -> set[tuple[Ident, Ident]]:
    return {((r[0], r[1]), (r[2], r[3])) for r in conn.execute("SELECT sha_a, seq_a, sha_b, seq_b FROM paper_splits")}


def add_split(conn: sqlite3.Connection, a: Ident, b: Ident) -> None:
    a, b = min(a, b), max(a, b)
    conn.execute("INSERT OR IGNORE INTO paper_splits(sha_a, seq_a, sha_b, seq_b, split_at) VALUES (?,?,?,?,?)",
                 (*a, *b, now()))


def stale_canonicals(conn: sqlite3.Connection) -> list[int]:
    """Groups whose canonical member is gone (removed, or its file re-ingested)."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT g.group_id FROM paper_groups g WHERE g.canonical_id NOT IN "
        "(SELECT m.paper_id FROM paper_groups m WHERE m.group_id = g.group_id)")]
