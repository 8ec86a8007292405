"""`kb dedup`: what is grouped, what would be, and splits, as JSON-ready dicts and text lines.

The dry run does the whole of `--apply` in a transaction and rolls it back, so what it lists is
exactly what `--apply` would group.
"""

from __future__ import annotations

import sqlite3

from kb.dedup import groups
from kb.store import db


def run(conn: sqlite3.Connection, *, apply: bool = False) -> dict:
    conn.execute("BEGIN IMMEDIATE")
    try:
        pairs = groups.apply(conn)
        listing = groups.listing(conn)
        conn.execute("COMMIT" if apply else "ROLLBACK")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return {"applied": apply, "pairs": [p.as_json() for p in pairs], "groups": listing}


def split(conn: sqlite3.Connection, paper_id: int) -> dict:
    with db.transaction(conn):
        done = groups.split(conn, paper_id)
    return {**done, "groups": groups.listing(conn)}


def text(data: dict) -> str:
    lines = []
    if "split_from" in data:
        lines.append(f"split paper {data['paper_id']} from paper(s) "
                     f"{', '.join(map(str, data['split_from']))}: the pair(s) will not be grouped again")
    else:
        verb = "grouped" if data["applied"] else "would group (dry run; --apply to group)"
        for p in data["pairs"]:
            lines.append(f"{verb}: paper {p['paper_id']} = paper {p['same_as']} ({p['reason']}, score {p['score']:.2f})")
        if not data["pairs"]:
            lines.append("no new candidate pairs")
    for g in data["groups"]:
        lines.append(f"group {g['group']}: shown as paper {g['canonical']}")
        for m in g["members"]:
            pages = m["pages"]["first"] if m["pages"]["first"] == m["pages"]["last"] else \
                f"{m['pages']['first']}–{m['pages']['last']}"
            why = f" ({m['reason']} with {m['same_as']}, {m['score']:.2f})" if m["reason"] else ""
            lines.append(f"  {m['paper_id']:>5}  pp. {pages:<9} {m['file']}{why}  {m['title'] or ''}")
    if not data["groups"]:
        lines.append("no groups")
    return "\n".join(lines)
