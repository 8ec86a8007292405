"""Cited works de-duplicated across papers: by DOI, else by first author + year + title.

Titles are compared after folding case, punctuation and ё, and fuzzily (difflib ratio
≥ 0.92) among works that share the first author's surname and the year, so "SME research:
..." printed with slightly different punctuation in two papers is one work.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3

FUZZY = 0.92


def fold(text: str | None) -> str:
    return re.sub(r"[\W_]+", " ", (text or "").casefold().replace("ё", "е")).strip()


def first_surname(fields: dict) -> str:
    authors = fields.get("authors") or []
    return fold(authors[0].split(" ")[0]) if authors else ""


def match_key(fields: dict) -> str:
    return f"{first_surname(fields)}|{fields.get('year') or ''}|{fold(fields.get('title'))}"


def _richness(fields: dict) -> int:
    return sum(1 for v in fields.values() if v)


def find_or_create(conn: sqlite3.Connection, fields: dict) -> int | None:
    """The id of the work these fields describe, creating it when new; None for unparsed entries."""
    if not fields.get("title") and not fields.get("doi"):
        return None
    doi = (fields.get("doi") or "").lower() or None
    row = None
    if doi:
        row = conn.execute("SELECT id, fields FROM works WHERE doi = ?", (doi,)).fetchone()
    key = match_key(fields)
    if row is None:
        row = conn.execute("SELECT id, fields FROM works WHERE match_key = ?", (key,)).fetchone()
    if row is None and fields.get("title"):
        prefix = f"{first_surname(fields)}|{fields.get('year') or ''}|"
        title = fold(fields.get("title"))
        for cand in conn.execute("SELECT id, fields, match_key FROM works WHERE match_key LIKE ? ESCAPE '\\'",
                                 (prefix.replace("%", "\\%").replace("_", "\\_") + "%",)):
            other = cand[2][len(prefix):]
            if difflib.SequenceMatcher(None, title, other).ratio() >= FUZZY:
                row = cand
                break
    if row is not None:
        old = json.loads(row[1])
        if _richness(fields) > _richness(old):
            conn.execute("UPDATE works SET fields = ?, doi = coalesce(doi, ?) WHERE id = ?",
                         (json.dumps(fields, ensure_ascii=False), doi, row[0]))
        elif doi:
            conn.execute("UPDATE works SET doi = coalesce(doi, ?) WHERE id = ?", (doi, row[0]))
        return row[0]
    cur = conn.execute("INSERT INTO works(doi, match_key, fields) VALUES (?, ?, ?)",
                       (doi, key, json.dumps(fields, ensure_ascii=False)))
    return cur.lastrowid


def drop_orphans(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM works WHERE id NOT IN (SELECT work_id FROM refs WHERE work_id IS NOT NULL)")
