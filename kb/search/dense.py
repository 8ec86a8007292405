"""FAISS over the stored passage vectors: exact below a size threshold, HNSW above it.

The index is a cache. It is saved next to the database with the vectors' generation and
rebuilt whenever that generation changes, the file is missing, or it cannot be read.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.search import vectors

EXACT_LIMIT = 50_000  # passages; above this an inverted-file (IVF) index answers instead of a full scan
IVF_PROBE_SHARE = 0.03  # share of the lists searched per query (recall vs speed; see scripts/bench_scale.py)
TRAIN_SAMPLE = 100_000
RAM_LOAD_LIMIT = 1 << 30  # bytes


@dataclass
class DenseIndex:
    index: object  # faiss.Index
    ids: np.ndarray  # row -> passage id
    kind: str
    rebuilt: bool = False

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        k = min(k, len(self.ids))
        if k <= 0:
            return []
        _single_thread()
        scores, rows = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        return [(int(self.ids[r]), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]


_THREADS_SET = False


def _single_thread() -> None:
    """One query is too small to share: OpenMP threads cost more than they give (measured 3x)."""
    global _THREADS_SET
    if not _THREADS_SET:
        import faiss

        faiss.omp_set_num_threads(1)
        _THREADS_SET = True


def n_lists(n: int) -> int:
    return max(64, int(4 * n ** 0.5))


def build(ids: np.ndarray, mat: np.ndarray, *, exact_limit: int = EXACT_LIMIT):
    """Exact inner-product index, or IVF with ~4·sqrt(n) lists trained on a sample (seconds, not minutes)."""
    import faiss

    dim = mat.shape[1]
    mat = np.ascontiguousarray(mat, dtype=np.float32)
    if len(ids) <= exact_limit:
        index, kind = faiss.IndexFlatIP(dim), "flat"
        if len(ids):
            index.add(mat)
        return index, kind
    faiss.omp_set_num_threads(max(1, faiss.omp_get_max_threads()))
    lists = n_lists(len(ids))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = mat[rng.choice(len(mat), size=min(len(mat), TRAIN_SAMPLE), replace=False)]
    index.train(sample)
    index.add(mat)
    index.nprobe = max(8, int(lists * IVF_PROBE_SHARE))
    return index, "ivf"


def _paths(kb_dir: Path, name: str) -> tuple[Path, Path, Path]:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]
    folder = Path(kb_dir) / "faiss"
    return folder, folder / f"{safe}.index", folder / f"{safe}.json"


def open_index(conn: sqlite3.Connection, kb_dir: Path, name: str, dim: int,
               exact_limit: int = EXACT_LIMIT) -> DenseIndex:
    """The dense index for the stored vectors, loaded from its cache file or rebuilt."""
    import faiss

    folder, index_path, meta_path = _paths(kb_dir, name)
    gen = vectors.generation(conn)
    try:
        meta = json.loads(meta_path.read_text())
        if meta["generation"] == gen and meta["dim"] == dim:
            # An inverted-file index searches ~4x faster from RAM than from a memory map (scattered
            # list reads); read it in when it fits comfortably, map it otherwise.
            in_ram = meta["kind"] == "ivf" and index_path.stat().st_size <= RAM_LOAD_LIMIT
            flags = 0 if in_ram else faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY
            index = faiss.read_index(str(index_path), flags)
            ids = np.load(folder / f"{index_path.stem}.ids.npy")
            if index.ntotal == len(ids):
                if meta["kind"] == "ivf":
                    index.nprobe = max(8, int(index.nlist * IVF_PROBE_SHARE))
                return DenseIndex(index, ids, meta["kind"])
    except (OSError, ValueError, KeyError, RuntimeError):
        pass  # missing, stale or unreadable: rebuild below
    ids, mat = vectors.load_passage_vectors(conn, dim)
    index, kind = build(ids, mat, exact_limit=exact_limit)
    _save(folder, index_path, meta_path, index, ids, {"generation": gen, "dim": dim, "kind": kind, "n": len(ids)})
    return DenseIndex(index, ids, kind, rebuilt=True)


def _save(folder: Path, index_path: Path, meta_path: Path, index, ids: np.ndarray, meta: dict) -> None:
    """Write atomically; a reader never sees a half-written index (and failing to cache is fine)."""
    import faiss

    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = index_path.with_suffix(f".tmp{os.getpid()}")
        faiss.write_index(index, str(tmp))
        os.replace(tmp, index_path)
        ids_tmp = folder / f"{index_path.stem}.ids.tmp{os.getpid()}.npy"
        np.save(ids_tmp, ids)
        os.replace(ids_tmp, folder / f"{index_path.stem}.ids.npy")
        meta_tmp = meta_path.with_suffix(f".tmp{os.getpid()}")
        meta_tmp.write_text(json.dumps(meta))
        os.replace(meta_tmp, meta_path)
    except OSError:
        pass
