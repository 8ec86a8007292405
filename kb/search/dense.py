"""FAISS over the stored passage vectors: exact below a size threshold, IVF-SQ8 above it.

Up to EXACT_LIMIT passages a flat inner-product index scans every vector. Above it an
inverted-file index (about 4·sqrt(n) lists, 3% of them but at least 128 probed per query) holds
8-bit scalar-quantised residuals, a quarter of the float size, in RAM; the best 2·k of its
candidates are re-ranked with the float vectors stored in SQLite, so the returned
similarities are exact. scripts/bench_scale.py measures the choice at 10k-1M passages.

The index is a cache. It is saved next to the database with the vectors' generation and
rebuilt whenever that generation changes, the file is missing, or it cannot be read;
`DenseIndex.reason` says which. A rebuild streams the vectors from SQLite in chunks, so its
memory is the index plus a training sample, not a second copy of every vector.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from kb.search import vectors

EXACT_LIMIT = 50_000  # passages; above this an inverted-file (IVF) index answers instead of a full scan
IVF_PROBE_SHARE = 0.03  # share of the lists searched per query (recall vs speed; see scripts/bench_scale.py),
MIN_PROBE = 128  # but never fewer lists than this: recall@10 follows the number probed more than the share
RERANK_FACTOR = 2  # quantised candidates re-scored exactly per result asked for
TRAIN_PER_LIST = 25  # the lists are trained on a sample of this many vectors per list (faiss asks for 39;
MIN_PER_LIST = 16  # 25 measured as good at half the time), and faiss only warns below MIN_PER_LIST
RAM_LOAD_LIMIT = 2 << 30  # bytes; a larger index file is memory-mapped instead of read in
CHUNK = 20_000  # vectors read from SQLite and added per step while building
FORMAT = 2  # cache layout; a cache written in another one is stale (1: IVFFlat, no re-ranking)
QUANTISED = frozenset({"ivf-sq8"})


@dataclass
class DenseIndex:
    index: object  # faiss.Index
    ids: np.ndarray  # row -> passage id
    kind: str  # "flat" (exact) or "ivf-sq8"
    rebuilt: bool = False
    reason: str = ""  # why it was rebuilt: "missing", "stale", "unreadable"; "" when loaded from the cache
    exact: Callable[[list[int]], dict[int, np.ndarray]] | None = None  # passage ids -> stored float vectors

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k passages most similar to a unit query vector, as (passage id, cosine), best first."""
        k = min(k, len(self.ids))
        if k <= 0:
            return []
        _single_thread()
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        rerank = self.kind in QUANTISED and self.exact is not None
        fetch = min(len(self.ids), RERANK_FACTOR * k) if rerank else k
        scores, rows = self.index.search(q, fetch)
        hits = [(int(self.ids[r]), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
        if rerank and hits:
            hits = self._rerank(q[0], hits)
        return hits[:k]

    def _rerank(self, q: np.ndarray, hits: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Exact similarities from the stored vectors; a passage whose vector is gone is dropped."""
        try:
            found = self.exact([pid for pid, _ in hits])
        except sqlite3.Error:  # e.g. the connection was closed: keep the quantised order and scores
            return hits
        pids = [pid for pid, _ in hits if pid in found]
        if not pids:
            return []
        sims = np.stack([found[pid] for pid in pids]) @ q
        order = np.argsort(-sims, kind="stable")
        return [(pids[i], float(sims[i])) for i in order]


_THREADS_SET = False


def _single_thread() -> None:
    """One query is too small to share: OpenMP threads cost more than they give (measured 3x)."""
    global _THREADS_SET
    if not _THREADS_SET:
        import faiss

        faiss.omp_set_num_threads(1)
        _THREADS_SET = True


@contextmanager
def _all_cores() -> Iterator[None]:
    """Training and adding are large batched products: use every core, then restore the setting."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(max(1, os.cpu_count() or 1))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def n_lists(n: int) -> int:
    return max(64, int(4 * n ** 0.5))


def n_probe(nlist: int) -> int:
    return min(nlist, max(MIN_PROBE, round(nlist * IVF_PROBE_SHARE)))


def _build(n: int, dim: int, sample: Callable[[np.ndarray], np.ndarray], chunks: Iterator[np.ndarray],
           exact_limit: int):
    """(index, kind) from n vectors: `sample(rows)` returns the rows asked for, `chunks` yields all in order."""
    import faiss

    with _all_cores():
        if n <= exact_limit:
            index, kind = faiss.IndexFlatIP(dim), "flat"
        else:
            lists = n_lists(n)
            index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, lists,
                                                  faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
            index.cp.min_points_per_centroid = MIN_PER_LIST
            rng = np.random.default_rng(0)
            size = min(n, TRAIN_PER_LIST * lists)
            index.train(np.ascontiguousarray(sample(np.sort(rng.choice(n, size=size, replace=False))),
                                             dtype=np.float32))
            index.nprobe = n_probe(lists)
            kind = "ivf-sq8"
        for part in chunks:
            if len(part):
                index.add(np.ascontiguousarray(part, dtype=np.float32))
    return index, kind


def build(ids: np.ndarray, mat: np.ndarray, *, exact_limit: int = EXACT_LIMIT):
    """(index, kind) over a matrix of unit vectors: flat up to exact_limit rows, IVF-SQ8 above it.

    The IVF lists (~4·sqrt(n)) are trained on a sample of TRAIN_PER_LIST rows per list (100k at 1M rows).
    """
    mat = np.asarray(mat, dtype=np.float32)
    return _build(len(ids), mat.shape[1], lambda rows: mat[rows],
                  (mat[s:s + CHUNK] for s in range(0, len(mat), CHUNK)), exact_limit)


def _stored_vectors(conn: sqlite3.Connection, dim: int, pids: list[int]) -> dict[int, np.ndarray]:
    """Float vectors of the given passages from SQLite, keyed by passage id."""
    out: dict[int, np.ndarray] = {}
    for start in range(0, len(pids), 500):
        part = pids[start:start + 500]
        for pid, blob in conn.execute(f"SELECT passage_id, vec FROM passage_vectors WHERE passage_id IN "
                                      f"({','.join('?' * len(part))})", part):
            out[pid] = np.frombuffer(blob, dtype=np.float32, count=dim)
    return out


def _build_from_db(conn: sqlite3.Connection, dim: int, exact_limit: int):
    """(index, kind, ids) built by streaming passage_vectors in passage-id order."""
    all_ids = np.fromiter((r[0] for r in conn.execute("SELECT passage_id FROM passage_vectors ORDER BY passage_id")),
                          dtype=np.int64)
    seen: list[np.ndarray] = []

    def sample(rows: np.ndarray) -> np.ndarray:
        found = _stored_vectors(conn, dim, [int(x) for x in all_ids[rows]])
        return np.stack(list(found.values())) if found else np.zeros((0, dim), np.float32)

    def chunks() -> Iterator[np.ndarray]:
        cur = conn.execute("SELECT passage_id, vec FROM passage_vectors ORDER BY passage_id")
        while rows := cur.fetchmany(CHUNK):
            seen.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
            yield np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dim)

    index, kind = _build(len(all_ids), dim, sample, chunks(), exact_limit)
    ids = np.concatenate(seen) if seen else np.zeros(0, np.int64)
    return index, kind, ids


def _paths(kb_dir: Path, name: str) -> tuple[Path, Path, Path]:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]
    folder = Path(kb_dir) / "faiss"
    return folder, folder / f"{safe}.index", folder / f"{safe}.json"


def _load(folder: Path, index_path: Path, meta_path: Path, gen: str, dim: int) -> tuple[object, np.ndarray, str]:
    """(index, ids, kind) from the cache; raises LookupError(reason) when it must be rebuilt."""
    import faiss

    if not meta_path.exists() or not index_path.exists():
        raise LookupError("missing")
    try:
        meta = json.loads(meta_path.read_text())
        current = (meta.get("format"), meta["generation"], meta["dim"]) == (FORMAT, gen, dim)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LookupError("unreadable") from exc
    if not current:
        raise LookupError("stale")
    try:
        # An inverted-file index searches ~4x faster from RAM than from a memory map (scattered
        # list reads); read it in when it fits comfortably, map it otherwise.
        in_ram = meta["kind"] != "flat" and index_path.stat().st_size <= RAM_LOAD_LIMIT
        flags = 0 if in_ram else faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY
        index = faiss.read_index(str(index_path), flags)
        ids = np.load(folder / f"{index_path.stem}.ids.npy")
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise LookupError("missing" if isinstance(exc, FileNotFoundError) else "unreadable") from exc
    if index.ntotal != len(ids) or index.d != dim:
        raise LookupError("unreadable")
    if meta["kind"] != "flat":
        faiss.extract_index_ivf(index).nprobe = n_probe(faiss.extract_index_ivf(index).nlist)
    return index, ids, meta["kind"]


def open_index(conn: sqlite3.Connection, kb_dir: Path, name: str, dim: int,
               exact_limit: int = EXACT_LIMIT) -> DenseIndex:
    """The dense index for the stored vectors, loaded from its cache file or rebuilt (see `reason`)."""
    folder, index_path, meta_path = _paths(kb_dir, name)
    gen = vectors.generation(conn)
    exact = partial(_stored_vectors, conn, dim)
    try:
        index, ids, kind = _load(folder, index_path, meta_path, gen, dim)
        return DenseIndex(index, ids, kind, exact=exact)
    except LookupError as exc:
        reason = str(exc.args[0])
    index, kind, ids = _build_from_db(conn, dim, exact_limit)
    _save(folder, index_path, meta_path, index, ids,
          {"format": FORMAT, "generation": gen, "dim": dim, "kind": kind, "n": len(ids)})
    return DenseIndex(index, ids, kind, rebuilt=True, reason=reason, exact=exact)


def _save(folder: Path, index_path: Path, meta_path: Path, index, ids: np.ndarray, meta: dict) -> None:
    """Write atomically; a reader never sees a half-written index (and failing to cache is fine).

    The metadata goes last: a crash between the files leaves a cache that is found stale or unreadable.
    """
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
    except (OSError, RuntimeError):
        pass
