"""Read-side API over the knowledge base: what the CLI prints, as plain dicts (JSON-ready)."""

from __future__ import annotations

import json
import os
import sqlite3

from kb.curation.fields import apply_paper, apply_ref
from kb.ingest.papermeta import parsed_authors
from kb.store import corrections, db, sources
from kb.store import groups as paper_groups
from kb.store.corrections import Fixes

VENUE_FIELDS = ("container", "volume", "issue", "publisher", "place")


def _labels(conn: sqlite3.Connection, file_id: int) -> dict[int, str]:
    return {r["idx"]: r["label"] for r in conn.execute("SELECT idx, label FROM pages WHERE file_id = ?", (file_id,))}


def paper_briefs(conn: sqlite3.Connection, paper_ids: set[int]) -> dict[int, dict]:
    """What search hits show of their papers (lighter than paper_dict: no counts, no abstract)."""
    ids = list(paper_ids)
    rows = conn.execute("SELECT p.id, p.file_id, p.title, p.authors, p.year, p.lang, p.doi, f.path FROM papers p "
                        f"JOIN files f ON f.id = p.file_id WHERE p.id IN ({','.join('?' * len(ids))})", ids)
    fixes = corrections.for_papers(conn, ids)
    return {row["id"]: apply_paper({"id": row["id"], "file_id": row["file_id"], "title": row["title"],
                                    "authors": json.loads(row["authors"]), "year": row["year"], "lang": row["lang"],
                                    "doi": row["doi"], "source": display_path(row["path"])},
                                   fixes.get(row["id"], {}), mark=False) for row in rows}


def page_labels_for(conn: sqlite3.Connection, file_id: int, pages: tuple[int, ...]) -> dict[int, str]:
    marks = ",".join("?" * len(pages))
    return {r[0]: r[1] for r in conn.execute(
        f"SELECT idx, label FROM pages WHERE file_id = ? AND idx IN ({marks})", (file_id, *pages))}


def display_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


def page_label(labels: dict[int, str], index: int) -> str:
    """The printed label, or the 1-based physical page number when none was printed."""
    return labels.get(index) or str(index + 1)


def page_span(labels: dict[int, str], first: int, last: int) -> dict:
    return {"first": page_label(labels, first), "last": page_label(labels, last),
            "first_index": first, "last_index": last}


def paper_dict(conn: sqlite3.Connection, row: sqlite3.Row, labels: dict[int, str] | None = None,
               fixes: Fixes | None = None) -> dict:
    """A paper as every output shows it: as extracted, with its hand corrections (`kb edit`) over it."""
    labels = labels if labels is not None else _labels(conn, row["file_id"])
    if fixes is None:
        fixes = corrections.for_papers(conn, [row["id"]]).get(row["id"], {})
    source = conn.execute("SELECT path FROM files WHERE id = ?", (row["file_id"],)).fetchone()["path"]
    n_passages = conn.execute("SELECT count(*) FROM passages WHERE paper_id = ?", (row["id"],)).fetchone()[0]
    return apply_paper({
        "id": row["id"],
        "file_id": row["file_id"],
        "title": row["title"],
        "authors": json.loads(row["authors"]),
        "authors_parsed": authors_parsed(row),
        "affiliation": row["affiliation"],
        "year": row["year"],
        "lang": row["lang"],
        "udc": row["udc"],
        "doi": row["doi"],
        "keywords": json.loads(row["keywords"]),
        "abstract": row["abstract"],
        "source": display_path(source),
        "pages": page_span(labels, row["page_first"], row["page_last"]),
        "page_range": row["page_range"],
        "venue": {k: row[k] for k in VENUE_FIELDS},
        "fragment": bool(row["fragment"]),
        "n_passages": n_passages,
        **sources.paper_fields(conn, row),  # collections, tags, item, extracted (kb ingest --zotero/--bib)
    }, fixes)


