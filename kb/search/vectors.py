"""Embeddings in SQLite: written with the passages, checked against the embedder in use.

Passage vectors are float32; sentence vectors (for max-sim scoring) are float16 to halve
their size. The knowledge base records which embedder made them; asking another one to
search them is an error, not silent noise.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass

import numpy as np

from kb.embed.base import Embedder
from kb.errors import EmbedderMismatch
from kb.ingest.model import Passage
from kb.store import db

META_EMBEDDER = "embedder"
META_GENERATION = "vectors_generation"
PASSAGE_FROM_SENTENCES = False  # True: passage vector = mean of sentence vectors (faster, measured worse)
MAX_SENTENCES = 24  # per passage; longer passages keep their first 24 for max-sim


def recorded_embedder(conn: sqlite3.Connection) -> dict | None:
    value = db.get_meta(conn, META_EMBEDDER)
    return json.loads(value) if value else None


def check_embedder(conn: sqlite3.Connection, embedder: Embedder) -> None:
    """Raise EmbedderMismatch when the stored vectors come from another model."""
    rec = recorded_embedder(conn)
    if rec is None:
        return
    if rec["name"] != embedder.name or rec["dim"] != embedder.dim:
        raise EmbedderMismatch(
            f"this knowledge base was indexed with {rec['name']} ({rec['dim']}-d), not {embedder.name}; "
            f"search with --model {rec['name']}, or re-embed with `kb reindex --model {embedder.name}`")


def record_embedder(conn: sqlite3.Connection, embedder: Embedder) -> None:
    db.set_meta(conn, META_EMBEDDER, json.dumps(
        {"name": embedder.name, "dim": embedder.dim, "version": embedder.version}))


def touch(conn: sqlite3.Connection) -> None:
    """Mark the stored vectors as changed, so cached indexes built from them are rebuilt."""
    db.set_meta(conn, META_GENERATION, uuid.uuid4().hex)


def generation(conn: sqlite3.Connection) -> str:
    return db.get_meta(conn, META_GENERATION) or ""


def sentence_texts(passage: Passage | tuple[str, list]) -> list[str]:
    text, spans = (passage.text, passage.sentences) if isinstance(passage, Passage) else passage
    out = [text[s:e] for s, e in spans[:MAX_SENTENCES] if len(text[s:e].split()) >= 3]
    return out if len(out) > 1 else []


@dataclass
class Embedded:
    """Vectors of a list of passages: one per passage, and per passage its sentence vectors."""

    passages: np.ndarray
    sentences: list[np.ndarray]


def embed(embedder: Embedder, passages: list[Passage] | list[tuple[str, list]]) -> Embedded:
    """Embed passages and their sentences in one batch (one call: it is split across cores)."""
    texts = [p.text if isinstance(p, Passage) else p[0] for p in passages]
    groups = [sentence_texts(p) for p in passages]
    flat = [s for group in groups for s in group]
    everything = embedder.embed_passages(texts + flat) if texts else np.zeros((0, embedder.dim), np.float32)
    vecs, svecs = everything[:len(texts)], everything[len(texts):]
    if PASSAGE_FROM_SENTENCES:
        k = 0
        for i, group in enumerate(groups):
            if group:
                mean = svecs[k:k + len(group)].mean(axis=0)
                vecs[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            k += len(group)
    out, k = [], 0
    for group in groups:
        out.append(svecs[k:k + len(group)])
        k += len(group)
    return Embedded(vecs, out)


def store(conn: sqlite3.Connection, embedder: Embedder, ids: list[int], embedded: Embedded) -> None:
    """Write vectors computed by `embed` (inside the caller's transaction)."""
    conn.executemany("INSERT OR REPLACE INTO passage_vectors(passage_id, vec) VALUES (?, ?)",
                     [(pid, v.astype(np.float32).tobytes()) for pid, v in zip(ids, embedded.passages, strict=True)])
    conn.executemany("INSERT OR REPLACE INTO sentence_vectors(passage_id, n, vecs) VALUES (?, ?, ?)",
                     [(pid, len(group), np.ascontiguousarray(group, dtype=np.float16).tobytes())
                      for pid, group in zip(ids, embedded.sentences, strict=True) if len(group)])
    record_embedder(conn, embedder)
    touch(conn)


def load_passage_vectors(conn: sqlite3.Connection, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """All passage vectors as (ids int64, matrix float32)."""
    rows = conn.execute("SELECT passage_id, vec FROM passage_vectors ORDER BY passage_id").fetchall()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dim) if rows \
        else np.zeros((0, dim), np.float32)
    return ids, mat


def sentence_vectors_for(conn: sqlite3.Connection, ids: list[int], dim: int) -> dict[int, np.ndarray]:
    """Sentence vectors (float32) of the given passages, keyed by passage id."""
    out: dict[int, np.ndarray] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for pid, n, blob in conn.execute(
                f"SELECT passage_id, n, vecs FROM sentence_vectors WHERE passage_id IN ({marks})", chunk):
            out[pid] = np.frombuffer(blob, dtype=np.float16).reshape(n, dim).astype(np.float32)
    return out


def missing_vectors(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return conn.execute(
        "SELECT id, text, sentences FROM passages WHERE id NOT IN (SELECT passage_id FROM passage_vectors)"
    ).fetchall()


def embed_missing(conn: sqlite3.Connection, embedder: Embedder, batch: int = 256,
                  progress=None) -> int:
    """Embed passages that have no vector yet (e.g. after `kb reindex`), batch by batch."""
    rows = missing_vectors(conn)
    for start in range(0, len(rows), batch):
        part = rows[start:start + batch]
        embedded = embed(embedder, [(r[1], [tuple(x) for x in json.loads(r[2])]) for r in part])
        conn.execute("BEGIN IMMEDIATE")
        try:
            store(conn, embedder, [r[0] for r in part], embedded)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                conn.execute("ROLLBACK")
            raise
        if progress is not None:
            progress(len(part))
    return len(rows)


def clear(conn: sqlite3.Connection) -> None:
    """Drop every stored vector (before re-embedding with another model)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM passage_vectors")
        conn.execute("DELETE FROM sentence_vectors")
        conn.execute("DELETE FROM meta WHERE key = ?", (META_EMBEDDER,))
        touch(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise
