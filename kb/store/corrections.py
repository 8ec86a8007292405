"""The `corrections` table (migration 0008): hand corrections of papers and reference entries.

Rows are keyed by (file sha256, paper seq, ref seq), which re-ingesting the same file reproduces,
so the readers join them to whatever paper and reference rows hold those keys now. Values are JSON.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

PAPER = -1  # ref_seq of a correction of the paper itself

# field -> (value, corrected_at)
Fixes = dict[str, tuple[object, str]]


@dataclass(frozen=True)
class Key:
    """What a correction is attached to; survives `kb ingest --force` of the same file."""

    sha256: str
    paper_seq: int
    ref_seq: int = PAPER


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def paper_key(conn: sqlite3.Connection, paper_id: int) -> Key | None:
    row = conn.execute("SELECT f.sha256, p.seq FROM papers p JOIN files f ON f.id = p.file_id WHERE p.id = ?",
                       (paper_id,)).fetchone()
    return Key(row[0], row[1]) if row else None


def ref_key(conn: sqlite3.Connection, ref_id: int) -> tuple[Key, int] | None:
    """The key of a reference entry, and the id of the paper whose list holds it."""
    row = conn.execute("SELECT f.sha256, p.seq, r.seq, p.id FROM refs r JOIN papers p ON p.id = r.paper_id "
                       "JOIN files f ON f.id = p.file_id WHERE r.id = ?", (ref_id,)).fetchone()
    return (Key(row[0], row[1], row[2]), row[3]) if row else None


def put(conn: sqlite3.Connection, key: Key, field: str, value: object, at: str) -> None:
    conn.execute("INSERT INTO corrections(sha256, paper_seq, ref_seq, field, value, corrected_at) "
                 "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sha256, paper_seq, ref_seq, field) "
                 "DO UPDATE SET value = excluded.value, corrected_at = excluded.corrected_at",
                 (key.sha256, key.paper_seq, key.ref_seq, field, json.dumps(value, ensure_ascii=False), at))


def clear(conn: sqlite3.Connection, key: Key, fields: Iterable[str] | None = None) -> list[str]:
    """Delete the corrections of these fields (all of the key's when None); the fields deleted."""
    where, args = "sha256 = ? AND paper_seq = ? AND ref_seq = ?", [key.sha256, key.paper_seq, key.ref_seq]
    if fields is not None:
        fields = list(fields)
        where += f" AND field IN ({','.join('?' * len(fields))})"
        args += fields
    gone = [r[0] for r in conn.execute(f"SELECT field FROM corrections WHERE {where} ORDER BY field", args)]
    conn.execute(f"DELETE FROM corrections WHERE {where}", args)
    return gone


def delete_for_file(conn: sqlite3.Connection, sha256: str, paper_seq: int | None = None) -> int:
    """Delete a file's corrections (or one paper's, with its reference entries'); how many rows."""
    if paper_seq is None:
        return conn.execute("DELETE FROM corrections WHERE sha256 = ?", (sha256,)).rowcount
    return conn.execute("DELETE FROM corrections WHERE sha256 = ? AND paper_seq = ?", (sha256, paper_seq)).rowcount


def _grouped(rows: Iterable[sqlite3.Row]) -> dict[int, Fixes]:
    out: dict[int, Fixes] = {}
    for owner, field, value, at in rows:
        out.setdefault(owner, {})[field] = (json.loads(value), at)
    return out


# corrections joined to the papers they belong to (by file content and the paper's place in it)
_OF_PAPERS = ("FROM corrections c JOIN files f ON f.sha256 = c.sha256 "
              "JOIN papers p ON p.file_id = f.id AND p.seq = c.paper_seq")


def _ids_clause(column: str, ids: Iterable[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    ids = list(ids)
    return f" AND {column} IN ({','.join('?' * len(ids))})", ids


def for_papers(conn: sqlite3.Connection, paper_ids: Iterable[int] | None = None) -> dict[int, Fixes]:
    """paper id -> its corrections, for the given papers (every paper when None)."""
    where, args = _ids_clause("p.id", paper_ids)
    if paper_ids is not None and not args:
        return {}
    return _grouped(conn.execute(
        f"SELECT p.id, c.field, c.value, c.corrected_at {_OF_PAPERS} WHERE c.ref_seq = {PAPER}{where}", args))


def for_refs(conn: sqlite3.Connection, ref_ids: Iterable[int] | None = None) -> dict[int, Fixes]:
    """ref id -> its corrections (every reference entry's when None)."""
    where, args = _ids_clause("r.id", ref_ids)
    if ref_ids is not None and not args:
        return {}
    return _grouped(conn.execute(
        f"SELECT r.id, c.field, c.value, c.corrected_at {_OF_PAPERS} "
        f"JOIN refs r ON r.paper_id = p.id AND r.seq = c.ref_seq WHERE c.ref_seq != {PAPER}{where}", args))


def for_works(conn: sqlite3.Connection, work_ids: Iterable[int] | None = None) -> dict[int, Fixes]:
    """work id -> the corrections of the reference entries linked to it (the latest per field wins)."""
    where, args = _ids_clause("r.work_id", work_ids)
    if work_ids is not None and not args:
        return {}
    rows = conn.execute(
        f"SELECT r.work_id, c.field, c.value, c.corrected_at {_OF_PAPERS} "
        f"JOIN refs r ON r.paper_id = p.id AND r.seq = c.ref_seq WHERE c.ref_seq != {PAPER} "
        f"AND r.work_id IS NOT NULL{where} ORDER BY c.corrected_at", args)
    return _grouped(rows)


def _corrected_ids(field: str, condition: str = "1") -> str:
    return ("(SELECT cp.id FROM corrections c JOIN files cf ON cf.sha256 = c.sha256 "
            f"JOIN papers cp ON cp.file_id = cf.id AND cp.seq = c.paper_seq WHERE c.ref_seq = {PAPER} "
            f"AND c.field = '{field}' AND {condition})")


def paper_filter_sql(field: str, column: str, condition: str) -> str:
    """A search filter on papers `p` that reads a field as corrected: `condition` ("{} >= ?", one `?`)
    holds for the extracted `column` of an uncorrected paper or for the corrected value. The caller
    binds its argument twice. The subqueries read only the (small) corrections table and are run
    once per query, not once per passage.
    """
    corrected = condition.format("json_extract(c.value, '$')")
    return (f"(({condition.format('p.' + column)} AND p.id NOT IN {_corrected_ids(field)}) "
            f"OR p.id IN {_corrected_ids(field, corrected)})")


def count(conn: sqlite3.Connection, sha256: str | None = None, paper_seq: int | None = None) -> int:
    """Corrections stored (of one file, or of one paper and its reference entries)."""
    if sha256 is None:
        return conn.execute("SELECT count(*) FROM corrections").fetchone()[0]
    if paper_seq is None:
        return conn.execute("SELECT count(*) FROM corrections WHERE sha256 = ?", (sha256,)).fetchone()[0]
    return conn.execute("SELECT count(*) FROM corrections WHERE sha256 = ? AND paper_seq = ?",
                        (sha256, paper_seq)).fetchone()[0]
