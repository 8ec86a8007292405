"""Benchmark search: in-process query latency, whole-process `kb search`, ingest with embedding.

python scripts/bench_search.py [--n 100000] [--queries 200] [--only latency|cli|ingest] [--json F] [--keep DIR]

latency: a synthetic KB of N passages (Zipf-sampled Russian/English words, random unit vectors) in kb's own
schema; Searcher.search per mode against a numpy brute-force scan, and where hybrid time goes.
cli: `kb search` and `kb evidence` wall time on the sample corpus. ingest: `kb ingest` of it with and without embedding.
"""

from __future__ import annotations

import argparse
import json
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
KB = str(Path(sys.executable).with_name("kb")) if Path(sys.executable).with_name("kb").exists() else "kb"
DIM, SENTS, BATCH = 512, 4, 10_000
TARGETS = {"hybrid_p50_ms": 20.0, "hybrid_p95_ms": 60.0, "cli_median_s": 0.5, "evidence_median_s": 1.0,
           "ingest_pages_per_s": 10.0}
RECOMMENDATIONS = ["Начинать сотрудничество с небольших пилотных проектов и постепенно наращивать доверие.",
                   "Exporting SMEs should rely on specialised export platforms for routine operational work.",
                   "Использовать общие цифровые платформы, чтобы снизить затраты на цифровизацию.",
                   "Partners should put their cooperation agreements in writing, including roles and confidentiality.",
                   "Exporting SMEs should hedge currency risk with forward contracts."]
QUESTIONS = ["Как цифровизация влияет на малый и средний бизнес?", "трудовые ресурсы Республики Беларусь",
             "финансовый анализ ликвидности предприятия", "выход на зарубежные рынки стратегии экспорта",
             "How does digitalization affect small and medium enterprises?", "smart cooperation between firms",
             "entering foreign markets strategy", "labour resources and employment policy"]


def stats_ms(xs: list[float]) -> dict[str, float]:
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
    return {"cpu": model or platform.processor(), "cpu_count": os.cpu_count(), "python": platform.python_version(),
            "faiss": faiss.__version__, "faiss_omp_threads": faiss.omp_get_max_threads(), "numpy": np.__version__,
            "loadavg_1m_start": os.getloadavg()[0]}


