"""What several pages show the same way: a hit, its citations and its link into the PDF."""

from __future__ import annotations

from kb import render as cli_render
from kb.search.search import Hit
from kb.web.highlight import highlight

STYLES = ("gost", "apa")


def pdf_url(paper: dict, page_index: int) -> str | None:
    """`/files/<file id>.pdf#page=N` (N = physical page index + 1); None when the source is no PDF."""
    source = paper.get("source") or ""
    if not source.lower().endswith(".pdf"):
        return None
    return f"/files/{paper['file_id']}.pdf#page={page_index + 1}"


def unique_cites(hit: Hit) -> list[dict]:
    seen: set[int] = set()
    out = []
    for c in hit.cites:
        if c["ref_id"] not in seen:
            seen.add(c["ref_id"])
            out.append(c)
    return out


def hit_view(hit: Hit, query: str = "") -> dict:
    """A hit as the templates print it: both citation styles, so the switch needs no new search."""
    return {
        "rank": hit.rank, "score": hit.score, "text": highlight(hit.text, query) if query else hit.text,
        "paper": hit.paper, "pages": hit.pages, "section": hit.section, "heading": hit.heading, "lang": hit.lang,
        "source": hit.source, "citations": {s: cli_render.citation(hit, s) for s in STYLES},
        "pdf": pdf_url(hit.paper, hit.pages["first_index"]), "cites": unique_cites(hit),
    }
