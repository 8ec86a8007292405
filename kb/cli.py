"""The `kb` command line: parses options, calls the library, prints. No logic of its own."""

from __future__ import annotations

import errno
import json
import sqlite3
import sys
import textwrap
from pathlib import Path

import click

from kb import api, library
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
        except sqlite3.Error as exc:
            click.echo(f"kb: {db.explain(exc, (ctx.obj or {}).get('kb_dir'))}", err=True)
            sys.exit(1)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                click.echo(f"kb: no space left on the device ({exc.filename or 'while writing'}); "
                           "nothing half-written was kept — free space and run the command again", err=True)
                sys.exit(1)
            raise


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
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--zotero", "zotero_dirs", multiple=True, type=click.Path(path_type=Path),
              help="A Zotero data directory (zotero.sqlite, storage/): its PDFs with Zotero's metadata, "
                   "collections and tags. Repeatable.")
@click.option("--bib", "bib_files", multiple=True, type=click.Path(path_type=Path),
              help="A BibTeX or CSL-JSON export whose entries name their PDFs (file = {...}). Repeatable.")
@click.option("--force", is_flag=True, help="Re-ingest files even when unchanged.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR image-only pages.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the per-file results as JSON.")
@click.option("--model", default=None, help="Embedder for a new knowledge base (default use-m3; st:NAME_OR_PATH).")
@click.option("--no-embed", is_flag=True, help="Store text and full-text index only; embed later with `kb reindex`.")
@click.option("--themes", "themes_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Theme taxonomy (TOML) to tag passages with (default: KB dir's themes.toml, else built-in).")
@click.option("--max-seconds", default=300.0, show_default=True, help="Time limit for reading one file.")
@click.option("--max-memory", default=3072, show_default=True, help="Memory limit (MB) for reading one file.")
@click.option("--max-pages", default=5000, show_default=True, help="Refuse PDFs with more pages than this.")
@click.pass_context
def ingest(ctx, paths, force, no_ocr, quiet, as_json, model, no_embed, themes_file, max_seconds, max_memory,
           max_pages, zotero_dirs, bib_files):
    """Add PDF, .txt and .md files (or folders of them), a Zotero library or a BibTeX export."""
    from kb.ingest import pipeline, sources
    from kb.search import indexing, vectors

    if not (paths or zotero_dirs or bib_files):
        raise click.UsageError("give files or folders to ingest, --zotero DIR or --bib FILE")
    plan = sources.read(zotero_dirs, bib_files)  # the libraries' databases only: their PDFs come below
    conn = _conn(ctx, create=True)
    embedder = None if no_embed else indexing.embedder_for(conn, ctx.obj["kb_dir"], model)
    tagger, themes_current = None, True
    if embedder is not None:
        from kb.themes import store as theme_store

        vectors.check_embedder(conn, embedder)
        tagger = theme_store.tagger_for(ctx.obj["kb_dir"], embedder, themes_file)
        themes_current = theme_store.is_current(conn, tagger) or not _has_passages(conn)
    hook = indexing.passage_hook(embedder, tagger)
    files = [p for p, problem in pipeline.expand_paths(paths) if problem is None]
    show_bar = not quiet and not as_json and sys.stderr.isatty() and len(files) + plan.size > 1
    bar = click.progressbar(length=len(files) + plan.size, label="Ingesting", file=sys.stderr) if show_bar else None

    def progress(result):
        if result.status == "failed":
            click.echo(f"error: {result.path}: {result.reason}", err=True)
        elif not quiet and not as_json:
            for w in result.warnings:
                click.echo(f"warning: {result.path}: {w}", err=True)
            if bar is None and result.status == "ingested":  # a log line per stored file (committed)
                click.echo(f"ingested: {result.path}: {result.papers} papers, {result.passages} passages", err=True)
            elif bar is None and result.status == "updated":
                click.echo(f"updated: {result.path}: {result.reason}", err=True)
        if bar is not None:
            bar.update(1)

    limits = pipeline.Limits(seconds=max_seconds, memory_mb=max_memory, max_pages=max_pages)

    def run():
        report = pipeline.ingest(conn, paths, force=force, use_ocr=not no_ocr, progress=progress, on_passages=hook,
                                 limits=limits)
        return sources.ingest(conn, plan, report, force=force, use_ocr=not no_ocr, progress=progress,
                              on_passages=hook, limits=limits)

    if bar is not None:
        with bar:
            report = run()
    else:
        report = run()
    if as_json:
        _echo_json([r.__dict__ for r in report.results])
    updated = f"{report.count('updated')} updated from their source, " if report.count("updated") else ""
    summary = (f"{report.count('ingested')} file(s) ingested, {report.count('skipped')} unchanged, {updated}"
               f"{report.count('failed')} failed: {report.total('papers')} papers, {report.total('pages')} pages, "
               f"{report.total('passages')} passages")
    if report.count("deleted"):
        summary += f"; {report.count('deleted')} item(s) deleted from their source, kept here"
    click.echo(summary, err=as_json)
    if embedder is not None and report.count("ingested"):
        from kb.search import dense

        dense.open_index(conn, ctx.obj["kb_dir"], embedder.name, embedder.dim)  # ready for the first search
    if tagger is not None:
        if themes_current:
            theme_store.record_taxonomy(conn, tagger)
        else:
            n = theme_store.retag(conn, tagger)
            click.echo(f"themes changed ({tagger.taxonomy.source}): {n} passages re-tagged", err=True)
    if report.failures:
        sys.exit(1)