def authors_parsed(row: sqlite3.Row) -> list[dict]:
    """Stored family/given names; a paper stored before they were kept has its printed names parsed now."""
    if row["authors_parsed"] is not None:
        return json.loads(row["authors_parsed"])
    return parsed_authors(json.loads(row["authors"]))


def list_papers(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute("SELECT * FROM papers ORDER BY file_id, seq").fetchall()
    label_cache: dict[int, dict[int, str]] = {}
    fixes = corrections.for_papers(conn)
    out = []
    for row in rows:
        if row["file_id"] not in label_cache:
            label_cache[row["file_id"]] = _labels(conn, row["file_id"])
        out.append(paper_dict(conn, row, label_cache[row["file_id"]], fixes.get(row["id"], {})))
    return with_sources(conn, out)


def with_sources(conn: sqlite3.Connection, papers: list[dict]) -> list[dict]:
    """Copies of one paper (kb/dedup): `same_as` names the shown copy on the others, and the shown
    one lists every copy under `sources`, each with its own file and pages."""
    canon = paper_groups.canonical_map(conn)
    groups: dict[int, list[int]] = {}
    for pid, c in canon.items():
        groups.setdefault(c, []).append(pid)
    spans = paper_spans(conn, list(canon)) if canon else {}
    files = paper_groups.identities(conn, list(canon)) if canon else {}
    for p in papers:
        c = canon.get(p["id"])
        p["same_as"] = c if c is not None and c != p["id"] else None
        if c == p["id"]:
            p["sources"] = [{"paper_id": m, "file": display_path(files[m]["path"]), "pages": spans[m]}
                            for m in [c, *sorted(x for x in groups[c] if x != c)]]
    return papers


def paper_spans(conn: sqlite3.Connection, paper_ids: list[int]) -> dict[int, dict]:
    """Each paper's own pages (printed labels and physical indexes)."""
    if not paper_ids:
        return {}
    rows = conn.execute(f"SELECT id, file_id, page_first, page_last FROM papers WHERE id IN "
                        f"({','.join('?' * len(paper_ids))})", paper_ids).fetchall()
    labels: dict[int, dict[int, str]] = {}
    out = {}
    for r in rows:
        if r["file_id"] not in labels:
            labels[r["file_id"]] = _labels(conn, r["file_id"])
        out[r["id"]] = page_span(labels[r["file_id"]], r["page_first"], r["page_last"])
    return out


def get_paper(conn: sqlite3.Connection, paper_id: int, *, with_passages: bool = True) -> dict | None:
    row = conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if row is None:
        return None
    labels = _labels(conn, row["file_id"])
    out = with_sources(conn, [paper_dict(conn, row, labels)])[0]
    out["sections"] = [
        {"kind": s["kind"], "pages": page_span(labels, s["page_first"], s["page_last"]), "text": s["text"]}
        for s in conn.execute("SELECT * FROM sections WHERE paper_id = ? ORDER BY seq", (paper_id,))
    ]
    if with_passages:
        out["passages"] = [
            {"id": p["id"], "section": p["section"], "heading": p["heading"], "lang": p["lang"],
             "pages": page_span(labels, p["page_first"], p["page_last"]), "text": p["text"]}
            for p in conn.execute("SELECT * FROM passages WHERE paper_id = ? ORDER BY seq", (paper_id,))
        ]
    return out


def stats(conn: sqlite3.Connection) -> dict:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    langs = {r[0] or "unknown": r[1] for r in conn.execute("SELECT lang, count(*) FROM papers GROUP BY lang")}
    return {
        "files": one("SELECT count(*) FROM files"),
        "papers": one("SELECT count(*) FROM papers"),
        "fragments": one("SELECT count(*) FROM papers WHERE fragment = 1"),
        "pages": one("SELECT coalesce(sum(n_pages), 0) FROM files"),
        "ocr_pages": one("SELECT coalesce(sum(ocr_pages), 0) FROM files"),
        "passages": one("SELECT count(*) FROM passages"),
        "words": one("SELECT coalesce(sum(n_words), 0) FROM passages"),
        "papers_by_lang": langs,
        "schema_version": db.schema_version(conn),
    }


# --- references -------------------------------------------------------------------------------

_REF_FIELDS = ("title", "container", "year", "volume", "issue", "pages", "publisher", "place", "doi", "url",
               "accessed", "type")


def ref_dict(row: sqlite3.Row, labels: dict[int, str] | None = None, fixes: Fixes | None = None) -> dict:
    """A reference entry as parsed, with its hand corrections over it (`corrected` says which)."""
    out = {"id": row["id"], "paper_id": row["paper_id"], "n": row["n"], "raw": row["raw"],
           "authors": json.loads(row["authors"])}
    out.update({k: row[k] for k in _REF_FIELDS})
    out.update({"style": row["style"], "work_id": row["work_id"], "parsed_ok": bool(row["parsed_ok"])})
    if labels is not None and row["page"] is not None:
        out["page"] = page_label(labels, row["page"])
    return apply_ref(out, fixes or {})


def list_refs(conn: sqlite3.Connection, paper_id: int | None = None) -> list[dict]:
    sql = "SELECT r.*, p.file_id FROM refs r JOIN papers p ON p.id = r.paper_id"
    args: tuple = ()
    if paper_id is not None:
        sql += " WHERE r.paper_id = ?"
        args = (paper_id,)
    cache: dict[int, dict[int, str]] = {}
    fixes = corrections.for_refs(conn)
    out = []
    for row in conn.execute(sql + " ORDER BY r.paper_id, r.seq", args):
        if row["file_id"] not in cache:
            cache[row["file_id"]] = _labels(conn, row["file_id"])
        out.append(ref_dict(row, cache[row["file_id"]], fixes.get(row["id"])))
    return out


def list_works(conn: sqlite3.Connection, min_cited: int = 1) -> list[dict]:
    rows = conn.execute(
        # copies of one paper (kb/dedup) cite as one: a work is counted once per group, by its shown copy
        "SELECT w.id, w.fields, group_concat(DISTINCT coalesce(g.canonical_id, r.paper_id)) AS papers, "
        "count(DISTINCT coalesce(g.canonical_id, r.paper_id)) AS n_papers "
        "FROM works w JOIN refs r ON r.work_id = w.id LEFT JOIN paper_groups g ON g.paper_id = r.paper_id "
        "GROUP BY w.id HAVING n_papers >= ? ORDER BY n_papers DESC, w.id",
        (min_cited,)).fetchall()
    fixes = corrections.for_works(conn, [row["id"] for row in rows])
    out = []
    for row in rows:
        fields = apply_ref(json.loads(row["fields"]), fixes.get(row["id"], {}), mark=False)
        out.append({"id": row["id"], **fields, "cited_by": sorted(int(x) for x in row["papers"].split(",")),
                    "n_cited": row["n_papers"]})
    return out


def passage_citations(conn: sqlite3.Connection, passage_id: int) -> list[dict]:
    """The works a passage cites, resolved to its paper's reference entries."""
    return citations_for(conn, [passage_id]).get(passage_id, [])


def citations_for(conn: sqlite3.Connection, passage_ids: list[int]) -> dict[int, list[dict]]:
    rows = conn.execute(
        "SELECT c.passage_id AS cited_from, c.marker, c.locator, r.* FROM citations c JOIN refs r ON r.id = c.ref_id "
        f"WHERE c.passage_id IN ({','.join('?' * len(passage_ids))}) ORDER BY c.rowid", passage_ids).fetchall()
    fixes = corrections.for_refs(conn, {row["id"] for row in rows})
    out: dict[int, list[dict]] = {}
    for row in rows:
        ref = ref_dict(row, fixes=fixes.get(row["id"]))
        out.setdefault(row["cited_from"], []).append({"marker": row["marker"], "locator": row["locator"], "n": ref["n"], "ref_id": ref["id"],
                    "work_id": ref["work_id"], "authors": ref["authors"], "title": ref["title"],
                    "year": ref["year"], "container": ref["container"], "doi": ref["doi"], "raw": ref["raw"]})
    return out
