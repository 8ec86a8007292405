"""Benchmark search: in-process query latency, whole-process `kb search`, ingest with embedding.

python scripts/bench_search.py [--n 100000] [--queries 200] [--only latency|cli|ingest] [--json FILE] [--keep DIR]

latency: a synthetic knowledge base of N passages (Zipf-sampled Russian/English words, random unit
vectors) built in kb's own schema; p50/p95/mean of Searcher.search per mode against a numpy brute-force
scan, and where hybrid time goes. cli: `kb search` wall time on the sample corpus against bare
interpreter start-up. ingest: `kb ingest` of the sample corpus with and without embedding.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
KB = str(Path(sys.executable).parent / "kb") if (Path(sys.executable).parent / "kb").exists() else "kb"
DIM, SENTS, PAPERS_PER_FILE, BATCH = 512, 4, 4, 10_000
TARGETS = {"hybrid_p50_ms": 20.0, "hybrid_p95_ms": 60.0, "cli_median_s": 1.0, "ingest_pages_per_s": 10.0}
QUESTIONS = ["Как цифровизация влияет на малый и средний бизнес?", "трудовые ресурсы Республики Беларусь",
             "финансовый анализ ликвидности предприятия", "выход на зарубежные рынки стратегии экспорта",
             "How does digitalization affect small and medium enterprises?", "smart cooperation between firms",
             "entering foreign markets strategy", "labour resources and employment policy"]


def ms(xs: list[float]) -> dict[str, float]:
    a = np.asarray(xs) * 1e3
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)), "mean": float(a.mean())}


def table(title: str, head: list[str], rows: list[list[object]]) -> None:
    cells = [head] + [[f"{c:.2f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(head))]
    print(f"\n{title}")
    for j, r in enumerate(cells):
        print("  " + "  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)))
        if j == 0:
            print("  " + "  ".join("-" * x for x in w))


def machine() -> dict[str, object]:
    import faiss
    cpu = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if ln.startswith("model name")), "")
    return {"cpu": model or platform.processor(), "cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)), "python": platform.python_version(),
            "faiss": faiss.__version__, "numpy": np.__version__, "platform": platform.platform()}


def vocabulary() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per language: words ranked by frequency in the seed texts and PDFs, with Zipf weights 1/(rank+2.7)."""
    import pymupdf
    pymupdf.TOOLS.mupdf_display_errors(False)
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    pdfs = sorted((REPO / "corpus").glob("*.pdf")) + sorted((SHARED / "corpus" / "real").glob("[er][nu]_*.pdf"))
    for path in pdfs:
        try:
            with pymupdf.open(path) as doc:
                texts += [page.get_text() for page in list(doc)[:12]]
        except Exception:  # an unreadable PDF only makes the vocabulary smaller
            continue
    counts = Counter(re.findall(r"[^\W\d_]{2,}", "\n".join(texts).lower()))
    out = {}
    for lang, pat in (("ru", re.compile(r"^[а-яё]+$")), ("en", re.compile(r"^[a-z]+$"))):
        words = [w for w, _ in counts.most_common() if pat.match(w)]
        p = 1.0 / (np.arange(len(words)) + 2.7)
        out[lang] = (np.array(words, dtype=object), p / p.sum())
    return out


def unit(rng: np.random.Generator, n: int, dtype: type) -> np.ndarray:
    m = rng.standard_normal((n, DIM), dtype=np.float32)
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(dtype)


