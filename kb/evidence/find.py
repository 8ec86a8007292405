"""Recommendation -> supporting sentences, each with its paper and exact page, diversified.

Candidates come from every stored sentence vector (the nearest ones, whatever their passage's
rank) and from the best full-text matches. Each sentence is scored by its similarity to the
recommendation plus a bonus for sharing its rarer words (same form as the search fusion), and
must reach a threshold calibrated per language pair: the same meaning scores lower across
languages, so one absolute threshold would favour the recommendation's own language (values
chosen on the dev recommendations, scripts/eval_topics.py --sweep). A recommendation with
nothing above it gets no evidence rather than the least bad hits. The rest are picked by
maximal marginal relevance, at most PER_PAPER per paper, so the report shows breadth. A
recommendation that asks several things is split into its aspects (kb.evidence.aspects), and
each aspect is checked on its own.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

import numpy as np

from kb import library
from kb.evidence import aspects
from kb.ingest import lang as langid
from kb.ingest.model import pages_in
from kb.search import lexical, sentence_index, vectors
from kb.search.fusion import COVERAGE_POWER, OTHER_LANG_FACTOR
from kb.search.search import Searcher
from kb.store import groups as paper_groups

CANDIDATE_PASSAGES = 30  # best full-text matches added to the pool
CANDIDATE_SENTENCES = 200  # nearest stored sentences per query vector whose passages join the pool
MIN_SUPPORT = 0.54  # same-language support threshold (score: cosine + shared-word bonus)
CROSS_OFFSET = 0.02  # how much lower the threshold is for a sentence in the other language
MARGIN = 0.08  # quotes lie within this of the best quote's score
STRONG_MARGIN = 0.10  # a quote this far above its threshold is "strong", else "partial"
LEXICAL_WEIGHT = 0.50
MMR_LAMBDA = 0.7
PER_PAPER = 2
K = 5
MIN_QUOTE_WORDS = 6


@dataclass
class Quote:
    text: str
    score: float
    passage_id: int
    paper: dict
    pages: dict
    strength: str = "partial"  # "strong" or "partial" (see STRONG_MARGIN)
    matched: list[str] = field(default_factory=list)  # the recommendation's words the quote shares
    lang: str | None = None  # the quote's language (the passage's)

    def as_json(self) -> dict:
        paper = {k: self.paper[k] for k in ("id", "title", "authors", "year", "lang", "doi", "source")}
        return {"quote": self.text, "score": round(self.score, 4), "strength": self.strength,
                "matched": self.matched, "lang": self.lang, "passage_id": self.passage_id,
                "paper": paper, "pages": self.pages}


@dataclass
class Aspect:
    """One of the things a recommendation asks for, and whether any sentence supports it."""

    text: str
    quote: int | None  # index into Evidence.quotes of its best supporting quote, None when unsupported
    score: float = 0.0

    @property
    def found(self) -> bool:
        return self.quote is not None

    def as_json(self) -> dict:
        return {"aspect": self.text, "found": self.found, "quote": self.quote, "score": round(self.score, 4)}


@dataclass
class Evidence:
    recommendation: str
    quotes: list[Quote]
    supporting_passages: int  # all passages with a sentence above the threshold, before the cut
    supporting_papers: int
    supporting_sentences: int = 0
    aspects: list[Aspect] = field(default_factory=list)  # empty when the recommendation asks one thing

    @property
    def found(self) -> bool:
        return bool(self.quotes)

    def strength(self) -> str:
        if not self.quotes:
            return "No evidence found."
        p, n, s = self.supporting_papers, self.supporting_passages, self.supporting_sentences
        return (f"Supported by {p} paper{'s' if p != 1 else ''} ({n} passage{'s' if n != 1 else ''}, "
                f"{s} sentence{'s' if s != 1 else ''} above the threshold); {len(self.quotes)} quoted.")

    def as_json(self) -> dict:
        return {"recommendation": self.recommendation, "found": self.found, "strength": self.strength(),
                "supporting_passages": self.supporting_passages, "supporting_papers": self.supporting_papers,
                "supporting_sentences": self.supporting_sentences,
                "quotes": [q.as_json() for q in self.quotes], "aspects": [a.as_json() for a in self.aspects]}


def sentence_spans(text: str, spans: list) -> list[tuple[int, int]]:
    """The spans of the sentences that have stored vectors (see vectors.sentence_texts)."""
    kept = [(s, e) for s, e in spans[:vectors.MAX_SENTENCES] if len(text[s:e].split()) >= 3]
    return kept if len(kept) > 1 else []


@dataclass(eq=False)  # compared by identity: one object per stored sentence
class _Sentence:
    passage_id: int
    paper_id: int
    text: str
    start: int
    end: int
    vec: np.ndarray
    score: float = 0.0


def _sentences(conn: sqlite3.Connection, ids: list[int], dim: int) -> tuple[list[_Sentence], dict[int, sqlite3.Row]]:
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in conn.execute(
        f"SELECT ps.id, ps.paper_id, ps.text, ps.sentences, ps.page_first, ps.page_last, ps.page_marks, ps.lang, pv.vec "
        f"FROM passages ps JOIN passage_vectors pv ON pv.passage_id = ps.id WHERE ps.id IN ({marks})", ids)}
    svecs = vectors.sentence_vectors_for(conn, list(rows), dim)
    out = []
    for pid in ids:
        r = rows.get(pid)
        if r is None:
            continue
        spans = sentence_spans(r["text"], json.loads(r["sentences"]))
        vecs = svecs.get(pid)
        if not spans or vecs is None or len(vecs) != len(spans):
            spans, vecs = [(0, len(r["text"]))], np.frombuffer(r["vec"], dtype=np.float32)[None, :]
        out += [_Sentence(pid, r["paper_id"], r["text"][s:e].strip(), s, e, np.asarray(v, dtype=np.float32))
                for (s, e), v in zip(spans, vecs, strict=True)]
    return out, rows


# A sentence about the paper itself ("This paper describes …", "В статье рассмотрены …") names its
# topic, not a finding: it is close to any recommendation on that topic and supports none.
_ABOUT_THE_PAPER = re.compile(
    r"^\W*(?:(?:in )?this (?:paper|article|study|work)\b|the (?:paper|article|work|present study) "
    r"(?:describes|presents|considers|discusses|proposes)\b|the (?:aim|purpose|goal|object|subject) of (?:this|the)\b|"
    r"we (?:describe|present|consider|discuss|propose|outline)\b|в (?:данной |настоящей )?(?:статье|работе)\b|"
    r"данн(?:ая|ой) (?:статья|статьи|работа|работы)\b|настоящ(?:ая|ей) (?:статья|статьи|работа)\b|"
    r"цел(?:ью|ь) (?:данной|настоящей|статьи|работы|исследования)\b|(?:объектом|предметом) исследования\b|"
    r"(?:рассматриваются|рассмотрены|описаны|описывается|приводятся)\b|аннотация\b|abstract\b)", re.IGNORECASE)


def _quotable(text: str) -> bool:
    """A quote must stand alone and state something: not a lead-in ("... are:"), a run-in heading
    or a sentence about the paper itself."""
    return (len(text.split()) >= MIN_QUOTE_WORDS and not text.rstrip().endswith(":")
            and not _ABOUT_THE_PAPER.match(text))


def _coverage(conn: sqlite3.Connection, query: str, texts: list[str]) -> list[float]:
    terms, df = lexical.query_stats(conn, query)
    weights = lexical.idf_weights(conn, terms, df)
    total = sum(weights.values())
    if total <= 0:
        return [0.0] * len(texts)
    return [sum(w for t, w in weights.items() if t in stems) / total
            for stems in (set(lexical.analyze(x)) for x in texts)]


def _mmr(cands: list[_Sentence], k: int, per_paper: int, lam: float,
         same: dict[int, int] | None = None) -> list[_Sentence]:
    """same: paper id -> its group's shown paper (kb/dedup): copies of one paper share one per_paper."""
    same = same or {}
    chosen: list[_Sentence] = []
    per: dict[int, int] = {}
    pool = sorted(cands, key=lambda s: s.score, reverse=True)
    while pool and len(chosen) < k:
        best, best_val = None, -np.inf
        for s in pool:
            if per.get(same.get(s.paper_id, s.paper_id), 0) >= per_paper:
                continue
            redundancy = max((float(s.vec @ c.vec) for c in chosen), default=0.0)
            val = lam * s.score - (1 - lam) * redundancy
            if val > best_val:
                best, best_val = s, val
        if best is None:
            break
        chosen.append(best)
        key = same.get(best.paper_id, best.paper_id)
        per[key] = per.get(key, 0) + 1
        pool.remove(best)
    return chosen


