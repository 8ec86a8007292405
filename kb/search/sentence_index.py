"""Every stored sentence vector in one matrix, for evidence that is not limited to what search returns.

Evidence looks for single supporting sentences; a sentence deep in a passage that ranks low as
a whole is still a quote. The matrix is a cache like the passage index: float16 rows with their
(passage id, sentence number), saved beside the database with the vectors' generation and
rebuilt when that changes or the files are missing or unreadable. Scanning it is one matrix
product per chunk, so memory stays at one chunk of float32 rows.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.search import vectors
from kb.store import db

FORMAT = 1
SCAN_CHUNK = 200_000  # rows converted to float32 and scored per step


@dataclass
class SentenceIndex:
    rows: np.ndarray  # (n, 2) int64: passage id, sentence number (-1: a passage without sentence vectors)
    vecs: np.ndarray  # (n, dim) float16, unit rows (as stored)

    def __len__(self) -> int:
        return len(self.rows)

    def top(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows (indices into self.rows) of the k sentences most similar to a unit query, and their cosines."""
        k = min(k, len(self.rows))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.asarray(query, dtype=np.float32)
        best_rows: list[np.ndarray] = []
        best_sims: list[np.ndarray] = []
        for start in range(0, len(self.rows), SCAN_CHUNK):
            sims = self.vecs[start:start + SCAN_CHUNK].astype(np.float32) @ q
            kk = min(k, len(sims))
            part = np.argpartition(-sims, kk - 1)[:kk]
            best_rows.append(part + start)
            best_sims.append(sims[part])
        rows, sims = np.concatenate(best_rows), np.concatenate(best_sims)
        order = np.argsort(-sims, kind="stable")[:k]
        return rows[order], sims[order]


def _paths(kb_dir: Path, name: str) -> tuple[Path, Path, Path]:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]
    folder = Path(kb_dir) / "faiss"
    return folder / f"{safe}.sentences.npy", folder / f"{safe}.sentences.rows.npy", folder / f"{safe}.sentences.json"


def _build(conn: sqlite3.Connection, dim: int) -> SentenceIndex:
    """Sentence vectors, and for passages too short to have them (one sentence) the passage vector."""
    rows, blobs = [], []
    for pid, n, blob, half in db.all_sentence_vector_blobs(conn):
        if half:
            rows += [(pid, i) for i in range(n)]
            blobs.append(blob)
        else:
            rows.append((pid, -1))
            blobs.append(np.frombuffer(blob, dtype=np.float32).astype(np.float16).tobytes())
    vecs = np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(rows), dim) if rows \
        else np.zeros((0, dim), np.float16)
    return SentenceIndex(np.asarray(rows, dtype=np.int64).reshape(-1, 2), vecs)


def _load(paths: tuple[Path, Path, Path], gen: str, dim: int) -> SentenceIndex | None:
    vec_path, rows_path, meta_path = paths
    try:
        meta = json.loads(meta_path.read_text())
        if (meta.get("format"), meta.get("generation"), meta.get("dim")) != (FORMAT, gen, dim):
            return None
        vecs = np.load(vec_path, mmap_mode="r")
        rows = np.load(rows_path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if vecs.shape != (len(rows), dim) or vecs.dtype != np.float16:
        return None
    return SentenceIndex(rows, vecs)


def _save(paths: tuple[Path, Path, Path], index: SentenceIndex, meta: dict) -> None:
    """Atomic writes, metadata last; failing to cache only costs a rebuild next time."""
    vec_path, rows_path, meta_path = paths
    try:
        vec_path.parent.mkdir(parents=True, exist_ok=True)
        for path, arr in ((vec_path, index.vecs), (rows_path, index.rows)):
            tmp = path.with_name(f"{path.stem}.tmp{os.getpid()}.npy")
            np.save(tmp, np.ascontiguousarray(arr))
            os.replace(tmp, path)
        tmp = meta_path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(meta))
        os.replace(tmp, meta_path)
    except OSError:
        pass


def open_index(conn: sqlite3.Connection, kb_dir: Path, name: str, dim: int) -> SentenceIndex:
    """The sentence matrix of the stored vectors, from its cache or rebuilt from SQLite."""
    paths = _paths(kb_dir, name)
    gen = vectors.generation(conn)
    index = _load(paths, gen, dim)
    if index is None:
        index = _build(conn, dim)
        _save(paths, index, {"format": FORMAT, "generation": gen, "dim": dim, "n": len(index)})
    return index
