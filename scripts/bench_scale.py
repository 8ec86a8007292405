"""Benchmark the knowledge base at scale: build, disk, open, memory, hybrid latency and ANN recall per size.

python scripts/bench_scale.py [--sizes 10000,100000,1000000] [--queries 200] [--keep DIR] [--json FILE]

Data. Each knowledge base is made by scripts/bench_search.py's builder in kb's own schema (papers, pages,
passages of Zipf-sampled Russian/English words, FTS rows, float16 sentence vectors), except that the passage
vectors are not random unit vectors: in 512-d those have no neighbourhood structure, and an IVF index's
recall on them says nothing. Here they come from a three-level mixture anchored in the real embedding space:
4,000 topic centres are the use-m3 embeddings of real sentences (seed texts and the PDFs in ../shared, or random
unit vectors when those are absent; the run says which); every run of 20 consecutive passages (a "section")
gets a centre = topic + noise (tau = 0.8); each passage = section centre + noise (sigma uniform in 0.5-0.9),
normalised. Noise is Gaussian with unit expected norm. Measured: passages of one section have cosine 0.60-0.75
(10th-90th percentile), of one topic 0.35-0.47, unrelated ones -0.05-0.09; the real sentences behind the
topics have a mean cosine of 0.03 to each other and 0.47 to their nearest neighbour among 2,000.

Queries. The query texts are bench_search.make_queries (8 real questions, then Russian/English word bags).
Hybrid timings run Searcher.search(mode="hybrid", k=10) on them, so they include the real use-m3 query
embedding. Recall@10 of the dense index against exact search is measured on two sets of query vectors: the
use-m3 embeddings of the same texts ("real": they sit between topics, the hard case for IVF) and fresh draws
from the mixture ("mixture": passage-like queries).

Per size: KB build time (text, FTS, vectors into SQLite); index build time and peak RSS in a fresh process;
on-disk sizes; open time and RSS in a fresh process (db.connect + embedder object + Searcher + dense index
load; Python imports and the use-m3 model load are timed separately and NOT included), with a warm page cache
and again after evicting the KB's files from it (posix_fadvise); then hybrid p50/p95 in the main process,
query by query interleaved with the same Searcher over an exact FAISS flat index (the baseline), plus dense-only
timings against FAISS flat and numpy brute force. "fresh-process p50" is the hybrid p50 in the open process,
after the model load. Targets at the largest size are checked at the end.

Cost: a full run took 20 min on 2 cores, 11.5 of them building the 1M knowledge base (single-threaded text
generation and stemming), and needs ~13 GB of disk. With --keep a matching knowledge base is reused and the
build time recorded when it was made is reported; the dense index is always rebuilt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import bench_search as bs  # noqa: E402

DIM = bs.DIM
TOPICS, GROUP, TAU, SIGMA = 4000, 20, 0.8, (0.5, 0.9)
MODEL = "use-m3"
TARGETS = {"open_s": 3.0, "hybrid_p50_ms": 100.0, "rss_open_mib": 4096.0, "recall": 0.95}


# ---------------------------------------------------------------- synthetic vectors

def _unit_rows(m: np.ndarray) -> np.ndarray:
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)


def _noise(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal((n, DIM), dtype=np.float32) / np.float32(np.sqrt(DIM))


def real_sentences() -> list[str]:
    """Distinct sentences of 6-60 words from the seed texts and the PDFs beside the checkout."""
    import pymupdf
    pymupdf.TOOLS.mupdf_display_errors(False)
    texts = [p.read_text(encoding="utf-8") for p in sorted((bs.SHARED / "seeds").glob("*.txt"))]
    for path in sorted((REPO / "corpus").glob("*.pdf")) + sorted((bs.SHARED / "corpus/real").glob("*.pdf")):
        try:
            with pymupdf.open(path) as doc:
                texts += [page.get_text() for page in doc]
        except Exception:  # an unreadable PDF only means fewer sentences
            continue
    out = set()
    for text in texts:
        for s in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text)):
            if 6 <= len(s.split()) <= 60 and sum(c.isalpha() for c in s) > 0.6 * len(s):
                out.add(s.strip())
    return sorted(out)


def topic_centres(emb, cache: Path | None) -> tuple[np.ndarray, str]:
    """TOPICS unit vectors: use-m3 embeddings of real sentences (random ones if too few are found)."""
    if cache is not None and cache.exists():
        data = np.load(cache)
        return data["centres"], str(data["source"])
    sents, rng = real_sentences(), np.random.default_rng(0)
    if len(sents) >= TOPICS:
        picked = [sents[i] for i in sorted(rng.choice(len(sents), TOPICS, replace=False))]
        centres, source = emb.embed_passages(picked), f"use-m3 embeddings of {TOPICS} real sentences"
    else:
        centres, source = _unit_rows(rng.standard_normal((TOPICS, DIM))), f"{TOPICS} random unit vectors"
    if cache is not None:
        np.savez(cache, centres=centres, source=source)
    return centres, source


class Mixture:
    """Passage vectors in id order: topic centre -> section centre (+tau noise) -> passage (+sigma noise)."""

    def __init__(self, centres: np.ndarray, n: int, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        groups = -(-n // GROUP)
        topic = self.rng.integers(0, len(centres), groups)
        self.sections = _unit_rows(centres[topic] + TAU * _noise(self.rng, groups))
        self.pos = 0

    def _around(self, rng: np.random.Generator, sections: np.ndarray) -> np.ndarray:
        sigma = rng.uniform(*SIGMA, size=(len(sections), 1)).astype(np.float32)
        return _unit_rows(self.sections[sections] + sigma * _noise(rng, len(sections)))

    def next(self, count: int) -> np.ndarray:
        rows = np.arange(self.pos, self.pos + count) // GROUP
        self.pos += count
        return self._around(self.rng, rows)

    def queries(self, count: int, seed: int = 7) -> np.ndarray:
        rng = np.random.default_rng(seed)
        return self._around(rng, rng.integers(0, len(self.sections), count))


def spec_key(source: str, centres: np.ndarray) -> str:
    digest = hashlib.sha1(np.ascontiguousarray(centres[:, :8]).tobytes()).hexdigest()[:12]
    return f"mixture v1 topics={TOPICS} group={GROUP} tau={TAU} sigma={SIGMA} centres={digest} ({source})"


# ---------------------------------------------------------------- helpers

def rss_mib() -> dict[str, float]:
    """Current and peak resident set size of this process, MiB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, val = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(val.split()[0]) / 1024
    return out


