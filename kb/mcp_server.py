"""`kb mcp`: the knowledge base as a Model Context Protocol server over stdio.

Five read-only tools return exactly what `kb search|evidence|show|refs|bib --json` print (kb/api.py
builds both), so an assistant quotes the stored passage text with its citation and printed page
instead of paraphrasing a PDF. Anticipated failures (no knowledge base, unknown paper id, a bad
year range) are tool errors of one line; the server keeps running.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from kb import api
from kb.errors import KbError
from kb.store import db

if TYPE_CHECKING:
    from kb.embed.base import Embedder
    from kb.search.search import Searcher

log = logging.getLogger("kb.mcp")
T = TypeVar("T")

INSTRUCTIONS = (
    "kb is a knowledge base of Russian and English conference papers. Every passage and quote it returns "
    "is the stored text of a paper with its citation and printed page: quote it verbatim and cite it with "
    "the `citation` (search) or `source`/`ref` and `pages` (evidence) given. Queries may be in either "
    "language; hits come from both.")
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)


class KbSession:
    """One knowledge base for the server's life: one connection, the embedder loaded once, on first use.

    An SQLite connection belongs to the thread that opened it, so all work runs on one worker
    thread, one call at a time. The searcher is rebuilt when the stored vectors change (an ingest
    while the server runs), so new passages are found without a restart.
    """

    def __init__(self, kb_dir: Path):
        self.kb_dir = Path(kb_dir)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-mcp")
        self._conn: sqlite3.Connection | None = None
        self._embedder: Embedder | None = None
        self._searcher: Searcher | None = None
        self._generation: str | None = None
        self._noted: Searcher | None = None  # the searcher whose index note was logged (once is enough)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs) on the worker thread; kb's one-line errors become tool errors."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(self._guarded, fn, *args,
                                                                                      **kwargs))

    def _guarded(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except KbError as exc:
            raise ToolError(str(exc)) from exc
        except sqlite3.Error as exc:
            raise ToolError(db.explain(exc, self.kb_dir)) from exc

    def conn(self) -> sqlite3.Connection:
        """The connection, opened on first use: a knowledge base made after start-up is found."""
        if self._conn is None:
            from kb.search import lexical

            conn = db.connect(self.kb_dir, create=False)
            lexical.ensure_index(conn)  # a knowledge base from before full-text search
            self._conn = conn
        return self._conn

    def searcher(self, mode: str = "hybrid") -> Searcher:
        """A searcher over the current vectors; lexical search never loads the embedder."""
        from kb.search import indexing, vectors
        from kb.search.search import Searcher

        conn = self.conn()
        if mode == "lexical" and self._embedder is None:
            return Searcher(conn, self.kb_dir, None)
        generation = vectors.generation(conn)
        if self._searcher is None or generation != self._generation:
            recorded = vectors.recorded_embedder(conn)
            if self._embedder is None or (recorded and recorded["name"] != self._embedder.name):
                self._embedder = indexing.embedder_for(conn, self.kb_dir)  # the USE model: 1-2 s, once
            self._searcher = Searcher(conn, self.kb_dir, self._embedder)
            self._generation = generation
        return self._searcher

    # --- the work of each tool, run on the worker thread ---------------------------------------

    def search(self, query: str, k: int, mode: str, style: str, **filter_args: Any) -> list[dict]:
        filters = api.search_filters(self.kb_dir, year_option="year", **filter_args)
        if filters.paper is not None:
            api.require_paper(self.conn(), filters.paper)  # an empty list would read as "nothing relevant"
        found_by = self.searcher(mode)
        hits = api.search(found_by, query, k=k, mode=mode, style=style, filters=filters)
        note = found_by.index_note()
        if note and found_by is not self._noted:
            log.warning("kb: %s", note)  # stderr: stdout is the protocol
            self._noted = found_by
        return hits

    def evidence(self, recommendations: list[str], k: int, per_paper: int, style: str) -> dict:
        return api.evidence(self.searcher(), recommendations, k=k, per_paper=per_paper, style=style)

    def paper(self, paper_id: int) -> dict:
        return api.paper(self.conn(), paper_id)

    def refs(self, paper_id: int) -> list[dict]:
        conn = self.conn()
        api.require_paper(conn, paper_id)
        return api.refs(conn, paper_id)

    def bib(self, papers: list[int] | None, cited: bool, fmt: str) -> str:
        conn = self.conn()
        for pid in papers or ():
            api.require_paper(conn, pid)
        return api.bib(conn, fmt, cited=cited, paper_ids=papers)


def as_result(payload: Any) -> CallToolResult:
    """The payload as the CLI prints it (indented JSON, non-ASCII kept), plus structured content."""
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    structured = payload if isinstance(payload, dict) else {"result": payload}
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)


def _names(value: str | list[str] | None) -> list[str]:
    """A string or a list of strings, blanks dropped."""
    items = [value] if isinstance(value, str) else list(value or [])
    return [x.strip() for x in items if x and x.strip()]


def build_server(kb_dir: Path) -> MCPServer:
    """The MCP server over the knowledge base in kb_dir (opened on the first tool call)."""
    session = KbSession(kb_dir)
    try:
        version = metadata.version("kb")
    except metadata.PackageNotFoundError:
        version = ""
    server = MCPServer("kb", instructions=INSTRUCTIONS, version=version, log_level="WARNING")

    def tool(fn: Callable[..., Any]) -> Callable[..., Any]:
        server.add_tool(fn, description=inspect.cleandoc(fn.__doc__ or ""), annotations=READ_ONLY)
        return fn

    @tool
    async def search(
        query: Annotated[str, Field(description="A question or keywords, in Russian or English; hits come "
                                                "from papers in both languages.")],
        k: Annotated[int, Field(ge=1, le=100, description="How many passages to return.")] = 10,
        mode: Annotated[Literal["hybrid", "dense", "lexical"],
                        Field(description="hybrid (default): meaning plus shared rare words; dense: meaning "
                                          "only; lexical: BM25 over word stems only.")] = "hybrid",
        lang: Annotated[str | None, Field(description="Only passages in this language: ru, en, uk, ...")] = None,
        year: Annotated[str | None, Field(description="Year or range: 2020, 2018-2022, 2020-, -2019.")] = None,
        author: Annotated[str | None, Field(description="Only papers with an author containing this text.")] = None,
        topic: Annotated[str | list[str] | None,
                         Field(description="Only passages tagged with this theme (or any of these): id, last "
                                           "part of the id (financial, skills) or label.")] = None,
        paper: Annotated[int | None, Field(description="Only this paper (its id, as in a hit's paper.id).")] = None,
        section: Annotated[str | None, Field(description="abstract, body, or a word of the section heading.")] = None,
        style: Annotated[Literal["gost", "apa"], Field(description="Citation style of each hit's `citation`.")]
        = "gost",
    ) -> CallToolResult:
        """Find the stored passages that answer a query, best first (the JSON of `kb search --json`).

        Each hit has rank, score, id, text (the passage exactly as stored), paper (id, title, authors,
        year, lang, doi), pages (printed first/last page), section, heading, lang, source, citation
        (the reference with its page), scores and cites (the works the passage cites).
        """
        return as_result(await session.run(session.search, query, k, mode, style, lang=lang, year=year,
                                           author=author, paper=paper, section=section, topics=_names(topic)))

    @tool
    async def evidence(
        recommendations: Annotated[str | list[str],
                                   Field(description="A recommendation, or several, in Russian or English, "
                                                     "e.g. 'Start cooperation with small pilot projects'.")],
        k: Annotated[int, Field(ge=1, le=50, description="Most quotes per recommendation.")] = 5,
        per_paper: Annotated[int, Field(ge=1, le=50, description="Most quotes from one paper.")] = 2,
        style: Annotated[Literal["gost", "apa"], Field(description="Style of the reference list.")] = "gost",
    ) -> CallToolResult:
        """Sentences across the papers that support each recommendation (the JSON of `kb evidence --json`).

        Per recommendation: found, strength, supporting counts, quotes (quote, score, strength,
        matched words, lang, passage_id, paper, pages, source, ref) and aspects; then the numbered
        references that the quotes' `ref` points to. No quotes means no evidence was found.
        """
        recs = _names(recommendations)
        if not recs:
            raise ToolError("give at least one recommendation")
        return as_result(await session.run(session.evidence, recs, k, per_paper, style))

    @tool
    async def paper(
        paper_id: Annotated[int, Field(description="The paper's id, as in a search hit's paper.id.")],
    ) -> CallToolResult:
        """One paper: metadata, venue, printed page range, sections and passages (the JSON of `kb show --json`)."""
        return as_result(await session.run(session.paper, paper_id))

    @tool
    async def refs(
        paper_id: Annotated[int, Field(description="The paper's id, as in a search hit's paper.id.")],
    ) -> CallToolResult:
        """The parsed reference list of one paper (the JSON of `kb refs --paper ID --json`).

        Each entry has n, raw (the entry as printed), authors, title, container, year, volume, issue,
        pages, publisher, place, doi, url, accessed, type, style, work_id, parsed_ok and page.
        """
        return as_result(await session.run(session.refs, paper_id))

    @tool
    async def bib(
        papers: Annotated[list[int] | None,
                          Field(description="Only these papers (ids); all papers when omitted.")] = None,
        cited: Annotated[bool, Field(description="The works these papers cite instead of the papers "
                                                 "themselves.")] = False,
        format: Annotated[Literal["text", "bibtex", "ris", "csl-json"],
                          Field(description="text: a reference list in `style`; or BibTeX, RIS, CSL-JSON.")]
        = "text",
        style: Annotated[Literal["gost", "apa"],
                         Field(description="For format text: GOST R 7.0.100-2018 or APA.")] = "gost",
    ) -> CallToolResult:
        """A de-duplicated bibliography, exactly as `kb bib --format FORMAT` prints it.

        GOST and APA lists are alphabetical. CSL-JSON also comes as structured content.
        """
        fmt = style if format == "text" else format
        out = await session.run(session.bib, papers, cited, fmt)
        if fmt == "csl-json":
            return CallToolResult(content=[TextContent(type="text", text=out)],
                                  structured_content={"result": json.loads(out)})
        return CallToolResult(content=[TextContent(type="text", text=out)])

    return server


def run_stdio(kb_dir: Path) -> None:
    """Serve until the client closes stdin."""
    build_server(kb_dir).run("stdio")
