"""Bibliography records ("works") for export: the knowledge base's papers and the works they cite.

A paper's record holds only what was read from its pages: authors as family and given names,
and the container (journal or proceedings), volume, issue, publisher and place that its running
headers, masthead or citation line print. What was not printed stays empty rather than guessed,
unless a hand correction (`kb edit`) gives it: library's readers lay those over the extracted values.
"""

from __future__ import annotations

import json
import re
import sqlite3

from kb import library
from kb.curation.fields import apply_ref
from kb.store import corrections

_PROCEEDINGS = re.compile(r"(proceedings|proc\.|conference|symposium|workshop|congress|материалы|матеріали|"
                          r"конференц|сборник|збірник|тезисы|тези|труды)", re.IGNORECASE)


def paper_type(venue: dict) -> str | None:
    """article when a volume or issue is printed, conference for proceedings; otherwise the fields decide."""
    if venue.get("volume") or venue.get("issue"):
        return "article"
    if venue.get("container") and _PROCEEDINGS.search(venue["container"]):
        return "conference"
    return None


def _item_kind(item: dict | None) -> str | None:
    """The type a Zotero or BibTeX item declares (journalArticle -> article), when it came from one."""
    from kb.ingest.items import ITEM_KINDS

    return ITEM_KINDS.get(item["type"] or "") if item else None


def paper_works(conn: sqlite3.Connection, paper_ids: list[int] | None = None) -> list[dict]:
    papers = library.list_papers(conn)
    if paper_ids is not None:  # a copy asked for is its group's shown paper (kb/dedup): one entry per work
        canon = {p["id"]: p["same_as"] or p["id"] for p in papers}
        order: dict[int, int] = {}
        for pid in paper_ids:
            order.setdefault(canon.get(pid, pid), len(order))
        papers = sorted((p for p in papers if p["id"] in order), key=lambda p: order[p["id"]])
    out = []
    for p in papers:
        if p["fragment"] or not p["title"] or p.get("same_as"):
            continue  # a fragment has no title to cite; a copy is cited as its group's shown paper
        pages = p["pages"]
        venue = p["venue"]
        authors = [{"family": a["family"], "given": a.get("given")} for a in p["authors_parsed"] if a.get("family")]
        printed = p["page_range"] or (pages["first"] if pages["first"] == pages["last"]
                                      else f"{pages['first']}–{pages['last']}")
        out.append({
            "id": f"paper{p['id']}", "type": _item_kind(p.get("item")) or paper_type(venue), "authors": authors,
            "title": p["title"], "container": venue.get("container"), "year": str(p["year"]) if p["year"] else None,
            "volume": venue.get("volume"), "issue": venue.get("issue"), "pages": printed,
            "publisher": venue.get("publisher"), "place": venue.get("place"), "doi": p["doi"], "url": None,
            "accessed": None, "lang": p["lang"],
        })
    return out


def cited_works(conn: sqlite3.Connection, paper_ids: list[int] | None = None) -> list[dict]:
    """De-duplicated works cited by the given papers (all papers when None)."""
    if paper_ids is not None and not paper_ids:
        return []
    sql = ("SELECT DISTINCT w.id, w.fields FROM works w JOIN refs r ON r.work_id = w.id"
           + (f" WHERE r.paper_id IN ({','.join('?' * len(paper_ids))})" if paper_ids else "") + " ORDER BY w.id")
    rows = conn.execute(sql, paper_ids or []).fetchall()
    fixes = corrections.for_works(conn, [r[0] for r in rows])  # an entry corrected by hand corrects its work
    return [{"id": f"work{r[0]}", **apply_ref(json.loads(r[1]), fixes.get(r[0], {}), mark=False)} for r in rows]