def dir_mib(paths) -> float:
    return sum(p.stat().st_size for p in paths if p.is_file()) / 2**20


def evict(kb_dir: Path) -> None:
    """Drop the knowledge base's files (only they) from the page cache: a cold open without root tricks."""
    for path in [*kb_dir.glob("kb.sqlite*"), *(kb_dir / "faiss").glob("*")]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def prefetch(kb_dir: Path) -> float:
    """Read the knowledge base's files once, so that the warm figures start from a warm page cache."""
    t0 = time.perf_counter()
    for path in [*kb_dir.glob("kb.sqlite*"), *(kb_dir / "faiss").glob("*")]:
        with open(path, "rb", buffering=0) as f:
            while f.read(1 << 24):
                pass
    return time.perf_counter() - t0


def worker(args: list[str]) -> dict:
    """Run this script's --worker mode in a fresh interpreter and return its JSON."""
    proc = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True, text=True, cwd=REPO)
    if proc.returncode:
        raise RuntimeError(f"worker {args[0]} failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def worker_build(kb_dir: Path) -> dict:
    """A cold index build, as the first search after ingest would do it."""
    shutil.rmtree(kb_dir / "faiss", ignore_errors=True)
    from kb.search import dense
    from kb.store import db
    t0 = time.perf_counter()
    conn = db.connect(kb_dir, create=False)
    idx = dense.open_index(conn, kb_dir, MODEL, DIM)
    return {"index_build_s": time.perf_counter() - t0, "kind": idx.kind, "reason": idx.reason,
            "index_build_peak_rss_mib": rss_mib()["VmHWM"], "n": len(idx.ids)}


def worker_open(kb_dir: Path, queries: list[str], cold: bool) -> dict:
    """Fresh process: imports, open (connect + Searcher + dense index), model load, hybrid queries."""
    if cold:
        evict(kb_dir)
    t0 = time.perf_counter()
    from kb.search import indexing
    from kb.search.search import Searcher
    from kb.store import db
    t1 = time.perf_counter()
    conn = db.connect(kb_dir, create=False)
    emb = indexing.embedder_for(conn, kb_dir)  # an object: use-m3 loads its model on first use
    searcher = Searcher(conn, kb_dir, emb)
    idx = searcher.dense_index
    t2 = time.perf_counter()
    res = {"imports_s": t1 - t0, "open_s": t2 - t1, "rss_open_mib": rss_mib()["VmRSS"], "kind": idx.kind,
           "rebuilt": idx.rebuilt, "reason": idx.reason}
    if cold:
        return res
    emb.embed_queries(["warm up"])
    res |= {"model_load_s": time.perf_counter() - t2, "rss_model_mib": rss_mib()["VmRSS"]}
    times = []
    for q in queries:
        t = time.perf_counter()
        searcher.search(q, k=10, mode="hybrid")
        times.append(time.perf_counter() - t)
    res |= {"hybrid_first_ms": times[0] * 1e3, "hybrid": bs.stats_ms(times[1:] or times),
            "rss_after_queries_mib": rss_mib()["VmRSS"], "peak_rss_mib": rss_mib()["VmHWM"]}
    return res


# ---------------------------------------------------------------- one size

def build_or_reuse(kb_dir: Path, n: int, vocab: dict, mixture: Mixture, spec: str) -> dict:
    from kb.store import db
    conn = db.connect(kb_dir)
    same = db.get_meta(conn, "bench_synthetic_n") == str(n) and db.get_meta(conn, "bench_scale_vectors") == spec
    recorded = db.get_meta(conn, "bench_scale_build_s")
    conn.close()
    if same and recorded:
        return {"kb_build_s": float(recorded), "kb_reused": True}
    for f in kb_dir.glob(db.DB_NAME + "*"):
        f.unlink()
    shutil.rmtree(kb_dir / "faiss", ignore_errors=True)
    orig = bs.unit

    def unit(rng, count, dtype):  # build_kb's passage vectors come from the mixture, in passage-id order
        return mixture.next(count) if dtype is np.float32 else orig(rng, count, dtype)

    t0 = time.perf_counter()
    with mock.patch.object(bs, "unit", unit):
        bs.build_kb(kb_dir, n, vocab)
    secs = time.perf_counter() - t0
    assert mixture.pos == n, "build_kb drew passage vectors differently than expected"
    conn = db.connect(kb_dir)
    db.set_meta(conn, "bench_scale_vectors", spec)
    db.set_meta(conn, "bench_scale_build_s", f"{secs:.3f}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"kb_build_s": secs, "kb_reused": False}


def recall_at(found: list[list[int]], truth: np.ndarray, k: int = 10) -> float:
    return float(np.mean([len(set(f[:k]) & set(t[:k].tolist())) / k for f, t in zip(found, truth, strict=True)]))


def measure(n: int, n_queries: int, kb_dir: Path, vocab: dict, centres: np.ndarray, source: str) -> dict:
    import faiss

    from kb.search import dense, indexing, vectors
    from kb.search.search import Searcher
    from kb.store import db

    res: dict = {"n": n, "kb_dir": str(kb_dir)}
    mixture = Mixture(centres, n)
    res |= build_or_reuse(kb_dir, n, vocab, mixture, spec_key(source, centres))
    res["db_mib"] = dir_mib(kb_dir.glob(db.DB_NAME + "*"))
    print(f"  {n}: KB {'reused' if res['kb_reused'] else 'built'} ({res['kb_build_s']:.0f} s), "
          f"building the index ...", flush=True)
    res |= worker(["build", str(kb_dir)])
    res["index_mib"] = dir_mib((kb_dir / "faiss").glob("*"))
    queries = bs.make_queries(vocab, n_queries)
    qfile = kb_dir / "bench_queries.json"
    qfile.write_text(json.dumps(queries, ensure_ascii=False))
    res["open_cold"] = worker(["open", str(kb_dir), str(qfile), "--cold"])
    res["prefetch_s"] = prefetch(kb_dir)
    res["open_warm"] = worker(["open", str(kb_dir), str(qfile)])
    print(f"  {n}: index {res['kind']} built in {res['index_build_s']:.1f} s, open {res['open_warm']['open_s']:.2f} s;"
          f" timing queries ...", flush=True)

    conn = db.connect(kb_dir, create=False)
    emb = indexing.embedder_for(conn, kb_dir)
    ann_searcher, flat_searcher = Searcher(conn, kb_dir, emb), Searcher(conn, kb_dir, emb)
    ann = ann_searcher.dense_index
    assert not ann.rebuilt, ann.reason
    ids, mat = vectors.load_passage_vectors(conn, DIM)
    flat_index = faiss.IndexFlatIP(DIM)
    flat_index.add(mat)
    flat = dense.DenseIndex(flat_index, ids, "flat")
    flat_searcher._dense = flat  # the same Searcher over exact search: the baseline
    q_real, q_mix = emb.embed_queries(queries), mixture.queries(n_queries)

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    truth = {name: ids[flat_index.search(q, 10)[1]] for name, q in (("real", q_real), ("mixture", q_mix))}
    faiss.omp_set_num_threads(1)  # per-query timings, as kb searches: one thread
    no_rerank = dense.DenseIndex(ann.index, ann.ids, ann.kind)  # quantised scores only, for comparison
    res["recall@10"] = {name: recall_at([[p for p, _ in ann.search(q, 10)] for q in qs], truth[name])
                        for name, qs in (("real", q_real), ("mixture", q_mix))}
    res["recall@10_without_rerank"] = {name: recall_at([[p for p, _ in no_rerank.search(q, 10)] for q in qs],
                                                       truth[name])
                                       for name, qs in (("real", q_real), ("mixture", q_mix))}

    def brute(q: np.ndarray) -> None:
        s = mat @ q
        top = np.argpartition(-s, 10)[:10]
        ids[top[np.argsort(-s[top])]]

    dense_times: dict[str, list[float]] = {"index (k=50)": [], "FAISS flat (k=50)": [], "numpy brute force": []}
    fns = {"index (k=50)": lambda q: ann.search(q, 50), "FAISS flat (k=50)": lambda q: flat.search(q, 50),
           "numpy brute force": brute}
    for q in q_real[:5]:
        for fn in fns.values():
            fn(q)
    for q in q_real:  # interleaved: load from other processes hits every variant alike
        for name, fn in fns.items():
            t = time.perf_counter()
            fn(q)
            dense_times[name].append(time.perf_counter() - t)

    hyb: dict[str, list[float]] = {"index": [], "flat": []}
    overlap = []
    for q in queries[:5]:
        ann_searcher.search(q, k=10)
        flat_searcher.search(q, k=10)
    for q in queries:
        for name, s in (("index", ann_searcher), ("flat", flat_searcher)):
            t = time.perf_counter()
            hits = s.search(q, k=10, mode="hybrid")
            hyb[name].append(time.perf_counter() - t)
            if name == "index":
                got = {h.passage_id for h in hits}
            else:
                overlap.append(len(got & {h.passage_id for h in hits}) / max(1, len(hits)))
    res |= {"queries": len(queries), "dense_ms": {k: bs.stats_ms(v) for k, v in dense_times.items()},
            "hybrid_ms": {k: bs.stats_ms(v) for k, v in hyb.items()},
            "hybrid_top10_overlap_with_flat": float(np.mean(overlap)),
            "hybrid_breakdown_ms": bs.breakdown(ann_searcher, queries[:100])}
    conn.close()
    return res


# ---------------------------------------------------------------- report

def report(res: dict) -> None:
    print("\nmachine: " + ", ".join(f"{k}={v}" for k, v in res["machine"].items()))
    print(f"passage vectors: {res['vectors']}")
    sizes = res["sizes"]
    t = TARGETS
    bs.table("build, disk, open (open = db.connect + Searcher + dense index load, in a fresh process; "
             "imports and model load not included)",
             ["passages", "KB build s", "DB MiB", "index", "index build s", "build peak RSS MiB", "index MiB",
              "open s warm", "open s cold", "RSS open MiB", "imports s", "model load s", "RSS +model+queries MiB"],
             [[f"{r['n']:,}", r["kb_build_s"], r["db_mib"], r["kind"], r["index_build_s"],
               r["index_build_peak_rss_mib"], r["index_mib"], r["open_warm"]["open_s"], r["open_cold"]["open_s"],
               r["open_warm"]["rss_open_mib"], r["open_warm"]["imports_s"], r["open_warm"]["model_load_s"],
               r["open_warm"]["rss_after_queries_mib"]] for r in sizes])
    bs.table(f"query latency, ms ({sizes[0]['queries'] if sizes else 0} queries, k=10; hybrid includes the use-m3 "
             "query embedding; baseline = the same Searcher over an exact FAISS flat index, interleaved)",
             ["passages", "hybrid p50", "p95", "mean", "baseline p50", "p95", "ratio p50", "fresh-process p50",
              "dense p50", "flat p50", "numpy p50"],
             [[f"{r['n']:,}", r["hybrid_ms"]["index"]["p50"], r["hybrid_ms"]["index"]["p95"],
               r["hybrid_ms"]["index"]["mean"], r["hybrid_ms"]["flat"]["p50"], r["hybrid_ms"]["flat"]["p95"],
               f"{r['hybrid_ms']['index']['p50'] / r['hybrid_ms']['flat']['p50']:.2f}x",
               r["open_warm"]["hybrid"]["p50"], r["dense_ms"]["index (k=50)"]["p50"],
               r["dense_ms"]["FAISS flat (k=50)"]["p50"], r["dense_ms"]["numpy brute force"]["p50"]] for r in sizes])
    bs.table("dense index recall@10 against exact search (real = use-m3 query embeddings, mixture = passage-like)",
             ["passages", "index", "real", "mixture", "real, no re-rank", "mixture, no re-rank",
              "hybrid top-10 same as flat"],
             [[f"{r['n']:,}", r["kind"], f"{r['recall@10']['real']:.3f}", f"{r['recall@10']['mixture']:.3f}",
               f"{r['recall@10_without_rerank']['real']:.3f}", f"{r['recall@10_without_rerank']['mixture']:.3f}",
               f"{r['hybrid_top10_overlap_with_flat']:.3f}"] for r in sizes])
    if sizes:
        pieces = list(sizes[-1]["hybrid_breakdown_ms"])
        bs.table("hybrid breakdown, mean ms per query (first 100 queries)", ["piece", *[f"{r['n']:,}" for r in sizes]],
                 [[p, *[r["hybrid_breakdown_ms"].get(p, 0.0) for r in sizes]] for p in pieces])
    big = max(sizes, key=lambda r: r["n"], default=None)
    if big:
        checks = [("open (warm)", big["open_warm"]["open_s"], t["open_s"], "s", False),
                  ("hybrid p50", big["hybrid_ms"]["index"]["p50"], t["hybrid_p50_ms"], "ms", False),
                  ("RSS after open", big["open_warm"]["rss_open_mib"], t["rss_open_mib"], "MiB", False),
                  ("recall@10 (real queries)", big["recall@10"]["real"], t["recall"], "", True)]
        print(f"\ntargets at {big['n']:,} passages:")
        for label, val, target, unit, higher in checks:
            ok = val >= target if higher else val <= target
            print(f"  {label}: {val:.3f} {unit} ({'≥' if higher else '≤'} {target:g})  {'ok' if ok else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        kind, kb_dir = argv[1], Path(argv[2])
        out = worker_build(kb_dir) if kind == "build" else \
            worker_open(kb_dir, json.loads(Path(argv[3]).read_text()), "--cold" in argv)
        print(json.dumps(out))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="passages per knowledge base, comma-separated")
    ap.add_argument("--queries", type=int, default=200, help="queries per measurement (default 200)")
    ap.add_argument("--keep", type=Path, help="keep the knowledge bases under DIR/n<size>; reused when they match")
    ap.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if not list((REPO / "corpus").glob("*.pdf")):
        from kb.samples import build_sample_corpus
        build_sample_corpus(REPO / "corpus")
    from kb.embed.base import get_embedder
    from kb.search.indexing import model_cache_dir

    t_start = time.perf_counter()
    res: dict = {"machine": bs.machine(), "targets": TARGETS, "sizes": []}
    with tempfile.TemporaryDirectory(prefix="kb-scale-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        vocab = bs.vocabulary()
        centres, source = topic_centres(get_embedder(MODEL, cache_dir=model_cache_dir(MODEL)),
                                        root / "centres.npz" if args.keep else None)
        res["vectors"] = spec_key(source, centres)
        print(f"passage vectors: {res['vectors']}", flush=True)
        for n in sizes:
            res["sizes"].append(measure(n, args.queries, root / f"n{n}", vocab, centres, source))
            if args.json:
                args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2))
    res["machine"]["loadavg_1m_end"] = os.getloadavg()[0]  # other work on the machine skews every figure
    res["total_s"] = time.perf_counter() - t_start
    report(res)
    print(f"\nwhole run: {res['total_s'] / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
