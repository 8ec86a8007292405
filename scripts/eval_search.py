"""Search quality on labelled queries: nDCG@10, Recall@10, MRR@10 per mode and kind.

`--set seeds` (default): the knowledge base is ingested from PDFs rendered from the seed texts
(not from the raw text), exactly as a user's would be; labels scripts/data/search_dev.jsonl.
`--set real`: it is ingested from twelve real papers of ../shared/corpus/real (see
real_corpus.py); labels scripts/data/search_real_{ru,en}.jsonl, written by reading the PDFs
before running kb on them, printed as dev and test apart (alternating within each kind).
A passage is relevant to a query when it contains one of the query's answer snippets
(whitespace collapsed), so the labels do not depend on how the text was chunked.

    python scripts/eval_search.py [--set seeds|real] [--kb-dir DIR] [--json FILE] [--model SPEC]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))  # real_corpus, when imported from the tests

import real_corpus  # noqa: E402

from kb import samples  # noqa: E402
from kb.ingest import pipeline  # noqa: E402
from kb.search import fusion, indexing  # noqa: E402
from kb.search.search import Searcher  # noqa: E402
from kb.store import db  # noqa: E402

DEV_SET = REPO / "scripts" / "data" / "search_dev.jsonl"
MODES = ("lexical", "dense", "hybrid")
KINDS = ("keyword", "paraphrase", "cross")
K = 10


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_queries(path: Path = DEV_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_kb(kb_dir: Path, model: str | None) -> None:
    pdf_dir = kb_dir / "pdfs"
    samples.build_sample_corpus(pdf_dir)
    conn = db.connect(kb_dir)
    embedder = indexing.embedder_for(conn, kb_dir, model)
    report = pipeline.ingest(conn, [pdf_dir], on_passages=indexing.passage_hook(embedder))
    if report.failures:
        raise SystemExit(f"ingest failed: {report.failures}")


def relevant_ids(conn, queries: list[dict]) -> dict[str, set[int]]:
    passages = [(r[0], norm(r[1])) for r in conn.execute("SELECT id, text FROM passages")]
    out = {}
    for q in queries:
        snippets = [norm(s) for s in q["answers"]]
        out[q["id"]] = {pid for pid, text in passages if any(s in text for s in snippets)}
    return out


def metrics(ranked: list[int], relevant: set[int]) -> dict[str, float]:
    gains = [1.0 if pid in relevant else 0.0 for pid in ranked[:K]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(K, len(relevant))))
    first = next((i for i, g in enumerate(gains) if g), None)
    return {"ndcg": dcg / ideal if ideal else 0.0,
            "recall": sum(gains) / len(relevant) if relevant else 0.0,
            "mrr": 1.0 / (first + 1) if first is not None else 0.0}


def evaluate(searcher: Searcher, queries: list[dict], relevant: dict[str, set[int]]) -> dict:
    table: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    per_query = []
    for q in queries:
        rel = relevant[q["id"]]
        if not rel:
            continue
        row = {"id": q["id"], "kind": q["kind"]}
        for mode in MODES:
            ranked = [h.passage_id for h in searcher.search(q["query"], k=K, mode=mode)]
            m = metrics(ranked, rel)
            row[mode] = round(m["ndcg"], 3)
            for name, value in m.items():
                table[mode][q["kind"]][name].append(value)
                table[mode]["overall"][name].append(value)
        per_query.append(row)
    summary = {mode: {kind: {name: sum(v) / len(v) for name, v in ms.items()} for kind, ms in kinds.items()}
               for mode, kinds in table.items()}
    return {"summary": summary, "per_query": per_query}


def print_table(summary: dict, counts: dict[str, int]) -> None:
    print(f"{'mode':<9}{'kind':<12}{'n':>4}{'nDCG@10':>10}{'R@10':>8}{'MRR@10':>9}")
    for mode in MODES:
        for kind in (*KINDS, "overall"):
            m = summary[mode].get(kind)
            if m:
                print(f"{mode:<9}{kind:<12}{counts[kind]:>4}{m['ndcg']:>10.3f}{m['recall']:>8.3f}{m['mrr']:>9.3f}")
        print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb-dir", type=Path, help="reuse (or build into) this knowledge base")
    ap.add_argument("--model", default=None, help="embedder spec (default use-m3)")
    ap.add_argument("--json", type=Path, help="write all figures here")
    ap.add_argument("--sweep", action="store_true", help="also print hybrid nDCG over fusion weights")
    ap.add_argument("--set", choices=("seeds", "real"), default="seeds", help="which labelled set and corpus")
    args = ap.parse_args()

    if args.set == "real" and not real_corpus.available():
        raise SystemExit(f"the real PDFs are not in {real_corpus.REAL_DIR}")
    with tempfile.TemporaryDirectory() as tmp:
        kb_dir = args.kb_dir or Path(tmp) / "kb"
        if not (kb_dir / db.DB_NAME).exists():
            (real_corpus.build_kb if args.set == "real" else build_kb)(kb_dir, args.model)
        conn = db.connect(kb_dir)
        searcher = Searcher(conn, kb_dir, indexing.embedder_for(conn, kb_dir, args.model))
        if args.set == "seeds":
            report(conn, searcher, load_queries(), args)
            return
        split = real_corpus.halves(real_corpus.load("search_real_ru.jsonl", "search_real_en.jsonl"))
        out = {}
        for half in ("dev", "test"):
            print(f"== real papers, {half} ==")
            out[half] = report(conn, searcher, split[half], args)
        if args.json:
            args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False))


def report(conn, searcher: Searcher, queries: list[dict], args) -> dict:
    """Print the table for one set of queries (and a sweep if asked); the figures as a dict."""
    relevant = relevant_ids(conn, queries)
    unmatched = [q["id"] for q in queries if not relevant[q["id"]]]
    counts = defaultdict(int)
    for q in queries:
        if relevant[q["id"]]:
            counts[q["kind"]] += 1
            counts["overall"] += 1
    print(f"{len(queries)} queries, {counts['overall']} with an answer passage in the knowledge base; "
          f"{conn.execute('SELECT count(*) FROM passages').fetchone()[0]} passages")
    if unmatched:
        print(f"queries whose answers match no passage (not scored): {', '.join(unmatched)}")
    result = evaluate(searcher, queries, relevant)
    print_table(result["summary"], counts)
    if args.sweep:
        sweep(searcher, queries, relevant)
    if args.json and args.set == "seeds":
        args.json.write_text(json.dumps({**result, "unmatched": unmatched}, indent=2, ensure_ascii=False))
    return {**result, "unmatched": unmatched}


def sweep(searcher: Searcher, queries: list[dict], relevant: dict[str, set[int]]) -> None:
    """Hybrid nDCG@10 per kind for a grid of fusion weights (to show how sensitive the choice is)."""
    print(f"{'sent_w':>7}{'lex_w':>7}{'power':>7}" + "".join(f"{k:>12}" for k in (*KINDS, "overall")))
    base = fusion.SENTENCE_WEIGHT, fusion.LEXICAL_WEIGHT, fusion.COVERAGE_POWER
    for sw in (0.25, 0.5, 0.75):
        for lw in (0.0, 0.06, 0.12, 0.2, 0.3):
            for power in (1.0, 2.0, 3.0):
                fusion.SENTENCE_WEIGHT, fusion.LEXICAL_WEIGHT, fusion.COVERAGE_POWER = sw, lw, power
                s = evaluate_hybrid(searcher, queries, relevant)
                print(f"{sw:>7.2f}{lw:>7.2f}{power:>7.1f}"
                      + "".join(f"{s.get(k, 0):>12.3f}" for k in (*KINDS, "overall")))
    fusion.SENTENCE_WEIGHT, fusion.LEXICAL_WEIGHT, fusion.COVERAGE_POWER = base


def evaluate_hybrid(searcher: Searcher, queries: list[dict], relevant: dict[str, set[int]]) -> dict[str, float]:
    scores: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        rel = relevant[q["id"]]
        if rel:
            ranked = [h.passage_id for h in searcher.search(q["query"], k=K, mode="hybrid")]
            value = metrics(ranked, rel)["ndcg"]
            scores[q["kind"]].append(value)
            scores["overall"].append(value)
    return {k: sum(v) / len(v) for k, v in scores.items()}


if __name__ == "__main__":
    main()
