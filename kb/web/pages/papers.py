"""The papers list and one paper: metadata, sections, passages, and its reference list with the
other papers of the knowledge base that cite the same works (what `kb show`, `kb refs` and
`kb works` print)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kb import library
from kb.cite.styles import cite
from kb.themes import store as theme_store
from kb.web import params
from kb.web.pages.common import STYLES, pdf_url
from kb.web.service import Kb
from kb.web.templating import render


def list_papers(kb: Kb) -> list[dict]:
    return library.list_papers(kb.conn)


def co_citing(kb: Kb, paper_id: int, work_ids: list[int]) -> dict[int, list[dict]]:
    """work id -> the other papers citing it (one query for the whole list, not `kb works`' scan)."""
    if not work_ids:
        return {}
    marks = ",".join("?" * len(work_ids))
    rows = kb.conn.execute(f"SELECT DISTINCT work_id, paper_id FROM refs WHERE work_id IN ({marks}) "
                           "AND paper_id != ? ORDER BY paper_id", (*work_ids, paper_id)).fetchall()
    briefs = library.paper_briefs(kb.conn, {r[1] for r in rows}) if rows else {}
    out: dict[int, list[dict]] = {}
    for work_id, other in rows:
        out.setdefault(work_id, []).append(briefs[other])
    return out


def paper_data(kb: Kb, paper_id: int) -> dict | None:
    paper = library.get_paper(kb.conn, paper_id)
    if paper is None:
        return None
    paper["file_id"] = kb.conn.execute("SELECT file_id FROM papers WHERE id = ?", (paper_id,)).fetchone()[0]
    refs = library.list_refs(kb.conn, paper_id)
    others = co_citing(kb, paper_id, sorted({r["work_id"] for r in refs if r["work_id"] is not None}))
    for r in refs:
        r["also_cited_by"] = others.get(r["work_id"], [])
    tags = theme_store.themes_of(kb.conn, [p["id"] for p in paper["passages"]])
    labels = {t.id: t.label_en for t in kb.taxonomy.themes}
    for p in paper["passages"]:
        p["pdf"] = pdf_url(paper, p["pages"]["first_index"])
        p["themes"] = [labels.get(t, t) for t in tags.get(p["id"], {})][:4]
    span = paper["pages"]
    venue = "; ".join(f"{k} {v}" for k, v in (paper.get("venue") or {}).items() if v)
    return {"paper": paper, "refs": refs, "pdf": pdf_url(paper, span["first_index"]), "venue": venue,
            "citations": {s: cite(paper, span["first"], span["last"], s) for s in STYLES}}


async def papers_page(request: Request) -> Response:
    items = await request.app.state.service.run(list_papers)
    return render(request, "papers.html", papers=items)


async def paper_page(request: Request) -> Response:
    paper_id = params.path_id(request.path_params["paper_id"], "paper")
    style = params.choice(request.query_params, "style", STYLES, "gost")
    data = await request.app.state.service.run(paper_data, paper_id)
    if data is None:
        raise params.BadRequest(f"no paper with id {paper_id}", 404)
    return render(request, "paper.html", style=style, styles=STYLES, **data)


routes = [Route("/papers", papers_page, name="papers"), Route("/papers/{paper_id}", paper_page, name="paper")]