def vocabulary() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per language: words ranked by frequency in the seed texts and PDFs, Zipf weights 1/(rank+2.7)."""
    import pymupdf
    pymupdf.TOOLS.mupdf_display_errors(False)
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    for path in sorted((REPO / "corpus").glob("*.pdf")) + sorted((SHARED / "corpus/real").glob("[er][nu]_*.pdf")):
        try:
            with pymupdf.open(path) as doc:
                texts += [page.get_text() for page in list(doc)[:12]]
        except Exception:  # an unreadable PDF only makes the vocabulary smaller
            continue
    counts, out = Counter(re.findall(r"[^\W\d_]{2,}", "\n".join(texts).lower())), {}
    for lang, pat in (("ru", re.compile(r"^[а-яё]+$")), ("en", re.compile(r"^[a-z]+$"))):
        words = [w for w, _ in counts.most_common() if pat.match(w)]
        p = 1.0 / (np.arange(len(words)) + 2.7)
        out[lang] = (np.array(words, dtype=object), p / p.sum())
    return out


def unit(rng: np.random.Generator, n: int, dtype: type) -> np.ndarray:
    m = rng.standard_normal((n, DIM), dtype=np.float32)
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(dtype)


def build_kb(kb_dir: Path, n: int, vocab: dict) -> dict[str, float]:
    """N passages in a few hundred papers (4 per volume, 4 passages per page), FTS rows and vectors."""
    from kb.search import indexing, lexical, vectors
    from kb.store import db
    t0, rng, rnd = time.perf_counter(), np.random.default_rng(0), random.Random(0)
    per = -(-n // max(10, min(500, n // 250)))  # passages per paper
    n_papers, pages = -(-n // per), -(-per // 4)  # papers, pages per paper
    langs = ["ru" if rnd.random() < 0.6 else "en" for _ in range(n_papers)]
    conn = db.connect(kb_dir)
    conn.execute("BEGIN")
    for p in range(n_papers):
        fid, off = p // 4 + 1, p % 4 * pages
        if off == 0:
            conn.execute("INSERT INTO files(id, path, sha256, size, n_pages, ingested_at) VALUES (?,?,?,1,?,'')",
                         (fid, f"/synthetic/volume_{fid}.pdf", f"{fid:064x}", 4 * pages))
            conn.executemany("INSERT INTO pages(file_id, idx, label) VALUES (?,?,?)",
                             [(fid, i, str(i + 101)) for i in range(4 * pages)])
        conn.execute("INSERT INTO papers(id, file_id, seq, title, authors, year, lang, page_first, page_last)"
                     " VALUES (?,?,?,?,?,?,?,?,?)", (p + 1, fid, p % 4, " ".join(rng.choice(vocab[langs[p]][0], 8)),
                                                     f'["Author {p}"]', rnd.randint(2005, 2025), langs[p], off, off + pages - 1))
    conn.execute("COMMIT")
    for start in range(0, n, BATCH):
        ids, rows, texts = list(range(start + 1, min(n, start + BATCH) + 1)), [], []
        for i in ids:
            p, seq = divmod(i - 1, per)
            toks = list(rng.choice(vocab[langs[p]][0], rnd.randint(60, 200), p=vocab[langs[p]][1]))
            parts, spans, pos, k = [], [], 0, 0
            while k < len(toks):  # sentences of 8-20 words
                step = rnd.randint(8, 20)
                parts.append(" ".join(toks[k:k + step]).capitalize() + ".")
                spans.append([pos, pos + len(parts[-1])])
                pos, k = pos + len(parts[-1]) + 1, k + step
            texts.append(" ".join(parts))
            page = p % 4 * pages + seq // 4
            rows.append((i, p + 1, seq, texts[-1], "body", page, page, langs[p], len(toks), json.dumps(spans)))
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO passages(id, paper_id, seq, text, section, page_first, page_last, lang,"
                         " n_words, sentences) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        lexical.index_passages(conn, ids, texts)
        conn.executemany("INSERT INTO passage_vectors(passage_id, vec) VALUES (?,?)",
                         zip(ids, (v.tobytes() for v in unit(rng, len(ids), np.float32)), strict=True))
        sv = unit(rng, len(ids) * SENTS, np.float16).reshape(len(ids), SENTS, -1)
        conn.executemany("INSERT INTO sentence_vectors(passage_id, n, vecs) VALUES (?,?,?)",
                         ((pid, SENTS, sv[j].tobytes()) for j, pid in enumerate(ids)))
        conn.execute("COMMIT")
    vectors.record_embedder(conn, indexing.embedder_for(conn, kb_dir, "use-m3"))
    vectors.touch(conn)
    db.set_meta(conn, "bench_synthetic_n", str(n))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"build_s": time.perf_counter() - t0, "papers": n_papers}


def make_queries(vocab: dict, count: int) -> list[str]:
    """The real questions, then alternating English/Russian queries of 3-10 content words."""
    from kb.search.lexical import STOPWORDS
    rnd, rng, out = random.Random(1), np.random.default_rng(1), QUESTIONS[:count]
    while len(out) < count:
        words, p = vocab["ru" if len(out) % 2 else "en"]
        picks = [w for w in rng.choice(words, 30, p=p) if w not in STOPWORDS and len(w) > 2]
        out.append(" ".join(list(dict.fromkeys(picks))[:rnd.randint(3, 10)]))
    return out


def breakdown(searcher, queries: list[str]) -> dict[str, float]:
    """Mean ms per hybrid query in each piece, timed by wrapping kb functions (restored afterwards)."""
    from kb.search import dense, fusion, lexical, vectors
    from kb.search.search import Searcher
    acc: dict[str, float] = defaultdict(float)
    patches = [(type(searcher.embedder), "embed_queries", "embed query"), (dense.DenseIndex, "search", "dense (FAISS)"),
               (lexical, "search", "lexical FTS"), (vectors, "sentence_vectors_for", "sentence-vector fetch"),
               (fusion, "best_sentence_scores", "max-sim"), (Searcher, "_fill_dense", "fill"),
               (lexical, "idf_weights", "coverage: idf weights"), (lexical, "coverage", "coverage"),
               (Searcher, "_attach_lang", "attach lang"), (fusion, "fuse", "fuse"),
               (Searcher, "hits_for", "hit assembly"), (Searcher, "search", "total")]
    patches = [x for x in patches if hasattr(x[0], x[1])]  # kb changes: time what exists
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
    if "fill" in per:
        per["passage-vector fetch + dense_score"] = per.pop("fill") - per["sentence-vector fetch"] - per["max-sim"]
    if "coverage" in per:
        per["coverage: stems fetch + match"] = per.pop("coverage") - per.get("coverage: idf weights", 0.0)
    total, order = per.pop("total"), [label for _, _, label in patches] + sorted(per)
    return {k: per[k] for k in dict.fromkeys(order) if k in per} | {"other (glue, sort)": total - sum(per.values()),
                                                                     "total": total}


def bench_latency(n: int, n_queries: int, keep: Path | None) -> dict:
    """Build (or reuse) the synthetic KB, then time each mode and the numpy baseline on the same queries."""
    from kb.search import indexing, vectors
    from kb.search.search import MODES, Searcher
    from kb.store import db
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        kb_dir, vocab, res = Path(keep or tmp), vocabulary(), {"n": n}
        conn = db.connect(kb_dir)
        if db.get_meta(conn, "bench_synthetic_n") != str(n):
            conn.close()
            for f in kb_dir.glob(db.DB_NAME + "*"):
                f.unlink()
            res |= build_kb(kb_dir, n, vocab)
            conn = db.connect(kb_dir)
        res["papers"] = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        res["db_mib"] = sum(f.stat().st_size for f in kb_dir.glob(db.DB_NAME + "*")) / 2**20
        shutil.rmtree(kb_dir / "faiss", ignore_errors=True)  # always measure the index build
        queries, t0 = make_queries(vocab, n_queries), time.perf_counter()
        emb = indexing.embedder_for(conn, kb_dir)
        emb.embed_queries(["warm up"])
        res["embedder_load_s"] = time.perf_counter() - t0
        for label in ("first_search_index_build_s", "first_search_index_load_s"):
            t0, searcher = time.perf_counter(), Searcher(conn, kb_dir, emb)
            searcher.search(queries[0], k=10)
            res[label], res["index_kind"] = time.perf_counter() - t0, searcher.dense_index.kind
        ids, mat = vectors.load_passage_vectors(conn, DIM)

        def brute(q: str) -> np.ndarray:
            s = mat @ emb.embed_queries([q])[0]
            top = np.argpartition(-s, 10)[:10]
            return ids[top[np.argsort(-s[top])]]

        times: dict[str, list[float]] = {m: [] for m in ("numpy brute-force", *MODES)}
        for mode, ts in times.items():
            fn = brute if mode not in MODES else (lambda q, m=mode: searcher.search(q, k=10, mode=m))
            for q in queries:
                t0 = time.perf_counter()
                fn(q)
                ts.append(time.perf_counter() - t0)
        res |= {"queries": len(queries), "modes": {m: stats_ms(t) for m, t in times.items()},
                "hybrid_breakdown_ms": breakdown(searcher, queries)}
        conn.close()
    return res


def wall(cmd: list[str], ok_codes: tuple[int, ...] = (0,)) -> tuple[float, subprocess.CompletedProcess]:
    """Run and time a command; ingest of the real PDFs exits 1 by design (an encrypted file, scans)."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if proc.returncode not in ok_codes:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-500:]}")
    return time.perf_counter() - t0, proc