def _has_passages(conn) -> bool:
    return conn.execute("SELECT 1 FROM passages LIMIT 1").fetchone() is not None


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
        click.echo(f"      {_authors_short(p['authors'])} · {p['n_passages']} passages · {p['source']}"
                   + _copies_text(p))


def _copies_text(p: dict) -> str:
    if p.get("same_as"):
        return f" · same as paper {p['same_as']}"
    if p.get("sources"):
        others = ", ".join(str(s["paper_id"]) for s in p["sources"][1:])
        return f" · = {len(p['sources'])} sources (also as paper {others})"
    return ""


@cli.command()
@click.argument("paper_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option("--passages/--no-passages", default=False, help="Also print the passages.")
@click.pass_context
def show(ctx, paper_id, as_json, passages):
    """Show one paper: metadata, sections and (optionally) passages."""
    paper = api.paper(_conn(ctx), paper_id)
    if as_json:
        _echo_json(paper)
        return
    click.echo(click.style(paper["title"] or "[fragment]", bold=True))
    for key in ("authors", "affiliation", "year", "lang", "udc", "doi", "keywords", "source"):
        value = paper[key]
        if isinstance(value, list):
            value = "; ".join(value) if value else None
        click.echo(f"  {key:<12}{value if value is not None else '—'}")
    click.echo(f"  {'pages':<12}{_pages_text(paper['pages'])}"
               + (f" (printed {paper['page_range']})" if paper.get("page_range") else ""))
    venue = "; ".join(f"{k} {v}" for k, v in (paper.get("venue") or {}).items() if v)
    click.echo(f"  {'venue':<12}{venue or '—'}")
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
@click.option("--topic", "topics_", multiple=True, help="Only passages tagged with this theme (repeatable; any of them).")
@click.option("--collection", "collections_", multiple=True,
              help="Only papers in this Zotero/BibTeX collection or under it: NAME or Parent/Child (repeatable; any).")
@click.option("--tag", "tags_", multiple=True, help="Only papers with this Zotero/BibTeX tag (repeatable; any of them).")
@click.option("--style", type=click.Choice(["gost", "apa"]), default="gost", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of hits.")
@click.option("--model", default=None, help="Embedder (must match the one that built the knowledge base).")
@click.pass_context
def search(ctx, query, k, mode, lang, year, author, paper, section, topics_, collections_, tags_, style, fmt, as_json,
           model):
    """Find the passages that answer QUERY, in any language, with citations."""
    from kb import render

    conn = _conn(ctx)
    searcher = api.searcher(conn, ctx.obj["kb_dir"], mode=mode, model=model)
    filters = api.search_filters(ctx.obj["kb_dir"], lang=lang, year=year, author=author, paper=paper,
                                 section=section, topics=topics_, collections=collections_, tags=tags_)
    hits = searcher.search(query, k=k, mode=mode, filters=filters)
    note = searcher.index_note()
    if note:
        click.echo(f"note: {note}", err=True)
    if as_json:
        _echo_json(api.hits_json(hits, style))
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
    from kb.themes import store as theme_store

    theme_store.retag(conn, theme_store.tagger_for(ctx.obj["kb_dir"], embedder))


@cli.command()
@click.option("--paper", "paper_id", type=int, help="Only this paper's reference list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of parsed entries.")
@click.pass_context
def refs(ctx, paper_id, as_json):
    """The parsed reference lists of the papers."""
    items = api.refs(_conn(ctx), paper_id)
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
    from kb.cite import export

    conn = _conn(ctx)
    paper_ids = api.papers_for_query(api.searcher(conn, ctx.obj["kb_dir"]), query, k) if query else None
    # a reference list is alphabetical; search order otherwise
    items = api.bib_works(conn, fmt, cited=which == "cited", paper_ids=paper_ids, keep_order=bool(query))
    out = export.export(items, fmt)
    if output:
        output.write_text(out if out.endswith("\n") else out + "\n", encoding="utf-8")
        click.echo(f"{len(items)} entries written to {output}", err=True)
    else:
        click.echo(out)


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of themes with their counts.")
@click.option("--retag", is_flag=True, help="Re-score every passage against the themes file (after editing it).")
@click.option("--themes", "themes_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Theme taxonomy (TOML); default: the KB dir's themes.toml, else the built-in one.")
@click.option("--lang", type=click.Choice(["en", "ru"]), default="en", show_default=True, help="Language of labels.")
@click.pass_context
def topics(ctx, as_json, retag, themes_file, lang):
    """Themes of the passages (challenges, cooperation models, ...) with passage and paper counts."""
    ctx.obj["themes_file"] = themes_file
    ctx.obj["lang"] = lang
    if ctx.invoked_subcommand:
        return
    from kb.themes import store as theme_store
    from kb.themes import taxonomy

    conn = _conn(ctx)
    if retag:
        from kb.search import indexing

        tagger = theme_store.tagger_for(ctx.obj["kb_dir"], indexing.embedder_for(conn, ctx.obj["kb_dir"]), themes_file)
        n = theme_store.retag(conn, tagger)
        click.echo(f"{n} passages tagged with {len(tagger.taxonomy.themes)} themes from {tagger.taxonomy.source}",
                   err=True)
    tax = taxonomy.load(themes_file, ctx.obj["kb_dir"])
    stored = theme_store.stored_taxonomy(conn)
    if stored is None:
        click.echo("warning: passages are not tagged yet (embed them: `kb ingest` without --no-embed, "
                   "or `kb reindex`)", err=True)
    elif stored.get("digest") != tax.digest:
        click.echo(f"warning: passages were tagged with {stored.get('source')}, not {tax.source}; "
                   "run `kb topics --retag`", err=True)
    counts = theme_store.theme_counts(conn)
    rows = [{"id": t.id, "group": t.group, "label": t.label(lang), "label_ru": t.label_ru, "label_en": t.label_en,
             "passages": counts.get(t.id, (0, 0))[0], "papers": counts.get(t.id, (0, 0))[1]} for t in tax.themes]
    if as_json:
        _echo_json(rows)
        return
    width = max(len(r["id"]) for r in rows)
    click.echo(f"{'theme':<{width}}  passages  papers  label")
    group = None
    for r in rows:
        if r["group"] != group and r["group"]:
            group = r["group"]
            click.echo(f"-- {group}")
        click.echo(f"{r['id']:<{width}}  {r['passages']:>8}  {r['papers']:>6}  {r['label']}")
    untagged = conn.execute("SELECT count(*) FROM passages WHERE id NOT IN (SELECT passage_id FROM passage_themes)"
                            ).fetchone()[0]
    click.echo(f"{untagged} passage(s) have no theme.")


@topics.command("show")
@click.argument("theme")
@click.option("-k", "k", default=10, show_default=True, help="Number of passages.")
@click.option("--style", type=click.Choice(["gost", "apa"]), default="gost", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of hits.")
@click.pass_context
def topics_show(ctx, theme, k, style, fmt, as_json):
    """The passages that speak most strongly to THEME (id, last part of the id, or label), cited."""
    from kb import render
    from kb.search.fusion import Candidate
    from kb.search.search import Searcher
    from kb.themes import store as theme_store
    from kb.themes import taxonomy

    conn = _conn(ctx)
    tax = taxonomy.load(ctx.obj["themes_file"], ctx.obj["kb_dir"])
    t = tax.resolve(theme)
    ranked = [Candidate(pid, score=score) for pid, score in theme_store.top_passages(conn, t.id, k)]
    hits = Searcher(conn, ctx.obj["kb_dir"], None).hits_for(ranked)
    title = f"{t.id}: {t.label(ctx.obj['lang'])}"
    cues = " ".join(t.cues)
    if as_json:
        _echo_json([render.hit_json(h, style) for h in hits])
    elif fmt == "markdown":
        click.echo(render.hits_markdown(title, hits, style))
    else:
        click.echo(title + "\n")
        click.echo(render.hits_text(cues, hits, style, color=sys.stdout.isatty()))


@cli.command()
@click.argument("recommendation", required=False)
@click.option("--file", "recs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Recommendations, one per line (blank lines and lines starting with # are skipped).")
@click.option("-k", "k", default=5, show_default=True, help="Most quotes per recommendation.")
@click.option("--per-paper", default=2, show_default=True, help="Most quotes from one paper.")
@click.option("--min-score", type=float, default=None,
              help="Same-language support threshold (default: the calibrated one); the other language's is lower.")
@click.option("--margin", type=float, default=None,
              help="Quote only sentences within this of the best one's score (default: the calibrated one).")
@click.option("--style", type=click.Choice(["gost", "apa"]), default="gost", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "docx"]), default=None,
              help="Default: markdown when writing to a .md file, docx to a .docx file, text otherwise.")
@click.option("--json", "as_json", is_flag=True, help="The same data as JSON.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to a file.")
@click.pass_context
def evidence(ctx, recommendation, recs_file, k, per_paper, min_score, margin, style, fmt, as_json, output):
    """Passages across papers that support a RECOMMENDATION, with citations: a report to paste."""
    from kb.evidence import report

    recs = [recommendation] if recommendation else []
    if recs_file:
        try:
            lines = recs_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise KbError(f"{recs_file}: cannot read recommendations: {exc}") from exc
        recs += [x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#")]
    if not recs:
        raise click.UsageError("give a RECOMMENDATION or --file with one per line")
    if fmt is None and not as_json and output:
        suffix = output.suffix.lower()
        fmt = "markdown" if suffix in (".md", ".markdown") else "docx" if suffix == ".docx" else "text"
    if fmt == "docx" and as_json:
        raise click.UsageError("--json and --format docx exclude each other")
    if fmt == "docx" and not output:
        raise click.UsageError("--format docx needs -o FILE.docx")
    conn = _conn(ctx)
    searcher = api.searcher(conn, ctx.obj["kb_dir"])
    found = api.find_evidence(searcher, recs, k=k, per_paper=per_paper, min_score=min_score, margin=margin)
    if as_json:
        out = json.dumps(api.evidence_json(conn, found, style), ensure_ascii=False, indent=2)
    elif fmt == "docx":
        out = None
    else:
        out = report.markdown(conn, found, style) if fmt == "markdown" else report.text(conn, found, style)
    if output:
        try:
            if out is None:
                from kb.evidence.docx_report import write_docx

                write_docx(conn, found, output, style)
            else:
                output.write_text(out if out.endswith("\n") else out + "\n", encoding="utf-8")
        except OSError as exc:
            raise KbError(f"{output}: cannot write report: {exc.strerror or exc}") from exc
        n = sum(e.found for e in found)
        click.echo(f"{len(found)} recommendation(s), {n} with evidence: report written to {output}", err=True)
    else:
        click.echo(out)


@cli.command()
@click.option("--repair", is_flag=True, help="Delete orphaned rows and rebuild what is missing or stale.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of {check, status, detail}.")
@click.pass_context
def doctor(ctx, repair, as_json):
    """Check the knowledge base; --repair fixes what can be rebuilt.

    Exit code 1 when a problem remains (a moved source file is only a warning).
    """
    from kb import doctor as doc

    try:
        conn = _conn(ctx)
    except KbError:
        conn = doc.open_unmigrated(ctx.obj["kb_dir"])  # e.g. a migration fails: look at it as it is
        if conn is None:
            raise
    progress = None if as_json else (lambda msg: click.echo(msg, err=True))
    results = doc.run(conn, ctx.obj["kb_dir"], repair=repair, progress=progress)
    if as_json:
        _echo_json([r.as_json() for r in results])
    else:
        for r in results:
            click.echo(f"{r.status:<9} {r.check:<13} {r.detail}")
    if not doc.healthy(results):
        if not as_json and any(r.repairable for r in results):
            click.echo("run `kb doctor --repair` to repair what can be repaired", err=True)
        sys.exit(1)


@cli.command()
@click.argument("paper_id", type=int, required=False)
@click.option("--ref", "ref_id", type=int, help="Correct this reference entry (its id in `kb refs --json`).")
@click.option("--from", "from_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Corrections from a .bib or CSL-JSON file, matched to papers by DOI, else by title.")
@click.option("--title")
@click.option("--author", "authors", multiple=True, help='"Family, Given" or as printed; repeatable, in order.')
@click.option("--venue", help="A paper's journal or proceedings.")
@click.option("--container", help="A reference entry's journal, book or proceedings.")
@click.option("--volume")
@click.option("--issue")
@click.option("--pages", help="Printed page range, e.g. 45-58.")
@click.option("--year")
@click.option("--doi")
@click.option("--publisher")
@click.option("--place")
@click.option("--url", help="A reference entry's URL.")
@click.option("--clear", "clear", multiple=True, help="Drop the correction of FIELD (repeatable), or `all`.")
@click.option("--json", "as_json", is_flag=True, help="What changed, and the item as it now reads.")
@click.pass_context
def edit(ctx, paper_id, ref_id, from_file, authors, clear, as_json, **typed):
    """Correct a paper's or a reference entry's metadata; corrections survive re-ingest."""
    from kb.curation import bibfile
    from kb.curation import edit as editing

    if sum(x is not None for x in (paper_id, ref_id, from_file)) != 1:
        raise click.UsageError("give exactly one of PAPER_ID, --ref REF_ID or --from FILE")
    conn = _conn(ctx)
    values = {k: v for k, v in typed.items() if v is not None} | ({"authors": list(authors)} if authors else {})
    if from_file is not None:
        if values or clear:
            raise click.UsageError("--from takes its values from the file; give no fields with it")
        outcomes = bibfile.apply(conn, bibfile.read(from_file), str(from_file))
        if as_json:
            _echo_json({"matched": [o.as_json() for o in outcomes if o.matched],
                        "unmatched": [o.as_json() for o in outcomes if not o.matched]})
        else:
            for o in outcomes:
                click.echo(o.line())
        return
    change = editing.edit(conn, "paper" if paper_id is not None else "ref",
                          paper_id if paper_id is not None else ref_id, values, clear)
    if as_json:
        _echo_json(change.as_json(conn))
    else:
        click.echo(change.line())


@cli.command()
@click.argument("paper_id", type=int, required=False)
@click.option("--file", "file_spec", help="Remove this whole file (its id, or the path it was ingested from).")
@click.option("--corrections", "with_corrections", is_flag=True, help="Delete its `kb edit` corrections too.")
@click.option("--json", "as_json", is_flag=True, help="What was removed.")
@click.pass_context
def remove(ctx, paper_id, file_spec, with_corrections, as_json):
    """Delete a paper (or a file) with its passages, vectors, references and theme tags."""
    from kb.curation import remove as removing

    if (paper_id is None) == (file_spec is None):
        raise click.UsageError("give a PAPER_ID or --file FILE_ID_OR_PATH")
    conn = _conn(ctx)
    if file_spec is not None:
        done = removing.remove_file(conn, file_spec, with_corrections=with_corrections)
    else:
        done = removing.remove_paper(conn, paper_id, with_corrections=with_corrections)
    removing.refresh_dense_index(conn, ctx.obj["kb_dir"])
    if as_json:
        _echo_json(done.as_json())
    else:
        click.echo(done.line())


@cli.command()
@click.option("--apply", "do_apply", is_flag=True, help="Group the candidates found among the stored papers.")
@click.option("--split", "split_id", type=int, help="Take this paper out of its group, and never regroup the pair.")
@click.option("--json", "as_json", is_flag=True, help="{pairs, groups, applied} (or what --split did) as JSON.")
@click.pass_context
def dedup(ctx, do_apply, split_id, as_json):
    """Copies of one paper in several files: list the groups; --apply, --split ID."""
    from kb.dedup import report

    if do_apply and split_id is not None:
        raise click.UsageError("--apply and --split exclude each other")
    conn = _conn(ctx)
    data = report.split(conn, split_id) if split_id is not None else report.run(conn, apply=do_apply)
    if as_json:
        _echo_json(data)
    else:
        click.echo(report.text(data))


@cli.command("mcp")
@click.pass_context
def mcp_command(ctx):
    """Serve the knowledge base to an assistant over MCP (stdio): search, evidence, paper, refs, bib."""
    from kb import mcp_server  # the SDK is imported only here, never by the other commands

    mcp_server.run_stdio(ctx.obj["kb_dir"])


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default: only this machine can connect).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def serve(ctx, host, port):
    """A local read-only web app: search, papers, evidence, bibliographies, topics."""
    from kb import web  # Starlette is imported only here, never by the other commands

    web.serve(ctx.obj["kb_dir"], host=host, port=port)


def main() -> None:
    cli(prog_name="kb")
