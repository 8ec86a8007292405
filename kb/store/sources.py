"""Source items (Zotero, BibTeX, CSL-JSON) in the knowledge base: what was applied, to which paper.

An item's metadata replaces kb's own reading of a paper's title, authors, venue, year, language
and DOI; that reading is kept in `papers.extracted`, so a field the item leaves empty keeps it, an
item that changes is applied to the original reading again, and an item that no longer describes
the paper gives it back (`restore`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from difflib import SequenceMatcher

FIELDS = ("title", "authors", "authors_parsed", "year", "lang", "doi", "container", "volume", "issue", "publisher",
          "place", "page_range", "fragment")
_JSON = ("authors", "authors_parsed")


def source_id(conn: sqlite3.Connection, kind: str, location: str) -> int:
    conn.execute("INSERT INTO sources(kind, location) VALUES (?, ?) ON CONFLICT(location) DO UPDATE SET kind = "
                 "excluded.kind", (kind, location))
    return conn.execute("SELECT id FROM sources WHERE location = ?", (location,)).fetchone()[0]


def find_source(conn: sqlite3.Connection, location: str) -> int | None:
    row = conn.execute("SELECT id FROM sources WHERE location = ?", (location,)).fetchone()
    return row[0] if row else None


def item_row(conn: sqlite3.Connection, source: int | None, key: str, attachment: str) -> sqlite3.Row | None:
    if source is None:
        return None
    return conn.execute("SELECT * FROM source_items WHERE source_id = ? AND item_key = ? AND attachment = ?",
                        (source, key, attachment)).fetchone()


def known_items(conn: sqlite3.Connection, source: int | None) -> list[sqlite3.Row]:
    if source is None:
        return []
    return conn.execute("SELECT * FROM source_items WHERE source_id = ? ORDER BY id", (source,)).fetchall()


def own_reading(row: sqlite3.Row) -> dict:
    """What kb read from the PDF for the fields an item may replace (stored, or the paper's columns)."""
    if row["extracted"]:
        return json.loads(row["extracted"])
    out = {k: row[k] for k in FIELDS}
    for k in _JSON:
        out[k] = json.loads(out[k]) if out[k] is not None else None
    out["fragment"] = bool(out["fragment"])
    return out


def _write(conn: sqlite3.Connection, paper_id: int, values: dict, extracted: dict | None) -> None:
    cols = {k: values[k] for k in FIELDS}
    for k in _JSON:
        cols[k] = json.dumps(cols[k], ensure_ascii=False) if cols[k] is not None else None
    cols["authors"] = cols["authors"] or "[]"
    cols["fragment"] = int(bool(cols["fragment"]))
    cols["extracted"] = json.dumps(extracted, ensure_ascii=False) if extracted is not None else None
    conn.execute(f"UPDATE papers SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?", (*cols.values(), paper_id))


def apply_metadata(conn: sqlite3.Connection, paper_id: int, values: dict) -> None:
    """The item's values over kb's own reading; a value the item does not have keeps kb's."""
    row = conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
    own = own_reading(row)
    merged = {k: values[k] if values.get(k) is not None else own[k] for k in FIELDS}
    _write(conn, paper_id, merged, own)


def restore(conn: sqlite3.Connection, paper_id: int) -> None:
    """Give a paper back kb's own reading of it."""
    row = conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if row is not None and row["extracted"]:
        _write(conn, paper_id, json.loads(row["extracted"]), None)


def _norm(title: str | None) -> str:
    return re.sub(r"[\W_]+", "", (title or "").casefold())


def same_title(a: str | None, b: str | None) -> bool:
    x, y = _norm(a), _norm(b)
    return bool(x and y) and (x == y or SequenceMatcher(None, x, y).ratio() >= 0.9)


def choose_paper(conn: sqlite3.Connection, file_id: int, title: str | None, previous: int | None) -> tuple[int | None, int]:
    """The paper of a file that an item describes, and how many the file holds.

    The only paper, else the only whole one (not a fragment), else the one whose title is the item's.
    A paper that took the item's metadata before keeps it, so a changed title still finds its paper.
    """
    rows = conn.execute("SELECT * FROM papers WHERE file_id = ? ORDER BY seq", (file_id,)).fetchall()
    ids = [r["id"] for r in rows]
    if previous in ids:
        return previous, len(rows)
    if len(rows) == 1:
        return rows[0]["id"], 1
    whole = [r for r in rows if not own_reading(r)["fragment"]]
    if len(whole) == 1:
        return whole[0]["id"], len(rows)
    matches = [r["id"] for r in whole if same_title(own_reading(r)["title"], title)]
    return (matches[0] if len(matches) == 1 else None), len(rows)


def save_item(conn: sqlite3.Connection, source: int, *, key: str, attachment: str, item_type: str | None,
              modified: str | None, record: str, sha256: str, size: int, mtime_ns: int, file_id: int,
              paper_id: int | None) -> int:
    conn.execute(
        "INSERT INTO source_items(source_id, item_key, attachment, item_type, modified, record, sha256, size, mtime_ns,"
        " file_id, paper_id) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source_id, item_key, attachment) DO UPDATE SET"
        " item_type = excluded.item_type, modified = excluded.modified, record = excluded.record,"
        " sha256 = excluded.sha256, size = excluded.size, mtime_ns = excluded.mtime_ns, file_id = excluded.file_id,"
        " paper_id = excluded.paper_id",
        (source, key, attachment, item_type, modified, record, sha256, size, mtime_ns, file_id, paper_id))
    return item_row(conn, source, key, attachment)["id"]


def item_for_paper(conn: sqlite3.Connection, paper_id: int) -> dict | None:
    """The source item whose metadata a paper carries, as `kb papers --json` shows it."""
    row = conn.execute("SELECT s.item_key, s.item_type, s.record, src.kind, src.location FROM source_items s "
                       "JOIN sources src ON src.id = s.source_id WHERE s.paper_id = ? ORDER BY s.id DESC LIMIT 1",
                       (paper_id,)).fetchone()
    if row is None:
        return None
    record = json.loads(row["record"])
    editors = [{"family": c["family"], "given": c["given"]} for c in record.get("creators", [])
               if c.get("role") == "editor"]
    return {"source": row["kind"], "library": row["location"], "key": row["item_key"], "type": row["item_type"],
            "editors": editors}


def paper_fields(conn: sqlite3.Connection, row: sqlite3.Row) -> dict:
    """What `kb papers --json` adds to a paper row: its collections and tags, the item whose metadata
    it carries, and kb's own reading of the fields that item replaced (null when none did)."""
    from kb.store import collections

    colls, tags = collections.for_file(conn, row["file_id"])
    return {"collections": colls, "tags": tags, "item": item_for_paper(conn, row["id"]),
            "extracted": json.loads(row["extracted"]) if row["extracted"] else None}
