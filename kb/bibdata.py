"""Bibliography records ("works") for export: the knowledge base's papers and the works they cite.

A paper's record holds only what was read from it; its container (journal or proceedings)
is not printed on its pages in a form kb reads, so it stays empty rather than guessed.
"""

from __future__ import annotations

import json
import sqlite3

from kb import library
from kb.cite.names import parse_name


def _name(author: str) -> str:
    n = parse_name(author)
    return n.surname if n.literal else f"{n.surname} {n.initials_dotted()}".strip()


def paper_works(conn: sqlite3.Connection, paper_ids: list[int] | None = None) -> list[dict]:
    papers = library.list_papers(conn)
    if paper_ids is not None:
        order = {pid: i for i, pid in enumerate(paper_ids)}
        papers = sorted((p for p in papers if p["id"] in order), key=lambda p: order[p["id"]])
    out = []
    for p in papers:
        if p["fragment"] or not p["title"]:
            continue  # a fragment has no title to cite
        pages = p["pages"]
        out.append({
            "id": f"paper{p['id']}", "type": None, "authors": [_name(a) for a in p["authors"]],
            "title": p["title"], "container": None, "year": str(p["year"]) if p["year"] else None,
            "volume": None, "issue": None,
            "pages": pages["first"] if pages["first"] == pages["last"] else f"{pages['first']}–{pages['last']}",
            "publisher": None, "place": None, "doi": p["doi"], "url": None, "accessed": None, "lang": p["lang"],
        })
    return out


def cited_works(conn: sqlite3.Connection, paper_ids: list[int] | None = None) -> list[dict]:
    """De-duplicated works cited by the given papers (all papers when None)."""
    if paper_ids is not None and not paper_ids:
        return []
    sql = ("SELECT DISTINCT w.id, w.fields FROM works w JOIN refs r ON r.work_id = w.id"
           + (f" WHERE r.paper_id IN ({','.join('?' * len(paper_ids))})" if paper_ids else "") + " ORDER BY w.id")
    rows = conn.execute(sql, paper_ids or []).fetchall()
    return [{"id": f"work{r[0]}", **json.loads(r[1])} for r in rows]
