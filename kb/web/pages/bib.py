"""The bibliography page: tick papers or cited works, download them in any format of `kb bib`
(GOST R 7.0.100-2018, APA, BibTeX, RIS, CSL-JSON), built by the same kb.bibdata and kb.cite code."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kb import bibdata, library
from kb.cite import bibliography, export
from kb.web import params
from kb.web.service import Kb
from kb.web.templating import render

FORMATS = {  # format -> (label, media type, file extension)
    "gost": ("GOST R 7.0.100-2018", "text/plain; charset=utf-8", "txt"),
    "apa": ("APA 7", "text/plain; charset=utf-8", "txt"),
    "bibtex": ("BibTeX", "application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("RIS", "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": ("CSL-JSON", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def choices(kb: Kb) -> dict:
    """Every citable paper and cited work, each with its GOST entry as its label."""
    papers = bibdata.paper_works(kb.conn)
    works = bibdata.cited_works(kb.conn)
    cited_by = {w["id"]: w["n_cited"] for w in library.list_works(kb.conn)}

    def entry(work: dict) -> str:
        return " ".join(bibliography.render([work], "gost", numbered=False).split())

    return {"papers": [{"id": _num(w["id"]), "entry": entry(w)} for w in papers],
            "works": [{"id": _num(w["id"]), "entry": entry(w), "cited_by": cited_by.get(_num(w["id"]), 0)}
                      for w in works]}


def _num(record_id: str) -> int:
    """'paper12' or 'work7' -> 12 or 7 (bibdata's record ids)."""
    return int(record_id.removeprefix("paper").removeprefix("work"))


def build(kb: Kb, paper_ids: list[int], work_ids: list[int], with_cited: bool, fmt: str) -> tuple[str, int]:
    """(the exported text, number of entries): chosen papers, then chosen works (and, if asked, the
    works the chosen papers cite), de-duplicated; GOST and APA lists sorted as `kb bib` sorts them."""
    items = bibdata.paper_works(kb.conn, paper_ids) if paper_ids else []
    wanted = {f"work{i}" for i in work_ids}
    works = [w for w in bibdata.cited_works(kb.conn) if w["id"] in wanted] if wanted else []
    if with_cited and paper_ids:
        seen = {w["id"] for w in works}
        works += [w for w in bibdata.cited_works(kb.conn, paper_ids) if w["id"] not in seen]
    items += works
    if fmt in ("gost", "apa"):
        items.sort(key=lambda w: bibliography.sort_key(w, fmt))
    out = export.export(items, fmt)
    if not isinstance(out, str):
        out = json.dumps(out, ensure_ascii=False, indent=2)
    return (out if out.endswith("\n") else out + "\n"), len(items)


async def bib_page(request: Request) -> Response:
    data = await request.app.state.service.run(choices)
    return render(request, "bib.html", formats=FORMATS, **data)


async def bib_download(request: Request) -> Response:
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=2 * params.MAX_VALUES + 10)
    else:
        form = request.query_params
    params.check_all((k, v) for k, v in form.multi_items() if isinstance(v, str))
    fmt = params.choice(form, "format", FORMATS, "gost")
    paper_ids = params.ids(form.getlist("paper"), "paper")
    work_ids = params.ids(form.getlist("work"), "work")
    with_cited = params.text(form, "with_cited", 10) in ("1", "on", "yes")
    if not paper_ids and not work_ids:
        raise params.BadRequest("choose at least one paper or cited work")
    text, n = await request.app.state.service.run(build, paper_ids, work_ids, with_cited, fmt)
    if n == 0:
        raise params.BadRequest("none of the chosen ids is a citable paper or cited work", 404)
    _, media, ext = FORMATS[fmt]
    name = f"bibliography-{fmt}.{ext}"
    return Response(text.encode("utf-8"), media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


routes = [Route("/bib", bib_page, name="bib"),
          Route("/bib/download", bib_download, methods=["GET", "POST"], name="bib_download")]
