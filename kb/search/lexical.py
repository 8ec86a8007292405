"""BM25 over stemmed text in SQLite FTS5: incremental and inside the ingest transaction.

Russian and English words are reduced with the Snowball stemmers (PyStemmer) before they
reach FTS5, so "цифровых технологий" matches "цифровые технологии".
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable

from kb.ingest.text import stem

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от "
    "меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж "
    "вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без "
    "будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один "
    "почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после "
    "над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед "
    "иногда лучше чуть том нельзя такой им более всегда конечно всю между это также которые который которых "
    "the a an and or of to in on for with by as at from is are was were be been being that this these those it "
    "its which who whom what how why when where can could should would may might will do does did not no "
    "into about over than then so such their there they them we our you your he she his her i me my also "
    "more most other some any each both".split()
)


def analyze(text: str) -> list[str]:
    """Lower-cased Snowball stems of the words of a text, stop words dropped."""
    out = []
    for token in _TOKEN.findall(text.lower().replace("ё", "е")):
        if token in STOPWORDS or (len(token) == 1 and not token.isdigit()):
            continue
        out.append(stem(token))
    return out


def index_passages(conn: sqlite3.Connection, ids: Iterable[int], texts: Iterable[str]) -> None:
    rows = [(i, " ".join(analyze(t))) for i, t in zip(ids, texts, strict=True)]
    conn.executemany("INSERT INTO passages_fts(rowid, stems) VALUES (?, ?)", rows)
    _count_stems(conn, [stems for _, stems in rows], +1)


def _count_stems(conn: sqlite3.Connection, stem_texts: list[str], sign: int) -> None:
    counts = Counter(t for stems in stem_texts for t in set(stems.split()))
    conn.executemany("INSERT INTO stem_df(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
                     [(t, sign * n) for t, n in counts.items()])


def forget_file(conn: sqlite3.Connection, file_id: int) -> None:
    """Take a file's passages out of the stem counts (before its rows are deleted)."""
    rows = conn.execute("SELECT f.stems FROM passages_fts f JOIN passages p ON p.id = f.rowid "
                        "JOIN papers pa ON pa.id = p.paper_id WHERE pa.file_id = ?", (file_id,)).fetchall()
    _count_stems(conn, [r[0] for r in rows], -1)
    conn.execute("DELETE FROM stem_df WHERE df <= 0")


def forget_paper(conn: sqlite3.Connection, paper_id: int) -> None:
    """Take one paper's passages out of the stem counts (before its rows are deleted: `kb remove`)."""
    rows = conn.execute("SELECT f.stems FROM passages_fts f JOIN passages p ON p.id = f.rowid "
                        "WHERE p.paper_id = ?", (paper_id,)).fetchall()
    _count_stems(conn, [r[0] for r in rows], -1)
    conn.execute("DELETE FROM stem_df WHERE df <= 0")


def ensure_index(conn: sqlite3.Connection) -> int:
    """Index passages that have no full-text row yet (a knowledge base from before search)."""
    missing = conn.execute(
        "SELECT id, text FROM passages WHERE id NOT IN (SELECT rowid FROM passages_fts)").fetchall()
    if missing:
        conn.execute("BEGIN IMMEDIATE")
        try:
            index_passages(conn, [r[0] for r in missing], [r[1] for r in missing])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                conn.execute("ROLLBACK")
            raise
    return len(missing)


MAX_TERMS = 6  # the rarest query stems searched; more only add cost
COMMON_SHARE = 0.01  # stems in more than this share of passages (and over COMMON_MIN) are not searched
COMMON_MIN = 500


def doc_frequencies(conn: sqlite3.Connection, terms: list[str]) -> dict[str, int]:
    """How many passages contain each stem."""
    if not terms:
        return {}
    marks = ",".join("?" * len(terms))
    found = dict(conn.execute(f"SELECT term, df FROM stem_df WHERE term IN ({marks})", terms).fetchall())
    return {t: found.get(t, 0) for t in terms}


def passage_count(conn: sqlite3.Connection) -> int:
    """Number of passages; max(rowid) is an upper bound read in O(1), which is all BM25-style weights need."""
    return conn.execute("SELECT max(id) FROM passages").fetchone()[0] or 1


def match_expression(query: str, conn: sqlite3.Connection | None = None,
                     df: dict[str, int] | None = None) -> str | None:
    """FTS5 OR-query of the query's stems; with a connection, only the rarest useful ones.

    A stem found in most passages matches thousands of rows and barely moves BM25, while
    scoring them all is what makes a query slow on a large knowledge base.
    """
    terms = list(dict.fromkeys(analyze(query)))
    if conn is not None and terms:
        df = df if df is not None else doc_frequencies(conn, terms)
        limit = max(COMMON_SHARE * passage_count(conn), COMMON_MIN)
        present = [t for t in terms if df.get(t, 0) > 0]
        rare = [t for t in present if df[t] <= limit] or sorted(present, key=df.get)[:1]
        terms = sorted(rare, key=df.get)[:MAX_TERMS]
    if not terms:
        return None
    return " OR ".join(f'"{t}"' for t in terms)


def search(conn: sqlite3.Connection, query: str, limit: int = 100,
           df: dict[str, int] | None = None) -> list[tuple[int, float]]:
    """(passage id, BM25 score; higher is better) for the best `limit` passages."""
    expr = match_expression(query, conn, df)
    if expr is None:
        return []
    rows = conn.execute(
        "SELECT rowid, -bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH ? "
        "ORDER BY bm25(passages_fts) LIMIT ?", (expr, limit)).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows]


def idf_weights(conn: sqlite3.Connection, terms: list[str], df: dict[str, int] | None = None) -> dict[str, float]:
    """BM25-style inverse document frequency of each stem."""
    if not terms:
        return {}
    n_docs = passage_count(conn)
    df = df if df is not None else doc_frequencies(conn, terms)
    return {t: math.log((n_docs - df[t] + 0.5) / (df[t] + 0.5) + 1.0) for t in terms}


def query_stats(conn: sqlite3.Connection, query: str) -> tuple[list[str], dict[str, int]]:
    """The query's stems and their document frequencies, looked up once per query."""
    terms = list(dict.fromkeys(analyze(query)))
    return terms, doc_frequencies(conn, terms)


def coverage(conn: sqlite3.Connection, query: str, ids: list[int],
             stats: tuple[list[str], dict[str, int]] | None = None) -> dict[int, float]:
    """Share of the query's (IDF-weighted) stems that each passage contains, 0..1."""
    terms, df = stats if stats is not None else query_stats(conn, query)
    weights = idf_weights(conn, terms, df)
    total = sum(weights.values())
    if not ids or total <= 0:
        return {}
    out = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        padded = [(f" {t} ", w) for t, w in weights.items()]
        for rowid, stems in conn.execute(f"SELECT rowid, stems FROM passages_fts WHERE rowid IN ({marks})", chunk):
            text = f" {stems} "  # a few substring tests beat building a set of ~150 stems per passage
            out[rowid] = sum(w for t, w in padded if t in text) / total
    return out