def bench_cli() -> dict:
    queries = QUESTIONS + ["цифровая трансформация", "export barriers"]
    with tempfile.TemporaryDirectory(prefix="kb-bench-cli-") as t:
        wall([KB, "--kb-dir", t, "ingest", "-q", str(REPO / "corpus")])
        first = wall([KB, "--kb-dir", t, "search", "warm up", "-k", "5"])[0]
        runs = [wall([KB, "--kb-dir", t, "search", q, "-k", "5"])[0] for q in queries]
        evidence = [wall([KB, "--kb-dir", t, "evidence", r])[0] for r in RECOMMENDATIONS * 2]
    base = {name: statistics.median(wall([sys.executable, "-c", code])[0] for _ in range(5))
            for name, code in (("python -c pass", "pass"), ("python -c 'import kb.cli'", "import kb.cli"),
                               ("python -c 'import pymupdf'", "import pymupdf"))}
    return {"first_search_s": first, "median_s": statistics.median(runs), "max_s": max(runs), "runs_s": runs,
            "evidence_median_s": statistics.median(evidence), "evidence_max_s": max(evidence),
            "evidence_runs_s": evidence, "baselines_s": base}


def bench_ingest(repeat: int = 3, source: Path | None = None) -> dict:
    """`kb ingest SOURCE` into a fresh KB, with and without embedding, interleaved; medians.

    OCR is switched off so that the figure measures kb, not Tesseract.
    """
    source = source or REPO / "corpus"
    use_time = Path("/usr/bin/time").exists()
    out: dict[str, dict[str, list[float]]] = {v: defaultdict(list) for v in ("embed", "no-embed")}
    for _ in range(repeat):
        for variant, extra in (("embed", []), ("no-embed", ["--no-embed"])):
            with tempfile.TemporaryDirectory(prefix="kb-bench-ing-") as t:
                cmd = [KB, "--kb-dir", t, "ingest", "--no-ocr", str(source), *extra]
                secs, proc = wall((["/usr/bin/time", "-v"] if use_time else []) + cmd, ok_codes=(0, 1))
            pages = int(re.search(r"(\d+) pages", proc.stdout + proc.stderr).group(1))
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr) if use_time else None
            kib = int(rss.group(1)) if rss else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            for k, v in (("s", secs), ("pages_per_s", pages / secs), ("rss_mib", kib / 1024), ("pages", pages)):
                out[variant][k].append(v)
    med = {v: {k: statistics.median(x) for k, x in d.items()} for v, d in out.items()}
    return med | {"ratio_time": med["embed"]["s"] / med["no-embed"]["s"], "runs": out, "source": str(source),
                  "repeat": repeat,
                  "rss_source": "/usr/bin/time -v" if use_time else "RUSAGE_CHILDREN (max over all children)"}


