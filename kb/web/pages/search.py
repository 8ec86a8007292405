"""The search page: one query box, the filters of `kb search`, hits with highlights and citations."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kb.errors import KbError
from kb.search.search import MODES, Filters
from kb.web import params
from kb.web.pages.common import STYLES, hit_view
from kb.web.service import Kb
from kb.web.templating import render

MAX_K = 50
_LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    mode: str = "hybrid"
    lang: str = ""
    year_from: int | None = None
    year_to: int | None = None
    author: str = ""
    topic: str = ""
    style: str = "gost"
    k: int = 10

    def filters(self) -> Filters:
        return Filters(lang=self.lang or None, year_from=self.year_from, year_to=self.year_to,
                       author=self.author or None, themes=(self.topic,) if self.topic else None)


def read_form(request: Request) -> SearchForm:
    """The query string as a SearchForm; anything malformed is a 400 naming the parameter."""
    q = request.query_params
    lang = params.text(q, "lang", 8)
    if lang and not _LANG.fullmatch(lang):
        raise params.BadRequest("lang: expected a language code such as ru or en")
    topic = params.text(q, "topic", 100)
    tax = request.app.state.service.taxonomy
    if topic and topic not in tax.ids:
        try:
            topic = tax.resolve(topic).id
        except KbError as exc:
            raise params.BadRequest(f"topic: {exc}") from exc
    form = SearchForm(
        q=params.text(q, "q", params.MAX_QUERY), mode=params.choice(q, "mode", MODES, "hybrid"), lang=lang,
        year_from=params.integer(q, "year_from", 0, 9999), year_to=params.integer(q, "year_to", 0, 9999),
        author=params.text(q, "author"), topic=topic, style=params.choice(q, "style", STYLES, "gost"),
        k=params.integer(q, "k", 1, MAX_K, 10))
    if form.year_from is not None and form.year_to is not None and form.year_from > form.year_to:
        raise params.BadRequest("year range: 'from' is after 'to'")
    return form


def facets(kb: Kb) -> dict:
    """Languages and years offered by the form; computed once per state of the knowledge base."""
    if kb.facets is None:
        langs = [r[0] for r in kb.conn.execute(
            "SELECT DISTINCT lang FROM passages WHERE lang IS NOT NULL ORDER BY lang")]
        lo, hi = kb.conn.execute("SELECT min(year), max(year) FROM papers").fetchone()
        kb.facets = {"langs": langs, "years": (lo, hi)}
    return kb.facets


def run_search(kb: Kb, form: SearchForm) -> dict:
    """Runs on the worker thread: the hits (lexical until the model is there) and the form's facets."""
    mode = form.mode if kb.ready or form.mode == "lexical" else "lexical"
    hits, took = [], 0.0
    if form.q:
        t0 = time.perf_counter()
        found = kb.searcher.search(form.q, k=form.k, mode=mode, filters=form.filters())
        took = (time.perf_counter() - t0) * 1000
        hits = [hit_view(h, form.q) for h in found]
    return {"hits": hits, "mode_used": mode, "took_ms": took, "facets": facets(kb)}


def fallback_note(model_state: str) -> str:
    if model_state == "loading":
        return ("The language model is still loading: these are lexical (keyword) results; a question in "
                "one language finds passages in the other once it is ready.")
    return "The language model is not available, so search is lexical (keyword) only."


async def search_page(request: Request) -> Response:
    form = read_form(request)
    service = request.app.state.service
    data = await service.run(run_search, form)
    data["note"] = fallback_note(service.model_state) if data["mode_used"] != form.mode else None
    themes = [(t.id, t.label_en, t.label_ru) for t in service.taxonomy.themes]
    return render(request, "search.html", form=form, modes=MODES, styles=STYLES, themes=themes, **data)


routes = [Route("/", search_page, name="search"), Route("/search", search_page)]
