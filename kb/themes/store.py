"""Theme tags in SQLite: written with the passages at ingest, rewritten by a retag."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import numpy as np

from kb.search import vectors
from kb.store import db
from kb.themes import taxonomy as taxlib
from kb.themes.tagger import Tagger

META_THEMES = "themes"


def passage_units(text: str, spans: list, passage_vec: np.ndarray,
                  sentence_vecs: np.ndarray | None) -> tuple[list[str], np.ndarray]:
    """A passage as the units the tagger scores: its embedded sentences, else the whole passage."""
    texts = vectors.sentence_texts((text, spans))
    if texts and sentence_vecs is not None and len(sentence_vecs) == len(texts):
        return texts, np.asarray(sentence_vecs, dtype=np.float32)
    return [text], np.asarray(passage_vec, dtype=np.float32)[None, :]


def write_tags(conn: sqlite3.Connection, ids: list[int], tags: list[dict[str, float]]) -> None:
    conn.executemany("INSERT OR REPLACE INTO passage_themes(passage_id, theme, score) VALUES (?, ?, ?)",
                     [(pid, theme, score) for pid, t in zip(ids, tags, strict=True) for theme, score in t.items()])


def stored_taxonomy(conn: sqlite3.Connection) -> dict | None:
    value = db.get_meta(conn, META_THEMES)
    return json.loads(value) if value else None


def record_taxonomy(conn: sqlite3.Connection, tagger: Tagger) -> None:
    db.set_meta(conn, META_THEMES, taxlib.to_json(tagger.taxonomy))


def is_current(conn: sqlite3.Connection, tagger: Tagger) -> bool:
    rec = stored_taxonomy(conn)
    return rec is not None and rec.get("digest") == tagger.taxonomy.digest


def _batches(conn: sqlite3.Connection, dim: int, size: int = 1000) -> Iterator[tuple[list[int], list]]:
    last = 0
    while True:
        rows = conn.execute("SELECT ps.id, ps.text, ps.sentences, pv.vec FROM passages ps "
                            "JOIN passage_vectors pv ON pv.passage_id = ps.id WHERE ps.id > ? "
                            "ORDER BY ps.id LIMIT ?", (last, size)).fetchall()
        if not rows:
            return
        ids = [r[0] for r in rows]
        svecs = vectors.sentence_vectors_for(conn, ids, dim)
        units = [passage_units(r[1], json.loads(r[2]), np.frombuffer(r[3], dtype=np.float32), svecs.get(r[0]))
                 for r in rows]
        yield ids, units
        last = ids[-1]


def retag(conn: sqlite3.Connection, tagger: Tagger) -> int:
    """Re-score every embedded passage against the tagger's taxonomy, in one transaction."""
    n = 0
    with db.transaction(conn):
        conn.execute("DELETE FROM passage_themes")
        for ids, units in _batches(conn, tagger.embedder.dim):
            write_tags(conn, ids, tagger.tag_passages(units))
            n += len(ids)
        record_taxonomy(conn, tagger)
    return n


def theme_counts(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """theme id -> (passages, papers)."""
    rows = conn.execute("SELECT t.theme, COUNT(*), COUNT(DISTINCT ps.paper_id) FROM passage_themes t "
                        "JOIN passages ps ON ps.id = t.passage_id GROUP BY t.theme")
    return {r[0]: (r[1], r[2]) for r in rows}


def top_passages(conn: sqlite3.Connection, theme: str, k: int) -> list[tuple[int, float]]:
    rows = conn.execute("SELECT passage_id, score FROM passage_themes WHERE theme = ? "
                        "ORDER BY score DESC, passage_id LIMIT ?", (theme, k))
    return [(r[0], r[1]) for r in rows]


def passages_with(conn: sqlite3.Connection, themes: list[str]) -> set[int]:
    marks = ",".join("?" * len(themes))
    return {r[0] for r in conn.execute(f"SELECT passage_id FROM passage_themes WHERE theme IN ({marks})", themes)}


def themes_of(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for pid, theme, score in conn.execute(
                f"SELECT passage_id, theme, score FROM passage_themes WHERE passage_id IN ({marks}) "
                "ORDER BY score DESC", chunk):
            out.setdefault(pid, {})[theme] = score
    return out


def tagger_for(kb_dir, embedder, path=None) -> Tagger:
    """The tagger for the taxonomy in force (see taxonomy.load), its prototype vectors cached."""
    from kb.search.indexing import model_cache_dir

    return Tagger(taxlib.load(path, kb_dir), embedder, cache_dir=model_cache_dir(embedder.name))
