"""The `kb` command line: parses options, calls the library, prints. No logic of its own."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import click

from kb import library
from kb.errors import KbError
from kb.store import db

DEFAULT_KB_DIR = "index"


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class KbGroup(click.Group):
    """Turns KbError into one line on stderr and exit code 1 instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KbError as exc:
            click.echo(f"kb: {exc}", err=True)
            sys.exit(1)


@click.group(cls=KbGroup)
@click.option("--kb-dir", envvar="KB_DIR", default=DEFAULT_KB_DIR, show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the knowledge base lives (env KB_DIR).")
@click.version_option(package_name="kb")
@click.pass_context
def cli(ctx: click.Context, kb_dir: Path) -> None:
    """kb: a knowledge base of conference papers with cited search."""
    ctx.obj = {"kb_dir": kb_dir}


def _conn(ctx: click.Context, *, create: bool = False):
    return db.connect(ctx.obj["kb_dir"], create=create)


def _authors_short(authors: list[str], limit: int = 3) -> str:
    if not authors:
        return "—"
    shown = ", ".join(authors[:limit])
    return shown + (" et al." if len(authors) > limit else "")


def _pages_text(pages: dict) -> str:
    return pages["first"] if pages["first"] == pages["last"] else f"{pages['first']}–{pages['last']}"


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Re-ingest files even when unchanged.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR image-only pages.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the per-file results as JSON.")
@click.option("--model", default=None, help="Embedder for a new knowledge base (default use-m3; st:NAME_OR_PATH).")
@click.option("--no-embed", is_flag=True, help="Store text and full-text index only; embed later with `kb reindex`.")
@click.pass_context
def ingest(ctx, paths, force, no_ocr, quiet, as_json, model, no_embed):
    """Add PDF, .txt and .md files (or folders of them) to the knowledge base."""
    from kb.ingest import pipeline
    from kb.search import indexing, vectors

    conn = _conn(ctx, create=True)
    embedder = None if no_embed else indexing.embedder_for(conn, ctx.obj["kb_dir"], model)
    if embedder is not None:
        vectors.check_embedder(conn, embedder)
    hook = indexing.passage_hook(embedder)
    files = [p for p, problem in pipeline.expand_paths(paths) if problem is None]
    show_bar = not quiet and not as_json and sys.stderr.isatty() and len(files) > 1
    bar = click.progressbar(length=len(files), label="Ingesting", file=sys.stderr) if show_bar else None

    def progress(result):
        if result.status == "failed":
            click.echo(f"error: {result.path}: {result.reason}", err=True)
        elif not quiet and not as_json:
            for w in result.warnings:
                click.echo(f"warning: {result.path}: {w}", err=True)
        if bar is not None:
            bar.update(1)

    if bar is not None:
        with bar:
            report = pipeline.ingest(conn, paths, force=force, use_ocr=not no_ocr, progress=progress,
                                     on_passages=hook)
    else:
        report = pipeline.ingest(conn, paths, force=force, use_ocr=not no_ocr, progress=progress, on_passages=hook)
    if as_json:
        _echo_json([r.__dict__ for r in report.results])
    summary = (f"{report.count('ingested')} file(s) ingested, {report.count('skipped')} unchanged, "
               f"{report.count('failed')} failed: {report.total('papers')} papers, {report.total('pages')} pages, "
               f"{report.total('passages')} passages")
    click.echo(summary, err=as_json)
    if report.failures:
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array of papers.")
@click.pass_context
def papers(ctx, as_json):
    """List the papers found in the knowledge base."""
    items = library.list_papers(_conn(ctx))
    if as_json:
        _echo_json(items)
        return
    if not items:
        click.echo("No papers yet: run `kb ingest corpus/`.")
        return
    for p in items:
        title = p["title"] or "[fragment: continues a paper from before the first page]"
        year = p["year"] or "—"
        click.echo(f"{p['id']:>4}  {year}  {p['lang'] or '??'}  pp. {_pages_text(p['pages']):<9} "
                   f"{click.style(title, bold=True)}")
        click.echo(f"      {_authors_short(p['authors'])} · {p['n_passages']} passages · {p['source']}")


@cli.command()
@click.argument("paper_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option("--passages/--no-passages", default=False, help="Also print the passages.")
@click.pass_context
def show(ctx, paper_id, as_json, passages):
    """Show one paper: metadata, sections and (optionally) passages."""
    paper = library.get_paper(_conn(ctx), paper_id)
    if paper is None:
        raise KbError(f"no paper with id {paper_id} (see `kb papers`)")
    if as_json:
        _echo_json(paper)
        return
    click.echo(click.style(paper["title"] or "[fragment]", bold=True))
    for key in ("authors", "affiliation", "year", "lang", "udc", "doi", "keywords", "source"):
        value = paper[key]
        if isinstance(value, list):
            value = "; ".join(value) if value else None
        click.echo(f"  {key:<12}{value if value is not None else '—'}")
    click.echo(f"  {'pages':<12}{_pages_text(paper['pages'])}")
    if paper["abstract"]:
        click.echo("  abstract    " + textwrap.shorten(paper["abstract"], 400))
    for s in paper["sections"]:
        click.echo(f"  [{s['kind']}] pp. {_pages_text(s['pages'])}, {len(s['text'].split())} words")
    if passages:
        for p in paper["passages"]:
            click.echo(f"\n  #{p['id']} p. {_pages_text(p['pages'])} [{p['section']}] {p['heading'] or ''}")
            click.echo(textwrap.indent(textwrap.fill(p["text"], 100), "    "))


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx, as_json):
    """Counts of files, papers, pages and passages."""
    data = library.stats(_conn(ctx))
    if as_json:
        _echo_json(data)
        return
    for key, value in data.items():
        click.echo(f"{key:<16}{value}")


@cli.command()
@click.argument("query")
@click.option("-k", "k", default=10, show_default=True, help="Number of passages.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "lexical"]), default="hybrid", show_default=True)
@click.option("--lang", help="Only passages in this language (ru, en, uk, ...).")
@click.option("--year", help="Year or range: 2020, 2018-2022, 2020-, -2019.")
@click.option("--author", help="Only papers with an author containing this text.")
@click.option("--paper", type=int, help="Only this paper (id from `kb papers`).")
@click.option("--section", help="abstract, body, or a word of the section heading.")
@click.option("--style", type=click.Choice(["gost", "apa"]), default="gost", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of hits.")
@click.option("--model", default=None, help="Embedder (must match the one that built the knowledge base).")
@click.pass_context
def search(ctx, query, k, mode, lang, year, author, paper, section, style, fmt, as_json, model):
    """Find the passages that answer QUERY, in any language, with citations."""
    from kb import render
    from kb.search import indexing, lexical
    from kb.search.search import Filters, Searcher, parse_years

    conn = _conn(ctx)
    lexical.ensure_index(conn)
    embedder = None if mode == "lexical" else indexing.embedder_for(conn, ctx.obj["kb_dir"], model)
    try:
        year_from, year_to = parse_years(year)
    except ValueError as exc:
        raise KbError(f"--year: expected 2020, 2018-2022, 2020- or -2019, got {year!r}") from exc
    filters = Filters(lang=lang, year_from=year_from, year_to=year_to, author=author, paper=paper, section=section)
    hits = Searcher(conn, ctx.obj["kb_dir"], embedder).search(query, k=k, mode=mode, filters=filters)
    if as_json:
        _echo_json([render.hit_json(h, style) for h in hits])
    elif fmt == "markdown":
        click.echo(render.hits_markdown(query, hits, style))
    else:
        click.echo(render.hits_text(query, hits, style, color=sys.stdout.isatty()))


@cli.command()
@click.option("--model", default=None, help="Embedder to use from now on (default: the current one).")
@click.pass_context
def reindex(ctx, model):
    """Re-embed every passage (e.g. with another --model) and rebuild the search indexes."""
    from kb.search import indexing, lexical, vectors

    conn = _conn(ctx)
    embedder = indexing.embedder_for(conn, ctx.obj["kb_dir"], model or None, switching=True)
    vectors.clear(conn)
    lexical.ensure_index(conn)
    total = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    with click.progressbar(length=total, label="Embedding", file=sys.stderr) as bar:
        n = vectors.embed_missing(conn, embedder, progress=bar.update)
    click.echo(f"{n} passages embedded with {embedder.name} ({embedder.dim}-d)")


@cli.command()
@click.option("--paper", "paper_id", type=int, help="Only this paper's reference list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of parsed entries.")
@click.pass_context
def refs(ctx, paper_id, as_json):
    """The parsed reference lists of the papers."""
    items = library.list_refs(_conn(ctx), paper_id)
    if as_json:
        _echo_json(items)
        return
    if not items:
        click.echo("No reference entries found.")
        return
    current = None
    for r in items:
        if r["paper_id"] != current:
            current = r["paper_id"]
            click.echo(click.style(f"paper {current}", bold=True))
        flag = "" if r["parsed_ok"] else "  [unparsed]"
        label = f"{r['n']}." if r["n"] else "–"
        fields = ", ".join(f"{k}={r[k]}" for k in ("year", "volume", "issue", "pages", "doi") if r[k])
        click.echo(f"  {label:>4} {'; '.join(r['authors']) or '—'} · {r['title'] or '—'}"
                   f"{' // ' + r['container'] if r['container'] else ''}{flag}")
        if fields:
            click.echo(f"       {r['type'] or ''} {fields}")


@cli.command()
@click.option("--min-cited", default=1, show_default=True, help="Only works cited by at least N papers.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def works(ctx, min_cited, as_json):
    """Cited works, de-duplicated across papers, with the papers that cite them."""
    items = library.list_works(_conn(ctx), min_cited)
    if as_json:
        _echo_json(items)
        return
    for w in items:
        who = "; ".join(w.get("authors") or []) or "—"
        click.echo(f"{w['id']:>5}  cited by {w['n_cited']}: {who} ({w.get('year') or 'n.d.'}) {w.get('title') or ''}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["gost", "apa", "bibtex", "ris", "csl-json"]), default="gost",
              show_default=True)
@click.option("--papers", "which", flag_value="papers", default=True, help="The knowledge base's own papers.")
@click.option("--cited", "which", flag_value="cited", help="The works the papers cite.")
@click.option("--query", help="Only the papers behind the hits of this search.")
@click.option("-k", "k", default=20, show_default=True, help="Hits to take with --query.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@click.pass_context
def bib(ctx, fmt, which, query, k, output):
    """A bibliography (GOST R 7.0.100-2018, APA, BibTeX, RIS, CSL-JSON), de-duplicated."""
    from kb import bibdata
    from kb.cite import export

    conn = _conn(ctx)
    paper_ids = None
    if query:
        from kb.search import indexing, lexical
        from kb.search.search import Searcher

        lexical.ensure_index(conn)
        hits = Searcher(conn, ctx.obj["kb_dir"], indexing.embedder_for(conn, ctx.obj["kb_dir"])).search(query, k=k)
        paper_ids = list(dict.fromkeys(h.paper["id"] for h in hits))
    items = bibdata.cited_works(conn, paper_ids) if which == "cited" else bibdata.paper_works(conn, paper_ids)
    if fmt in ("gost", "apa") and not query:
        from kb.cite.bibliography import sort_key

        items.sort(key=lambda w: sort_key(w, fmt))  # a reference list is alphabetical; search order otherwise
    out = export.export(items, fmt)
    if not isinstance(out, str):
        out = json.dumps(out, ensure_ascii=False, indent=2)
    if output:
        output.write_text(out if out.endswith("\n") else out + "\n", encoding="utf-8")
        click.echo(f"{len(items)} entries written to {output}", err=True)
    else:
        click.echo(out)


def main() -> None:
    cli(prog_name="kb")
