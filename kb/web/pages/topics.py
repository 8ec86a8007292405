"""The topics page: each theme's passages and papers, per paper and per year, as server-drawn SVG;
and one theme's strongest passages (what `kb topics` and `kb topics show` print)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kb import library
from kb.errors import KbError
from kb.search.fusion import Candidate
from kb.themes import store as theme_store
from kb.web import charts, params
from kb.web.pages.common import STYLES, hit_view
from kb.web.service import Kb
from kb.web.templating import render

MAX_PAPER_COLUMNS = 40  # papers with the most tagged passages; the table lists the rest


def topics_data(kb: Kb) -> dict:
    themes = kb.taxonomy.themes
    index = {t.id: i for i, t in enumerate(themes)}
    counts = theme_store.theme_counts(kb.conn)
    per_paper = kb.conn.execute(
        "SELECT t.theme, ps.paper_id, count(*) FROM passage_themes t JOIN passages ps ON ps.id = t.passage_id "
        "GROUP BY t.theme, ps.paper_id").fetchall()
    per_year = kb.conn.execute(
        "SELECT t.theme, p.year, count(*), count(DISTINCT p.id) FROM passage_themes t "
        "JOIN passages ps ON ps.id = t.passage_id JOIN papers p ON p.id = ps.paper_id "
        "GROUP BY t.theme, p.year").fetchall()
    labels = [t.label_en for t in themes]
    rows = [{"id": t.id, "group": t.group, "label": t.label_en, "label_ru": t.label_ru,
             "passages": counts.get(t.id, (0, 0))[0], "papers": counts.get(t.id, (0, 0))[1]} for t in themes]
    bar_chart = charts.bars([(r["label"], f"{r['label']} / {r['label_ru']}", r["passages"], r["papers"])
                             for r in rows])

    totals: dict[int, int] = {}
    for theme, pid, n in per_paper:
        if theme in index:
            totals[pid] = totals.get(pid, 0) + n
    paper_ids = sorted(totals, key=lambda p: (-totals[p], p))[:MAX_PAPER_COLUMNS]
    briefs = library.paper_briefs(kb.conn, set(paper_ids)) if paper_ids else {}
    col = {pid: j for j, pid in enumerate(paper_ids)}
    cells, titles = {}, {}
    for theme, pid, n in per_paper:
        if theme in index and pid in col:
            cells[(index[theme], col[pid])] = n
            titles[(index[theme], col[pid])] = f"{labels[index[theme]]} — paper {pid}: {n} passages"
    paper_map = charts.heatmap(labels, [f"#{pid}" for pid in paper_ids], cells, titles)

    years = sorted({y for _, y, _, _ in per_year}, key=lambda y: (y is None, y or 0))
    ycol = {y: j for j, y in enumerate(years)}
    ycells, ytitles = {}, {}
    for theme, year, n, n_papers in per_year:
        if theme in index:
            key = (index[theme], ycol[year])
            ycells[key] = n
            ytitles[key] = f"{labels[index[theme]]} — {year or 'n.d.'}: {n} passages in {n_papers} papers"
    year_map = charts.heatmap(labels, [str(y) if y else "n.d." for y in years], ycells, ytitles)

    untagged = kb.conn.execute("SELECT count(*) FROM passages WHERE id NOT IN "
                               "(SELECT passage_id FROM passage_themes)").fetchone()[0]
    return {"rows": rows, "bars": bar_chart, "paper_map": paper_map, "year_map": year_map, "untagged": untagged,
            "papers": [briefs[p] for p in paper_ids], "tagged": bool(counts)}


def theme_hits(kb: Kb, theme_id: str, k: int) -> list[dict]:
    ranked = [Candidate(pid, score=score) for pid, score in theme_store.top_passages(kb.conn, theme_id, k)]
    return [hit_view(h) for h in kb.searcher.hits_for(ranked)]


async def topics_page(request: Request) -> Response:
    data = await request.app.state.service.run(topics_data)
    return render(request, "topics.html", **data)


async def topic_page(request: Request) -> Response:
    raw = params.text(request.path_params, "theme", 100)
    try:
        theme = request.app.state.service.taxonomy.resolve(raw)
    except KbError as exc:
        raise params.BadRequest(str(exc), 404) from exc
    k = params.integer(request.query_params, "k", 1, 50, 10)
    style = params.choice(request.query_params, "style", STYLES, "gost")
    hits = await request.app.state.service.run(theme_hits, theme.id, k)
    return render(request, "topic.html", theme=theme, hits=hits, style=style, styles=STYLES, k=k)


routes = [Route("/topics", topics_page, name="topics"), Route("/topics/{theme}", topic_page, name="topic")]