def _sentence_index(searcher: Searcher) -> sentence_index.SentenceIndex:
    """The sentence matrix, opened once per searcher and vectors generation (a report of many
    recommendations reads it once)."""
    gen = vectors.generation(searcher.conn)
    cached = getattr(searcher, "_sentence_index", None)
    if cached is None or cached[0] != gen:
        cached = (gen, sentence_index.open_index(searcher.conn, searcher.kb_dir, searcher.embedder.name,
                                                 searcher.embedder.dim))
        searcher._sentence_index = cached
    return cached[1]


def _pool(searcher: Searcher, text: str, qvecs: np.ndarray) -> list[int]:
    """Passages to read sentences from: those holding the sentences nearest to any of the query
    vectors (every stored sentence is looked at) and the best full-text matches."""
    index = _sentence_index(searcher)
    ids: dict[int, None] = {}
    for qvec in qvecs:
        rows, _ = index.top(qvec, CANDIDATE_SENTENCES)
        ids.update((int(index.rows[r, 0]), None) for r in rows)
    terms, df = lexical.query_stats(searcher.conn, text)
    if terms:
        ids.update((pid, None) for pid, _ in lexical.search(searcher.conn, text, CANDIDATE_PASSAGES, df))
    return list(ids)


def threshold_for(same_language: bool, min_support: float, cross_offset: float = CROSS_OFFSET) -> float:
    """The support threshold for a sentence: lower by cross_offset when it is in another language
    than the recommendation, since cross-lingual similarities run lower for the same meaning."""
    return min_support if same_language else min_support - cross_offset


