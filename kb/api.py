"""The JSON payloads of `kb search`, `kb evidence`, `kb show`, `kb refs` and `kb bib`, as plain functions.

The CLI's `--json` paths and the MCP server (kb/mcp_server.py) both call these, so what an assistant
is handed over MCP is byte for byte what `kb ... --json` prints. Heavy imports (numpy, FAISS, the
embedder) stay inside the functions: `kb papers` must not pay for them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kb import library
from kb.errors import KbError

if TYPE_CHECKING:
    from kb.evidence.find import Evidence
    from kb.search.search import Filters, Hit, Searcher

YEAR_FORMS = "2020, 2018-2022, 2020- or -2019"


# --- search ------------------------------------------------------------------------------------

def searcher(conn: sqlite3.Connection, kb_dir: Path, *, mode: str = "hybrid", model: str | None = None) -> Searcher:
    """A Searcher with the full-text index complete and, unless lexical, the KB's embedder loaded."""
    from kb.search import indexing, lexical
    from kb.search.search import Searcher

    lexical.ensure_index(conn)
    embedder = None if mode == "lexical" else indexing.embedder_for(conn, kb_dir, model)
    return Searcher(conn, kb_dir, embedder)


def resolve_themes(kb_dir: Path, names: Iterable[str], themes_file: Path | None = None) -> list[str]:
    """Theme ids for names given by id, id suffix or label; unknown names are an error."""
    names = list(names)
    if not names:
        return []
    from kb.themes import taxonomy

    tax = taxonomy.load(themes_file, kb_dir)
    return [tax.resolve(n).id for n in names]


def search_filters(kb_dir: Path, *, lang: str | None = None, year: str | None = None, author: str | None = None,
                   paper: int | None = None, section: str | None = None, topics: Iterable[str] = (),
                   collections: Iterable[str] = (), tags: Iterable[str] = (),
                   year_option: str = "--year") -> Filters:
    """The filters of a search; a malformed year range is a KbError naming `year_option`.

    `collections` and `tags` come from Zotero or a BibTeX export (`kb ingest --zotero/--bib`): any of each.
    """
    from kb.search.search import Filters, parse_years

    try:
        year_from, year_to = parse_years(year)
    except ValueError as exc:
        raise KbError(f"{year_option}: expected {YEAR_FORMS}, got {year!r}") from exc
    themes = tuple(resolve_themes(kb_dir, topics)) or None
    return Filters(lang=lang, year_from=year_from, year_to=year_to, author=author, paper=paper, section=section,
                   themes=themes, collections=tuple(c for c in collections if c.strip()) or None,
                   tags=tuple(t for t in tags if t.strip()) or None)


def hits_json(hits: Sequence[Hit], style: str = "gost") -> list[dict]:
    """`kb search --json`: each hit with its passage as stored, its paper, printed pages and citation."""
    from kb import render

    return [render.hit_json(h, style) for h in hits]


def search(found_by: Searcher, query: str, *, k: int = 10, mode: str = "hybrid", style: str = "gost",
           filters: Filters | None = None) -> list[dict]:
    """The hits of one query as `kb search --json` prints them."""
    return hits_json(found_by.search(query, k=k, mode=mode, filters=filters), style)


# --- evidence ----------------------------------------------------------------------------------

def find_evidence(found_by: Searcher, recommendations: Sequence[str], *, k: int | None = None,
                  per_paper: int | None = None, min_score: float | None = None,
                  margin: float | None = None) -> list[Evidence]:
    """Supporting quotes per recommendation; None keeps the calibrated default of each setting."""
    from kb.evidence import find as finder

    k = finder.K if k is None else k
    per_paper = finder.PER_PAPER if per_paper is None else per_paper
    return [finder.find(found_by, r, k=k, per_paper=per_paper, min_support=min_score, margin=margin)
            for r in recommendations]


def evidence_json(conn: sqlite3.Connection, found: Sequence[Evidence], style: str = "gost") -> dict:
    """`kb evidence --json`: quotes with their page, paper, short source and reference number."""
    from kb.evidence import report

    return report.as_json(conn, list(found), style)


def evidence(found_by: Searcher, recommendations: Sequence[str], *, k: int | None = None,
             per_paper: int | None = None, style: str = "gost") -> dict:
    """find_evidence and evidence_json in one call."""
    return evidence_json(found_by.conn, find_evidence(found_by, recommendations, k=k, per_paper=per_paper), style)


# --- papers and references ----------------------------------------------------------------------

def unknown_paper(paper_id: int) -> KbError:
    return KbError(f"no paper with id {paper_id} (see `kb papers`)")


def require_paper(conn: sqlite3.Connection, paper_id: int) -> None:
    """Raise the one-line error of `kb show` when the paper does not exist."""
    if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
        raise unknown_paper(paper_id)


def paper(conn: sqlite3.Connection, paper_id: int) -> dict:
    """`kb show --json`: metadata, sections and passages of one paper."""
    data = library.get_paper(conn, paper_id)
    if data is None:
        raise unknown_paper(paper_id)
    return data


def refs(conn: sqlite3.Connection, paper_id: int | None = None) -> list[dict]:
    """`kb refs --json`: parsed reference entries (one paper's, or every paper's)."""
    return library.list_refs(conn, paper_id)


# --- bibliographies ----------------------------------------------------------------------------

def papers_for_query(found_by: Searcher, query: str, k: int = 20) -> list[int]:
    """The papers behind the hits of a search, in order of their first hit."""
    return list(dict.fromkeys(h.paper["id"] for h in found_by.search(query, k=k)))


def bib_works(conn: sqlite3.Connection, fmt: str = "gost", *, cited: bool = False,
              paper_ids: Sequence[int] | None = None, keep_order: bool = False) -> list[dict]:
    """The entries of a bibliography: the papers themselves, or the works they cite.

    GOST and APA reference lists are alphabetical unless `keep_order` (e.g. search order).
    """
    from kb import bibdata

    ids = None if paper_ids is None else list(paper_ids)
    items = bibdata.cited_works(conn, ids) if cited else bibdata.paper_works(conn, ids)
    if fmt in ("gost", "apa") and not keep_order:
        from kb.cite.bibliography import sort_key

        items.sort(key=lambda w: sort_key(w, fmt))
    return items


def bib(conn: sqlite3.Connection, fmt: str = "gost", *, cited: bool = False,
        paper_ids: Sequence[int] | None = None, keep_order: bool = False) -> str:
    """`kb bib` output: GOST or APA text, BibTeX, RIS or CSL-JSON (as JSON text)."""
    from kb.cite import export

    return export.export(bib_works(conn, fmt, cited=cited, paper_ids=paper_ids, keep_order=keep_order), fmt)