def report(res: dict) -> None:
    print("machine: " + ", ".join(f"{k}={v}" for k, v in res["machine"].items()))
    if lat := res.get("latency"):
        print(f"\nsynthetic KB: {lat['n']} passages, {lat['papers']} papers, DB {lat['db_mib']:.0f} MiB, build "
              f"{lat.get('build_s', 0):.1f} s (0 = reused); embedder load + warm-up {lat['embedder_load_s']:.2f} s\n"
              f"index build/load: first search {lat['first_search_index_build_s']:.2f} s building the FAISS index "
              f"({lat['index_kind']}), "
              f"{lat['first_search_index_load_s']:.3f} s loading it from its cache")
        h, t50, t95 = lat["modes"]["hybrid"], TARGETS["hybrid_p50_ms"], TARGETS["hybrid_p95_ms"]
        verdict = "ok" if h["p50"] <= t50 and h["p95"] <= t95 else "MISSED"
        table(f"query latency, ms ({lat['queries']} queries, k=10, query embedding included)",
              ["mode", "p50", "p95", "mean", "target"],
              [[m, v["p50"], v["p95"], v["mean"], f"p50 ≤ {t50:.0f}, p95 ≤ {t95:.0f}  {verdict}" if m == "hybrid" else ""]
               for m, v in lat["modes"].items()])
        b = lat["hybrid_breakdown_ms"]
        table("hybrid breakdown, mean ms per query", ["piece", "ms", "share %"],
              [[k, v, 100 * v / b["total"]] for k, v in b.items()])
    if cli := res.get("cli"):
        verdict = "ok" if cli["median_s"] <= TARGETS["cli_median_s"] else "MISSED"
        ev_verdict = "ok" if cli["evidence_median_s"] <= TARGETS["evidence_median_s"] else "MISSED"
        table("whole-process wall time, s (KB of the sample corpus)", ["command", "median", "max", "target"],
              [["kb search -k 5 (10 runs)", cli["median_s"], cli["max_s"],
                f"median ≤ {TARGETS['cli_median_s']}  {verdict}"],
               [f"kb evidence, one recommendation ({len(cli['evidence_runs_s'])} runs)", cli["evidence_median_s"],
                cli["evidence_max_s"], f"median ≤ {TARGETS['evidence_median_s']}  {ev_verdict}"],
               ["kb search, first run (warm-up)", cli["first_search_s"], "", ""],
               *[[k, v, "", ""] for k, v in cli["baselines_s"].items()]])
    for key in ("ingest", "ingest_real"):
        if not (ing := res.get(key)):
            continue
        verdict = "ok" if ing["embed"]["pages_per_s"] >= TARGETS["ingest_pages_per_s"] else "MISSED"
        table(f"kb ingest --no-ocr {ing['source']} into a fresh KB, medians of {ing['repeat']} "
              f"(peak RSS: {ing['rss_source']})",
              ["variant", "pages", "s", "pages/s", "peak RSS MiB", "target"],
              [[v, int(ing[v]["pages"]), ing[v]["s"], ing[v]["pages_per_s"], ing[v]["rss_mib"],
                f"≥ 10 pages/s  {verdict}" if v == "embed" else ""] for v in ("embed", "no-embed")])
        print(f"  embed / no-embed time ratio {ing['ratio_time']:.2f}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="synthetic passages (default 100000)")
    ap.add_argument("--queries", type=int, default=200, help="timed queries per mode (default 200)")
    ap.add_argument("--only", choices=["latency", "cli", "ingest"])
    ap.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    ap.add_argument("--keep", type=Path, help="keep the synthetic KB here; reused when built with the same --n")
    args = ap.parse_args(argv)
    if not list((REPO / "corpus").glob("*.pdf")):
        from kb.samples import build_sample_corpus
        build_sample_corpus(REPO / "corpus")
    res: dict = {"machine": machine()}
    real = REPO.parent / "shared" / "corpus" / "real"
    parts = {"latency": lambda: bench_latency(args.n, args.queries, args.keep), "cli": bench_cli,
             "ingest": bench_ingest, "ingest_real": lambda: bench_ingest(1, real)}
    for name, run in parts.items():
        if name == "ingest_real" and not real.is_dir():
            continue
        if args.only in (None, name) or (args.only == "ingest" and name == "ingest_real"):
            try:
                res[name] = run()
            except RuntimeError as exc:  # a failing `kb` command: report it, keep the other figures
                res.setdefault("errors", {})[name] = str(exc)
    res["machine"]["loadavg_1m_end"] = os.getloadavg()[0]  # other work on the machine skews every figure
    report(res)
    for name, err in res.get("errors", {}).items():
        print(f"\n{name}: FAILED: {err}")
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2))
    return 1 if res.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
