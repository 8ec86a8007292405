"""Search with a scan of a paper that is already in the knowledge base: is any text shown twice?

Two knowledge bases are ingested: the sample corpus (corpus/, rendered if missing), and the same
plus an image-only copy of one of its PDFs (its pages rendered at 200 dpi, OCRed at ingest). The
66 labelled queries of scripts/data/search_dev.jsonl are run on both, k = 10, and the script
prints, for the second with repeats folded (the default) and without (`repeats.CONTAINMENT` above
1): queries whose top 10 holds one text twice (3-gram containment >= 0.5 over the shorter text,
whatever the files), places so wasted, and nDCG@10 where the answers are the born-digital passages
and a hit counts as answering when it or a copy folded into it does. The first knowledge base's
nDCG is the target: a scan added should cost nothing.

    python scripts/eval_repeats.py [--scan sample_proceedings_p143.pdf]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import eval_search  # noqa: E402

from kb.ingest import pipeline  # noqa: E402
from kb.search import indexing, repeats  # noqa: E402
from kb.search.search import Searcher  # noqa: E402
from kb.store import db  # noqa: E402


def render_scan(pdf: Path, out: Path) -> None:
    """An image-only copy of pdf, as a scanner would give it."""
    src, scan = pymupdf.open(pdf), pymupdf.open()
    for page in src:
        image = scan.new_page(width=page.rect.width, height=page.rect.height)
        image.insert_image(image.rect, pixmap=page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY))
    scan.save(out)


def ingest(kb_dir: Path, folder: Path) -> None:
    conn = db.connect(kb_dir)
    report = pipeline.ingest(conn, [folder], on_passages=indexing.passage_hook(indexing.embedder_for(conn, kb_dir)))
    if report.failures:
        raise SystemExit(f"ingest failed: {report.failures}")
    conn.close()


def measure(kb_dir: Path, queries: list[dict], scan_name: str | None) -> dict[str, float]:
    conn = db.connect(kb_dir, create=False)
    searcher = Searcher(conn, kb_dir, indexing.embedder_for(conn, kb_dir))
    relevant = eval_search.relevant_ids(conn, queries)
    scanned = {r[0] for r in conn.execute(
        "SELECT ps.id FROM passages ps JOIN papers p ON p.id = ps.paper_id JOIN files f ON f.id = p.file_id "
        "WHERE f.path LIKE ?", (f"%{scan_name}",))} if scan_name else set()
    with_repeat = wasted = 0
    ndcg = []
    for q in queries:
        hits = searcher.search(q["query"], k=eval_search.K)
        seen: list[frozenset] = []
        repeated = 0
        for h in hits:
            sh = repeats.shingles(h.text)
            repeated += any(repeats.containment(sh, o) >= 0.5 for o in seen)
            seen.append(sh)
        with_repeat += repeated > 0
        wasted += repeated
        answers = relevant[q["id"]] - scanned
        if answers:
            ranked = []
            for h in hits:
                hit = ({h.passage_id} | {a["id"] for a in h.also}) & answers
                ranked.append(min(hit) if hit else h.passage_id)
            ndcg.append(eval_search.metrics(ranked, answers)["ndcg"])
    conn.close()
    return {"queries_with_a_repeat": with_repeat, "queries": len(queries), "wasted_places": wasted,
            "places": eval_search.K * len(queries), "ndcg": sum(ndcg) / len(ndcg), "scored": len(ndcg)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scan", default="sample_proceedings_p143.pdf", help="the PDF of corpus/ to add as a scan")
    args = ap.parse_args()
    corpus = REPO / "corpus"
    if not list(corpus.glob("*.pdf")):
        from kb.samples import build_sample_corpus
        build_sample_corpus(corpus)
    queries = eval_search.load_queries()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        clean, scanned = tmp_dir / "clean", tmp_dir / "scanned"
        folder = tmp_dir / "pdfs"
        shutil.copytree(corpus, folder)
        ingest(clean, folder)
        scan_name = "scan_" + args.scan
        render_scan(corpus / args.scan, folder / scan_name)
        ingest(scanned, folder)
        rows = [("sample corpus", measure(clean, queries, None)),
                (f"+ {scan_name}, repeats folded", measure(scanned, queries, scan_name))]
        saved, repeats.CONTAINMENT = repeats.CONTAINMENT, 2.0
        rows.append((f"+ {scan_name}, not folded", measure(scanned, queries, scan_name)))
        repeats.CONTAINMENT = saved
    print(f"{'knowledge base':<52}{'queries with a repeat':>22}{'wasted places':>15}{'nDCG@10':>9}")
    for name, m in rows:
        print(f"{name:<52}{m['queries_with_a_repeat']:>14} / {m['queries']:<5}{m['wasted_places']:>8} / "
              f"{m['places']:<4}{m['ndcg']:>9.3f}")


if __name__ == "__main__":
    main()
