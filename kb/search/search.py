"""Query -> cited hits: dense and lexical candidates, fused, filtered, with their papers.

Modes: `hybrid` (default), `dense`, `lexical`. Filters narrow the candidate set in SQL
first, so a filtered search still returns k hits when k exist.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from kb import library
from kb.embed.base import Embedder
from kb.ingest import lang as langid
from kb.search import dense, fusion, lexical, repeats, vectors
from kb.store import collections as paper_collections
from kb.store import corrections

MODES = ("hybrid", "dense", "lexical")
POOL_EXTRA = 10  # candidates beyond k looked at for copies of the kept hits (kb/search/repeats.py)
CANDIDATES = 40


@dataclass
class Filters:
    lang: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    author: str | None = None
    paper: int | None = None
    section: str | None = None
    themes: tuple[str, ...] | None = None  # passages tagged with any of these theme ids
    collections: tuple[str, ...] | None = None  # papers in any of these Zotero/BibTeX collections (or under one)
    tags: tuple[str, ...] | None = None  # papers whose source item has any of these tags

    def active(self) -> bool:
        return any(v is not None for v in self.__dict__.values())

    def sql(self) -> tuple[str, list]:
        where, args = [], []
        if self.lang:
            where.append("ps.lang = ?")
            args.append(self.lang)
        # year and authors as corrected by hand (`kb edit`), like everything a hit shows
        if self.year_from is not None:
            where.append(corrections.paper_filter_sql("year", "year", "{} >= ?"))
            args += [self.year_from] * 2
        if self.year_to is not None:
            where.append(corrections.paper_filter_sql("year", "year", "{} <= ?"))
            args += [self.year_to] * 2
        if self.author:
            where.append(corrections.paper_filter_sql("authors", "authors", "instr(casefold({}), ?) > 0"))
            args += [self.author.casefold()] * 2
        if self.paper is not None:  # a paper and its copies in other files (kb/dedup) are one paper
            where.append("(p.id = ? OR p.id IN (SELECT m.paper_id FROM paper_groups m JOIN paper_groups g "
                         "ON g.group_id = m.group_id WHERE g.paper_id = ?))")
            args += [self.paper, self.paper]
        if self.section:
            where.append("(ps.section = ? OR instr(casefold(coalesce(ps.heading, '')), ?) > 0)")
            args += [self.section, self.section.casefold()]
        if self.themes:
            where.append(f"ps.id IN (SELECT passage_id FROM passage_themes WHERE theme IN "
                         f"({','.join('?' * len(self.themes))}))")
            args += list(self.themes)
        more, more_args = paper_collections.filter_sql(self.collections or (), self.tags or ())
        where += more
        args += more_args
        return " AND ".join(where) or "1", args


def parse_years(spec: str | None) -> tuple[int | None, int | None]:
    """'2020', '2018-2022', '2020-', '-2019' -> (from, to)."""
    if not spec:
        return None, None
    spec = spec.replace("–", "-").strip()
    if "-" not in spec:
        return int(spec), int(spec)
    lo, hi = spec.split("-", 1)
    return (int(lo) if lo.strip() else None), (int(hi) if hi.strip() else None)


@dataclass
class Hit:
    rank: int
    score: float
    passage_id: int
    text: str
    paper: dict
    pages: dict
    section: str
    heading: str | None
    lang: str | None
    source: str
    scores: dict = field(default_factory=dict)
    cites: list[dict] = field(default_factory=list)
    also: list[dict] = field(default_factory=list)  # the same text in other files: source, pages, id

    def as_json(self) -> dict:
        paper = {k: self.paper[k] for k in ("id", "title", "authors", "year", "lang", "doi")}
        return {"rank": self.rank, "score": round(self.score, 4), "id": self.passage_id, "text": self.text,
                "paper": paper, "pages": self.pages, "section": self.section, "heading": self.heading,
                "lang": self.lang, "source": self.source, "scores": self.scores, "cites": self.cites,
                "also": self.also}


class Searcher:
    """Holds the connection, the embedder and the dense index for repeated queries."""

    def __init__(self, conn: sqlite3.Connection, kb_dir: Path, embedder: Embedder | None):
        self.conn = conn
        self.kb_dir = Path(kb_dir)
        self.embedder = embedder
        self._dense: dense.DenseIndex | None = None
        if embedder is not None:
            vectors.check_embedder(conn, embedder)

    @property
    def dense_index(self) -> dense.DenseIndex:
        if self._dense is None:
            assert self.embedder is not None
            self._dense = dense.open_index(self.conn, self.kb_dir, self.embedder.name, self.embedder.dim)
        return self._dense

    def index_note(self) -> str | None:
        """A line for the user when the vector index had to be rebuilt because it was lost or damaged."""
        d = self._dense
        reason = getattr(d, "reason", "") if d is not None and d.rebuilt else ""
        if reason in ("missing", "unreadable"):
            return f"the vector index was {reason}; rebuilt it from the knowledge base ({len(d.ids)} passages)"
        return None

    def allowed(self, filters: Filters) -> set[int] | None:
        if not filters.active():
            return None
        where, args = filters.sql()
        rows = self.conn.execute(
            f"SELECT ps.id FROM passages ps JOIN papers p ON p.id = ps.paper_id WHERE {where}", args)
        return {r[0] for r in rows}

    def candidates(self, query: str, mode: str, allowed: set[int] | None, k: int) -> list[fusion.Candidate]:
        n = max(CANDIDATES, 5 * k)
        cands: dict[int, fusion.Candidate] = {}
        qvec = None
        if mode in ("hybrid", "dense"):
            qvec = self.embedder.embed_queries([query])[0]
            want = n if allowed is None else min(len(self.dense_index.ids), max(n, 20 * n))
            for pid, sim in self.dense_index.search(qvec, want):
                if allowed is None or pid in allowed:
                    cands[pid] = fusion.Candidate(pid, dense=sim)
        stats = lexical.query_stats(self.conn, query) if mode in ("hybrid", "lexical") else None
        if mode in ("hybrid", "lexical"):
            for pid, bm25 in lexical.search(self.conn, query, n if allowed is None else 20 * n, stats[1]):
                if allowed is None or pid in allowed:
                    cands.setdefault(pid, fusion.Candidate(pid)).lexical = bm25
        if qvec is not None:
            self._fill_dense(cands, qvec)
        if mode == "hybrid":
            # Coverage can lift a passage by at most LEXICAL_WEIGHT; only candidates within that of
            # the best dense score could still reach the top, so only they are looked at.
            best = max((c.dense for c in cands.values()), default=0.0)
            near = [pid for pid, c in cands.items() if c.dense >= best - fusion.LEXICAL_WEIGHT]
            for pid, cov in lexical.coverage(self.conn, query, near, stats).items():
                cands[pid].coverage = cov
        return list(cands.values())

    def _fill_dense(self, cands: dict[int, fusion.Candidate], qvec: np.ndarray) -> None:
        """Passage and best-sentence similarity for every candidate (lexical ones lack them)."""
        ids = list(cands)
        missing = [pid for pid in ids if cands[pid].dense == 0.0]
        if missing:
            marks = ",".join("?" * len(missing))
            for pid, blob in self.conn.execute(
                    f"SELECT passage_id, vec FROM passage_vectors WHERE passage_id IN ({marks})", missing):
                cands[pid].dense = float(np.frombuffer(blob, dtype=np.float32) @ qvec)
        best = fusion.best_sentence_scores(qvec, vectors.sentence_vectors_for(self.conn, ids, len(qvec)))
        for pid, c in cands.items():
            c.dense = fusion.dense_score(c.dense, best.get(pid))

    def search(self, query: str, *, k: int = 10, mode: str = "hybrid", filters: Filters | None = None) -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        filters = filters or Filters()
        allowed = self.allowed(filters)
        cands = self.candidates(query, mode, allowed, k)
        self._attach_lang(cands)
        if mode == "lexical":
            for c in cands:
                c.score = c.lexical
            ranked = sorted(cands, key=lambda c: c.score, reverse=True)
        elif mode == "dense":
            for c in cands:
                c.score = c.dense
            ranked = sorted(cands, key=lambda c: c.score, reverse=True)
        else:
            ranked = fusion.fuse(cands, langid.script_lang(query))
        return self._without_repeats(ranked, k)

    def _without_repeats(self, ranked: list[fusion.Candidate], k: int) -> list[Hit]:
        """The top k hits with each text once; a copy of a kept text (another file of the same
        paper) is named under the kept hit's `also` instead of taking a place, and a born-digital
        copy is shown in place of an OCRed one at its rank (kb/search/repeats.py)."""
        ranked = ranked[:k + POOL_EXTRA]
        if not ranked:
            return []
        ids = [c.passage_id for c in ranked]
        texts, ocr = {}, set()
        for pid, text, file_id, ocr_pages in self.conn.execute(
                "SELECT ps.id, ps.text, p.file_id, f.ocr_pages FROM passages ps JOIN papers p ON p.id = ps.paper_id "
                f"JOIN files f ON f.id = p.file_id WHERE ps.id IN ({','.join('?' * len(ids))})", ids):
            texts[pid] = (text, file_id)
            if ocr_pages:
                ocr.add(pid)
        by_id = {c.passage_id: c for c in ranked}
        kept = []
        for first, group in repeats.fold(ids, texts, k, ocr):
            shown, others = repeats.best_copy(first, group, ocr)
            kept.append((replace(by_id[shown], score=by_id[first].score), others))
        hits = self.hits_for([c for c, _ in kept])
        folded = [pid for _, group in kept for pid in group]
        copies = {h.passage_id: h for h in self.hits_for([by_id[pid] for pid in folded])} if folded else {}
        for hit, (_, group) in zip(hits, kept, strict=True):
            hit.also = [{"id": pid, "source": copies[pid].source, "pages": copies[pid].pages,
                         "paper_id": copies[pid].paper["id"]} for pid in group]
        return hits

    def _attach_lang(self, cands: list[fusion.Candidate]) -> None:
        if not cands:
            return
        marks = ",".join("?" * len(cands))
        langs = dict(self.conn.execute(f"SELECT id, lang FROM passages WHERE id IN ({marks})",
                                       [c.passage_id for c in cands]).fetchall())
        for c in cands:
            c.lang = langs.get(c.passage_id)

    def hits_for(self, ranked: list[fusion.Candidate]) -> list[Hit]:
        """Hits with their papers, printed pages and citations, in a handful of batched queries."""
        if not ranked:
            return []
        ids = [c.passage_id for c in ranked]
        rows = {r["id"]: r for r in self.conn.execute(
            f"SELECT * FROM passages WHERE id IN ({','.join('?' * len(ids))})", ids)}
        papers = library.paper_briefs(self.conn, {r["paper_id"] for r in rows.values()})
        wanted: dict[int, set[int]] = {}
        for r in rows.values():
            wanted.setdefault(papers[r["paper_id"]]["file_id"], set()).update((r["page_first"], r["page_last"]))
        labels = {fid: library.page_labels_for(self.conn, fid, tuple(pages)) for fid, pages in wanted.items()}
        cites = library.citations_for(self.conn, ids)
        hits = []
        for rank, c in enumerate(ranked, 1):
            row = rows[c.passage_id]
            paper = papers[row["paper_id"]]
            hits.append(Hit(
                rank=rank, score=c.score, passage_id=c.passage_id, text=row["text"], paper=paper,
                pages=library.page_span(labels[paper["file_id"]], row["page_first"], row["page_last"]),
                section=row["section"], heading=row["heading"], lang=row["lang"], source=paper["source"],
                scores={"dense": round(c.dense, 4), "bm25": round(c.lexical, 4)},
                cites=cites.get(c.passage_id, []),
            ))
        return hits

