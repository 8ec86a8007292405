"""The evidence page: recommendations in, `kb evidence`'s report out (as a page, and as Markdown,
DOCX or JSON). The layout comes from kb.evidence.report, so all four say the same thing."""

from __future__ import annotations

import io
import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kb.evidence import find as finder
from kb.evidence import report
from kb.evidence.find import Evidence
from kb.web import params
from kb.web.pages.common import STYLES, pdf_url
from kb.web.service import EVIDENCE_CACHE, Kb
from kb.web.templating import render

MAX_RECS = 20
FORMATS = {  # format -> (media type, file name)
    "markdown": ("text/markdown; charset=utf-8", "evidence-report.md"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "evidence-report.docx"),
    "json": ("application/json", "evidence-report.json"),
}
LOADING = "the language model is still loading; try again in a few seconds"


def parse_recs(raw: str) -> list[str]:
    """One recommendation per line; blank lines and lines starting with # are skipped (as --file)."""
    recs = [x.strip() for x in raw.splitlines() if x.strip() and not x.lstrip().startswith("#")]
    if len(recs) > MAX_RECS:
        raise params.BadRequest(f"at most {MAX_RECS} recommendations at a time (got {len(recs)})")
    for r in recs:
        if len(r) > params.MAX_QUERY:
            raise params.BadRequest(f"a recommendation is too long ({len(r)} characters, at most {params.MAX_QUERY})")
    return recs


def evidence_for(kb: Kb, recs: list[str]) -> list[Evidence]:
    """The evidence of each recommendation, from a small cache so a download after the report is instant."""
    if not kb.ready:
        raise params.BadRequest(LOADING, 503)
    key = tuple(recs)
    if key in kb.evidence:
        kb.evidence.move_to_end(key)
        return kb.evidence[key]
    found = [finder.find(kb.searcher, r, min_support=finder.MIN_SUPPORT) for r in recs]
    kb.evidence[key] = found
    while len(kb.evidence) > EVIDENCE_CACHE:
        kb.evidence.popitem(last=False)
    return found


def report_view(kb: Kb, recs: list[str], style: str) -> dict:
    """The report as the template shows it, built with the report module's own helpers."""
    found = evidence_for(kb, recs)
    refs = report.References(kb.conn, found, style)
    items = []
    for i, e in enumerate(found, 1):
        groups, number = report.groups(e)
        langs = report.languages(e)
        items.append({
            "n": i, "recommendation": e.recommendation, "strength": e.strength(), "found": e.found,
            "aspects": report.aspect_lines(e, number), "headers": report.quote_headers(langs),
            "groups": [{
                "source": report.short_source(g.quotes[0][1], refs), "title": report.title(g.paper),
                "paper_id": g.paper["id"],
                "rows": [{"n": n, "pages": report.pages(q), "note": report.note(q),
                          "pdf": pdf_url(q.paper, q.pages["first_index"]),
                          "cells": [q.text if len(langs) == 1 or report.quote_lang(q) == x else "" for x in langs]}
                         for n, q in g.quotes]} for g in groups]})
    return {"recommendations": items, "references": refs.entries()}


def download(kb: Kb, recs: list[str], style: str, fmt: str) -> bytes:
    found = evidence_for(kb, recs)
    if fmt == "markdown":
        return report.markdown(kb.conn, found, style).encode("utf-8")
    if fmt == "json":
        return json.dumps(report.as_json(kb.conn, found, style), ensure_ascii=False, indent=2).encode("utf-8")
    from kb.evidence.docx_report import build

    buf = io.BytesIO()
    build(kb.conn, found, style).save(buf)
    return buf.getvalue()


async def _read(request: Request) -> tuple[str, list[str], str]:
    form = await request.form(max_files=0, max_fields=10)
    params.check_all((k, v) for k, v in form.multi_items() if isinstance(v, str))
    raw = params.text(form, "recs", params.MAX_BODY)
    return raw, parse_recs(raw), params.choice(form, "style", STYLES, "gost")


async def evidence_page(request: Request) -> Response:
    service = request.app.state.service
    if request.method == "GET":
        return render(request, "evidence.html", recs_text="", recs=[], style="gost", styles=STYLES, report=None,
                      formats=FORMATS)
    raw, recs, style = await _read(request)
    if not recs:
        raise params.BadRequest("give at least one recommendation (one per line)")
    if service.model_state != "ready":
        raise params.BadRequest(LOADING if service.model_state == "loading"
                                else "evidence needs the language model, which is not available", 503)
    view = await service.run(report_view, recs, style)
    return render(request, "evidence.html", recs_text=raw, recs=recs, style=style, styles=STYLES, report=view,
                  formats=FORMATS)


async def evidence_download(request: Request) -> Response:
    _, recs, style = await _read(request)
    fmt = params.choice(await request.form(), "format", FORMATS, "markdown")
    if not recs:
        raise params.BadRequest("give at least one recommendation (one per line)")
    if request.app.state.service.model_state != "ready":
        raise params.BadRequest(LOADING, 503)
    body = await request.app.state.service.run(download, recs, style, fmt)
    media, name = FORMATS[fmt]
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


routes = [Route("/evidence", evidence_page, methods=["GET", "POST"], name="evidence"),
          Route("/evidence/download", evidence_download, methods=["POST"], name="evidence_download")]