def build_kb(kb_dir: Path, n: int, vocab: dict, embedder_spec: str = "use-m3") -> dict[str, float]:
    """N synthetic passages in a few hundred papers, with FTS rows and vectors, in big transactions."""
    from kb.search import indexing, lexical, vectors
    from kb.store import db
    t0, rng, rnd = time.perf_counter(), np.random.default_rng(0), random.Random(0)
    conn = db.connect(kb_dir)
    n_papers = max(10, min(500, n // 250))
    langs = ["ru" if rnd.random() < 0.6 else "en" for _ in range(n_papers)]
    per_paper = [len(range(i, n, n_papers)) for i in range(n_papers)]
    paper_of, first_page = np.repeat(np.arange(1, n_papers + 1), per_paper).tolist(), [0] * (n_papers + 1)
    conn.execute("BEGIN")
    page_off: dict[int, int] = defaultdict(int)
    for pid in range(1, n_papers + 1):
        fid, lang, pages = (pid - 1) // PAPERS_PER_FILE + 1, langs[pid - 1], math.ceil(per_paper[pid - 1] / 4)
        if page_off[fid] == 0:
            conn.execute("INSERT INTO files(id, path, sha256, size, n_pages, ingested_at) VALUES (?,?,?,?,?,?)",
                         (fid, f"/synthetic/volume_{fid}.pdf", f"{fid:064x}", 1, 0, "2025-01-01"))
        words, p = vocab[lang]
        title = " ".join(rng.choice(words, 8, p=p)).capitalize()
        conn.execute("INSERT INTO papers(id, file_id, seq, title, authors, year, lang, page_first, page_last)"
                     " VALUES (?,?,?,?,?,?,?,?,?)", (pid, fid, pid, title, json.dumps([f"Author {pid}"]),
                                                     rnd.randint(2005, 2025), lang, page_off[fid], page_off[fid] + pages - 1))
        conn.executemany("INSERT INTO pages(file_id, idx, label) VALUES (?,?,?)",
                         [(fid, i, str(i + 101)) for i in range(page_off[fid], page_off[fid] + pages)])
        first_page[pid], page_off[fid] = page_off[fid], page_off[fid] + pages
    conn.execute("COMMIT")
    seq: Counter[int] = Counter()
    for start in range(1, n + 1, BATCH):
        ids = list(range(start, min(n, start + BATCH - 1) + 1))
        rows, texts = [], []
        for i in ids:
            pid = paper_of[i - 1]
            words, p = vocab[langs[pid - 1]]
            toks = list(rng.choice(words, rnd.randint(60, 200), p=p))
            parts, spans, pos, k = [], [], 0, 0
            while k < len(toks):
                step = rnd.randint(8, 20)
                s = " ".join(toks[k:k + step]).capitalize() + "."
                parts.append(s), spans.append([pos, pos + len(s)])
                pos, k = pos + len(s) + 1, k + step
            text = " ".join(parts)
            seq[pid] += 1
            page = first_page[pid] + (seq[pid] - 1) // 4
            rows.append((i, pid, seq[pid], text, "body", None, page, page, langs[pid - 1], len(toks), json.dumps(spans)))
            texts.append(text)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO passages(id, paper_id, seq, text, section, heading, page_first, page_last,"
                         " lang, n_words, sentences) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        lexical.index_passages(conn, ids, texts)
        conn.executemany("INSERT INTO passage_vectors(passage_id, vec) VALUES (?,?)",
                         zip(ids, (v.tobytes() for v in unit(rng, len(ids), np.float32)), strict=True))
        sv = unit(rng, len(ids) * SENTS, np.float16)
        conn.executemany("INSERT INTO sentence_vectors(passage_id, seq, vec) VALUES (?,?,?)",
                         ((ids[j // SENTS], j % SENTS, sv[j].tobytes()) for j in range(len(sv))))
        conn.execute("COMMIT")
    vectors.record_embedder(conn, indexing.embedder_for(conn, kb_dir, embedder_spec))
    vectors.touch(conn)
    db.set_meta(conn, "bench_synthetic_n", str(n))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"build_s": time.perf_counter() - t0, "papers": n_papers}


def make_queries(vocab: dict, count: int) -> list[str]:
    from kb.search.lexical import STOPWORDS
    rnd, rng, out = random.Random(1), np.random.default_rng(1), QUESTIONS[:count]
    while len(out) < count:
        words, p = vocab["ru" if len(out) % 2 else "en"]
        picks = [w for w in rng.choice(words, 30, p=p) if w not in STOPWORDS and len(w) > 2]
        out.append(" ".join(list(dict.fromkeys(picks))[:rnd.randint(3, 10)]))
    return out


def bench_latency(args: argparse.Namespace) -> dict:
    from kb.search import dense, fusion, indexing, lexical, vectors
    from kb.search.search import MODES, Searcher
    from kb.store import db
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="kb-bench-")
    kb_dir = Path(args.keep or tmp.name)
    vocab, res = vocabulary(), {"n": args.n}
    existing = db.connect(kb_dir) if (kb_dir / db.DB_NAME).exists() else None
    if existing is None or db.get_meta(existing, "bench_synthetic_n") != str(args.n):
        if existing is not None:
            existing.close()
        for name in (db.DB_NAME, db.DB_NAME + "-wal", db.DB_NAME + "-shm"):
            (kb_dir / name).unlink(missing_ok=True)
        res.update(build_kb(kb_dir, args.n, vocab))
    res["db_mib"] = sum(f.stat().st_size for f in kb_dir.glob(db.DB_NAME + "*")) / 2**20
    shutil.rmtree(kb_dir / "faiss", ignore_errors=True)  # always measure the index build
    conn = db.connect(kb_dir)
    queries = make_queries(vocab, args.queries)
    t0 = time.perf_counter()
    emb = indexing.embedder_for(conn, kb_dir)
    emb.embed_queries(["warm up"])
    res["embedder_load_s"] = time.perf_counter() - t0
    for label in ("index_build_s", "index_load_cached_s"):
        t0 = time.perf_counter()
        searcher = Searcher(conn, kb_dir, emb)
        searcher.search(queries[0], k=10)
        res[label] = time.perf_counter() - t0
    ids, mat = vectors.load_passage_vectors(conn, DIM)

    def brute(q: str) -> np.ndarray:
        s = mat @ emb.embed_queries([q])[0]
        top = np.argpartition(-s, 10)[:10]
        return ids[top[np.argsort(-s[top])]]

    times: dict[str, list[float]] = {m: [] for m in ("numpy brute-force", *MODES)}
    for mode in times:
        fn = brute if mode not in MODES else (lambda q, m=mode: searcher.search(q, k=10, mode=m))
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            times[mode].append(time.perf_counter() - t0)
    res["modes"] = {m: ms(t) for m, t in times.items()}
    acc: dict[str, float] = defaultdict(float)
    patches = [(type(emb), "embed_queries", "embed query"), (dense.DenseIndex, "search", "dense search (FAISS)"),
               (lexical, "search", "lexical FTS"), (vectors, "sentence_vectors_for", "sentence-vector fetch"),
               (fusion, "best_sentence_scores", "max-sim"), (Searcher, "_fill_dense", "_fill"),
               (Searcher, "_attach_lang", "attach lang"), (fusion, "fuse", "fuse"),
               (Searcher, "_hits", "hit assembly"), (Searcher, "search", "_total")]
    saved = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in patches]
    def timer(fn, label: str):
        def timed(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                acc[label] += time.perf_counter() - t
        return timed

    for owner, attr, label in patches:
        setattr(owner, attr, timer(getattr(owner, attr), label))
    try:
        for q in queries:
            searcher.search(q, k=10, mode="hybrid")
    finally:
        for owner, attr, orig in saved:
            setattr(owner, attr, orig)
    per = {k: v / len(queries) * 1e3 for k, v in acc.items()}
    per["passage-vector fetch (lexical-only) + dense_score"] = per.pop("_fill") - per["sentence-vector fetch"] - per["max-sim"]
    total = per.pop("_total")
    per["other (filters, candidates glue, sort)"] = total - sum(per.values())
    res["hybrid_breakdown_ms"], res["hybrid_breakdown_total_ms"] = per, total
    conn.close()
    if tmp is not None:
        tmp.cleanup()
    return res


def wall(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-500:]}")
    return time.perf_counter() - t0, proc


def bench_cli(queries: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="kb-bench-cli-") as t:
        wall([KB, "--kb-dir", t, "ingest", "-q", str(REPO / "corpus")])
        first, _ = wall([KB, "--kb-dir", t, "search", "warm up", "-k", "5"])
        runs = [wall([KB, "--kb-dir", t, "search", q, "-k", "5"])[0] for q in queries[:10]]
    base = {name: statistics.median(wall([sys.executable, "-c", code])[0] for _ in range(5))
            for name, code in (("python -c pass", "pass"), ("python -c 'import kb.cli'", "import kb.cli"))}
    return {"first_search_s": first, "median_s": statistics.median(runs), "max_s": max(runs), "runs_s": runs,
            "baselines_s": base}


def bench_ingest(repeat: int = 3) -> dict:
    use_time = Path("/usr/bin/time").exists()
    out: dict[str, dict[str, list[float]]] = {v: defaultdict(list) for v in ("embed", "no-embed")}
    for _ in range(repeat):
        for variant, extra in (("embed", []), ("no-embed", ["--no-embed"])):
            with tempfile.TemporaryDirectory(prefix="kb-bench-ing-") as t:
                cmd = [KB, "--kb-dir", t, "ingest", str(REPO / "corpus"), *extra]
                secs, proc = wall((["/usr/bin/time", "-v"] if use_time else []) + cmd)
                pages = int(re.search(r"(\d+) pages", proc.stdout + proc.stderr).group(1))
                rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr) if use_time else None
                kib = int(rss.group(1)) if rss else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                for k, v in (("s", secs), ("pages_per_s", pages / secs), ("rss_mib", kib / 1024), ("pages", pages)):
                    out[variant][k].append(v)
    med = {v: {k: statistics.median(x) for k, x in d.items()} for v, d in out.items()}
    return {**med, "ratio_time": med["embed"]["s"] / med["no-embed"]["s"], "rss_source":
            "/usr/bin/time -v" if use_time else "RUSAGE_CHILDREN (max over all children)", "runs": out}


def report(res: dict) -> None:
    print("machine: " + ", ".join(f"{k}={v}" for k, v in res["machine"].items()))
    if (lat := res.get("latency")):
        print(f"\nsynthetic KB: {lat['n']} passages, {lat.get('papers', '?')} papers, DB {lat['db_mib']:.0f} MiB, "
              f"build {lat.get('build_s', float('nan')):.1f} s (nan = reused); embedder load+warm "
              f"{lat['embedder_load_s']:.2f} s; first search with index build {lat['index_build_s']:.2f} s, "
              f"with cached index load {lat['index_load_cached_s']:.3f} s")
        tgt = {"hybrid": f"p50 ≤ {TARGETS['hybrid_p50_ms']:.0f}, p95 ≤ {TARGETS['hybrid_p95_ms']:.0f}"}
        h = lat["modes"]["hybrid"]
        ok = h["p50"] <= TARGETS["hybrid_p50_ms"] and h["p95"] <= TARGETS["hybrid_p95_ms"]
        table(f"query latency, ms ({lat.get('queries', 0)} queries, k=10, query embedding included)",
              ["mode", "p50", "p95", "mean", "target"],
              [[m, v["p50"], v["p95"], v["mean"], tgt.get(m, "") + (("  ok" if ok else "  MISSED") if m == "hybrid" else "")]
               for m, v in lat["modes"].items()])
        table(f"hybrid breakdown, mean ms per query (total {lat['hybrid_breakdown_total_ms']:.2f})",
              ["piece", "ms", "share %"], [[k, v, 100 * v / lat["hybrid_breakdown_total_ms"]]
                                          for k, v in lat["hybrid_breakdown_ms"].items()])
    if (cli := res.get("cli")):
        verdict = "ok" if cli["median_s"] <= TARGETS["cli_median_s"] else "MISSED"
        table("whole-process wall time, s (sample corpus)", ["command", "median", "max", "target"],
              [["kb search -k 5 (10 runs)", cli["median_s"], cli["max_s"], f"median ≤ 1.0  {verdict}"],
               ["kb search, first run", cli["first_search_s"], "", ""],
               *[[k, v, "", ""] for k, v in cli["baselines_s"].items()]])
    if (ing := res.get("ingest")):
        verdict = "ok" if ing["embed"]["pages_per_s"] >= TARGETS["ingest_pages_per_s"] else "MISSED"
        table(f"kb ingest of the sample corpus, fresh KB, medians of 3 (RSS: {ing['rss_source']})",
              ["variant", "pages", "s", "pages/s", "peak RSS MiB", "target"],
              [[v, int(ing[v]["pages"]), ing[v]["s"], ing[v]["pages_per_s"], ing[v]["rss_mib"],
                f"≥ 10 pages/s  {verdict}" if v == "embed" else ""] for v in ("embed", "no-embed")])
        print(f"  embed/no-embed time ratio {ing['ratio_time']:.2f}×")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="synthetic passages (default 100000)")
    ap.add_argument("--queries", type=int, default=200, help="timed queries per mode (default 200)")
    ap.add_argument("--only", choices=["latency", "cli", "ingest"])
    ap.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    ap.add_argument("--keep", type=Path, help="keep the synthetic KB here; reused when built with the same --n")
    args = ap.parse_args(argv)
    res: dict = {"machine": machine()}
    if not list((REPO / "corpus").glob("*.pdf")):
        from kb.samples import build_sample_corpus
        build_sample_corpus(REPO / "corpus")
    if args.only in (None, "latency"):
        res["latency"] = bench_latency(args) | {"queries": args.queries}
    if args.only in (None, "cli"):
        res["cli"] = bench_cli(QUESTIONS + ["цифровая трансформация", "export barriers"])
    if args.only in (None, "ingest"):
        res["ingest"] = bench_ingest()
    report(res)
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