def _score(conn: sqlite3.Connection, text: str, qvec: np.ndarray, sents: list[_Sentence],
           rows: dict[int, sqlite3.Row], qlang: str | None, min_support: float,
           cross_offset: float) -> list[tuple[float, float]]:
    """(score, threshold) per sentence: similarity plus the capped bonus for the rarer shared words."""
    out = []
    for s, cov in zip(sents, _coverage(conn, text, [s.text for s in sents]), strict=True):
        same = qlang is None or rows[s.passage_id]["lang"] in (None, qlang)
        score = float(s.vec @ qvec) + LEXICAL_WEIGHT * cov ** COVERAGE_POWER * (1.0 if same else OTHER_LANG_FACTOR)
        out.append((score, threshold_for(same, min_support, cross_offset)))
    return out


def _matched(text: str, sentence: str) -> list[str]:
    """The recommendation's words (as written) whose stems the sentence shares."""
    have = set(lexical.analyze(sentence))
    seen: dict[str, None] = {}
    for word in re.findall(r"[^\W_]+(?:-[^\W_]+)*", text):
        stems = lexical.analyze(word)
        if stems and all(x in have for x in stems):
            seen.setdefault(word.lower(), None)
    return list(seen)


def find(searcher: Searcher, recommendation: str, *, k: int = K, per_paper: int = PER_PAPER,
         min_support: float | None = None, lam: float = MMR_LAMBDA, margin: float | None = None,
         cross_offset: float | None = None) -> Evidence:
    """The supporting quotes of a recommendation; thresholds default to the module's constants."""
    conn, embedder = searcher.conn, searcher.embedder
    assert embedder is not None
    min_support = MIN_SUPPORT if min_support is None else min_support
    margin = MARGIN if margin is None else margin
    cross_offset = CROSS_OFFSET if cross_offset is None else cross_offset
    parts = aspects.split(recommendation)
    qvecs = embedder.embed_queries([recommendation, *parts])  # one call: the per-call cost is paid once
    ids = _pool(searcher, recommendation, qvecs)
    if not ids:
        return Evidence(recommendation, [], 0, 0, aspects=[Aspect(a, None) for a in parts])
    sents, rows = _sentences(conn, ids, embedder.dim)
    qlang = langid.script_lang(recommendation)
    scored = _score(conn, recommendation, qvecs[0], sents, rows, qlang, min_support, cross_offset)
    for s, (score, _) in zip(sents, scored, strict=True):
        s.score = score
    passing = [s for s, (score, thr) in zip(sents, scored, strict=True) if score >= thr and _quotable(s.text)]
    same = paper_groups.canonical_map(conn, {s.paper_id for s in passing})  # copies of a paper are one paper
    if passing:
        best = max(s.score for s in passing)
        chosen = _mmr([s for s in passing if s.score >= best - margin], k, per_paper, lam, same)
    else:
        chosen = []
    aspect_rows = []
    for text, qvec in zip(parts, qvecs[1:], strict=True):
        a_scored = _score(conn, text, qvec, sents, rows, qlang, min_support, cross_offset)
        ok = [(score, i) for i, (score, thr) in enumerate(a_scored) if score >= thr and _quotable(sents[i].text)]
        if not ok:
            aspect_rows.append((text, None, max((x for x, _ in a_scored), default=0.0)))
            continue
        score, i = max(ok)
        if sents[i] not in chosen:
            chosen.append(sents[i])
        aspect_rows.append((text, chosen.index(sents[i]), score))
    quotes = _quotes(conn, recommendation, chosen, rows, threshold_for(True, min_support, cross_offset),
                     threshold_for(False, min_support, cross_offset), qlang)
    return Evidence(recommendation, quotes, len({s.passage_id for s in passing}),
                    len({same.get(s.paper_id, s.paper_id) for s in passing}),
                    len(passing), [Aspect(t, q, sc) for t, q, sc in aspect_rows])


def _quotes(conn: sqlite3.Connection, recommendation: str, chosen: list[_Sentence], rows: dict[int, sqlite3.Row],
            same_thr: float, cross_thr: float, qlang: str | None) -> list[Quote]:
    papers = library.paper_briefs(conn, {s.paper_id for s in chosen}) if chosen else {}
    quotes = []
    for s in chosen:
        r = rows[s.passage_id]
        first, last = pages_in([tuple(m) for m in json.loads(r["page_marks"])], s.start, s.end,
                               (r["page_first"], r["page_last"]))
        paper = papers[s.paper_id]
        labels = library.page_labels_for(conn, paper["file_id"], (first, last))
        same = qlang is None or r["lang"] in (None, qlang)
        strength = "strong" if s.score >= (same_thr if same else cross_thr) + STRONG_MARGIN else "partial"
        quotes.append(Quote(s.text, s.score, s.passage_id, paper, library.page_span(labels, first, last),
                            strength, _matched(recommendation, s.text), r["lang"]))
    return quotes
