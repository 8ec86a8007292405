"""Collections and tags of source items: written with the item, read per paper, filtered on in search.

They belong to the item's attachment, i.e. to a file, so every paper of a proceedings volume filed
in a Zotero collection is in that collection. A collection is named by its path ("Parent/Child");
a filter on "Child", "Parent/Child" or "Parent" finds it (a collection includes its subcollections).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def replace(conn: sqlite3.Connection, item_id: int, collections: Iterable[str], tags: Iterable[str]) -> None:
    conn.execute("DELETE FROM item_collections WHERE item_id = ?", (item_id,))
    conn.execute("DELETE FROM item_tags WHERE item_id = ?", (item_id,))
    conn.executemany("INSERT OR IGNORE INTO item_collections(item_id, collection) VALUES (?, ?)",
                     [(item_id, c) for c in collections])
    conn.executemany("INSERT OR IGNORE INTO item_tags(item_id, tag) VALUES (?, ?)", [(item_id, t) for t in tags])


def for_file(conn: sqlite3.Connection, file_id: int) -> tuple[list[str], list[str]]:
    """(collections, tags) of every source item whose attachment is this file, sorted."""
    colls = [r[0] for r in conn.execute(
        "SELECT DISTINCT c.collection FROM item_collections c JOIN source_items s ON s.id = c.item_id "
        "WHERE s.file_id = ? ORDER BY c.collection", (file_id,))]
    tags = [r[0] for r in conn.execute(
        "SELECT DISTINCT t.tag FROM item_tags t JOIN source_items s ON s.id = t.item_id "
        "WHERE s.file_id = ? ORDER BY t.tag", (file_id,))]
    return colls, tags


def _segments(name: str) -> str:
    return "/" + "/".join(p.strip() for p in name.strip().strip("/").split("/")).casefold() + "/"


def filter_sql(collections: Iterable[str] = (), tags: Iterable[str] = (), papers: str = "p") -> tuple[list[str], list]:
    """WHERE conditions (and their arguments) on the papers alias `papers`: in any of the collections
    (or under one), and with any of the tags; case does not matter. Needs kb's casefold() function."""
    where: list[str] = []
    args: list = []
    colls = [_segments(c) for c in collections if c.strip().strip("/")]
    if colls:
        match = " OR ".join(["instr('/' || casefold(c.collection) || '/', ?) > 0"] * len(colls))
        where.append(f"{papers}.file_id IN (SELECT s.file_id FROM source_items s JOIN item_collections c "
                     f"ON c.item_id = s.id WHERE {match})")
        args += colls
    wanted = [t.strip().casefold() for t in tags if t.strip()]
    if wanted:
        where.append(f"{papers}.file_id IN (SELECT s.file_id FROM source_items s JOIN item_tags t "
                     f"ON t.item_id = s.id WHERE casefold(t.tag) IN ({','.join('?' * len(wanted))}))")
        args += wanted
    return where, args
