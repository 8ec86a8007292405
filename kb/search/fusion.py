"""Hybrid ranking: dense similarity first, BM25 as bounded evidence on top of it.

Reciprocal-rank fusion treats both lists as equals, so for a cross-lingual query the BM25
list (which can only match passages in the query's language) pushes the right answers
down. Here a passage's score is its dense score (the better of the whole passage and its
best sentence) plus a BM25 bonus that is capped, scaled by how well BM25 did on this
query relative to its best hit, and given only when the passage shares the query's language
or matches many of its terms. Strong keyword matches still rise; a weak one cannot overturn
a clear semantic answer in another language.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SENTENCE_WEIGHT = 0.5  # dense score = (1 - w) * passage similarity + w * best sentence similarity
LEXICAL_WEIGHT = 0.30  # size of the lexical bonus relative to cosine similarities
COVERAGE_POWER = 2.0  # the bonus grows with the square of query coverage: partial overlap counts little
OTHER_LANG_FACTOR = 0.5


@dataclass
class Candidate:
    passage_id: int
    dense: float = 0.0
    sentence: float = 0.0
    lexical: float = 0.0  # raw BM25
    coverage: float = 0.0  # IDF-weighted share of query stems found in the passage
    lang: str | None = None
    score: float = 0.0


def dense_score(passage_sim: float, best_sentence: float | None, weight: float | None = None) -> float:
    weight = SENTENCE_WEIGHT if weight is None else weight
    if best_sentence is None:
        return passage_sim
    return (1 - weight) * passage_sim + weight * max(best_sentence, passage_sim)


def fuse(cands: list[Candidate], query_lang: str | None, *, lexical_weight: float | None = None) -> list[Candidate]:
    lexical_weight = LEXICAL_WEIGHT if lexical_weight is None else lexical_weight
    for c in cands:
        same_lang = query_lang is None or c.lang is None or c.lang == query_lang
        bonus = lexical_weight * c.coverage ** COVERAGE_POWER
        c.score = c.dense + bonus * (1.0 if same_lang else OTHER_LANG_FACTOR)
    return sorted(cands, key=lambda c: c.score, reverse=True)


def best_sentence_scores(query: np.ndarray, sentence_vecs: dict[int, np.ndarray]) -> dict[int, float]:
    return {pid: float((m @ query).max()) for pid, m in sentence_vecs.items() if len(m)}
