"""Theme tags and evidence reports on the labelled development sets.

Tags: every unit of scripts/data/themes_dev.jsonl (sentences of the seed papers, labelled
with their themes) is embedded and scored by the same tagger ingest uses; per theme the
script prints precision, recall and F1 of the tags, then the macro-F1 over themes. The
units are also split by id parity into two halves (A = odd ids, B = even), to show how
much the figure moves between halves of the data.

Evidence: a knowledge base is ingested from PDFs rendered from the seed texts, and
`kb evidence` is run for each recommendation of scripts/data/evidence_dev.jsonl. A quote
supports the recommendation when it contains most (80 %) of the words of one of its
`supports` snippets. Precision@5 counts every quote returned in the top 5, including quotes
returned for recommendations the seeds do not support (all of those are wrong).

`--set real` runs the evidence part on twelve real papers of ../shared/corpus/real instead
(scripts/data/evidence_real.jsonl, labelled by reading the PDFs before running kb), printed as
dev and test apart, alternating within each kind; see real_corpus.py.

    python scripts/eval_topics.py [--sweep] [--json FILE] [--skip-evidence] [--set seeds|real]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))  # real_corpus, when imported from the tests

import real_corpus  # noqa: E402

from kb import samples  # noqa: E402
from kb.evidence import find as finder  # noqa: E402
from kb.ingest import pipeline  # noqa: E402
from kb.search import indexing  # noqa: E402
from kb.search.search import Searcher  # noqa: E402
from kb.store import db  # noqa: E402
from kb.themes import store as theme_store  # noqa: E402
from kb.themes import tagger as tagger_mod  # noqa: E402
from kb.themes import taxonomy  # noqa: E402

THEMES_DEV = REPO / "scripts" / "data" / "themes_dev.jsonl"
EVIDENCE_DEV = REPO / "scripts" / "data" / "evidence_dev.jsonl"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = int((pred & gold).sum())
    fp = int((pred & ~gold).sum())
    fn = int((~pred & gold).sum())
    p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def macro_f1(pred: np.ndarray, gold: np.ndarray, cols: list[int]) -> float:
    return float(np.mean([prf(pred[:, j], gold[:, j])[2] for j in cols]))


def eval_tags(tagger: tagger_mod.Tagger, units: list[dict], sweep: bool) -> dict:
    ids = tagger.taxonomy.ids
    gold = np.array([[t in u["themes"] for t in ids] for u in units])
    vecs = tagger.embedder.embed_passages([u["text"] for u in units])
    comp = tagger.components([u["text"] for u in units], vecs)
    pred = comp.scores() >= tagger_mod.THRESHOLD
    cols = [j for j in range(len(ids)) if gold[:, j].any()]
    per_theme = {}
    print(f"\nTheme tags on {len(units)} units (threshold {tagger_mod.THRESHOLD}, cue bonus {tagger_mod.CUE_BONUS})")
    print(f"{'theme':<26} {'gold':>4} {'pred':>4} {'P':>6} {'R':>6} {'F1':>6}")
    for j, theme in enumerate(ids):
        p, r, f = prf(pred[:, j], gold[:, j])
        per_theme[theme] = {"gold": int(gold[:, j].sum()), "pred": int(pred[:, j].sum()),
                            "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
        print(f"{theme:<26} {gold[:, j].sum():>4} {pred[:, j].sum():>4} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
    halves = {"A": [i for i, u in enumerate(units) if int(u["id"][1:]) % 2 == 1],
              "B": [i for i, u in enumerate(units) if int(u["id"][1:]) % 2 == 0]}
    result = {"units": len(units), "macro_f1": round(macro_f1(pred, gold, cols), 3), "per_theme": per_theme,
              "halves": {h: round(macro_f1(pred[ix], gold[ix], [j for j in cols if gold[ix, j].any()]), 3)
                         for h, ix in halves.items()},
              "none_correct": round(float(((~pred.any(1)) & (~gold.any(1))).sum() / max(1, (~gold.any(1)).sum())), 3)}
    print(f"macro-F1 {result['macro_f1']:.3f} over {len(cols)} themes "
          f"(half A {result['halves']['A']:.3f}, half B {result['halves']['B']:.3f}); "
          f"units without a theme left untagged: {result['none_correct']:.0%}")
    if sweep:
        print("\nSweep (macro-F1; rows: threshold, columns: cue bonus)")
        bonuses = [0.0, 0.06, 0.09, 0.12, 0.15, 0.2]
        print("thr   " + " ".join(f"{b:>6.2f}" for b in bonuses))
        for thr in np.arange(0.30, 0.56, 0.02):
            print(f"{thr:.2f} " + " ".join(f"{macro_f1(comp.scores(cue_bonus=b, threshold=thr) >= thr, gold, cols):>6.3f}"
                                          for b in bonuses))
    return result


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("ё", "е"))


def supports(quote: str, snippets: list[str]) -> bool:
    have = set(words(quote))
    return any(sum(w in have for w in words(s)) >= 0.8 * len(words(s)) for s in snippets)


def build_kb(kb_dir: Path) -> None:
    pdf_dir = kb_dir / "pdfs"
    samples.build_sample_corpus(pdf_dir)
    conn = db.connect(kb_dir)
    embedder = indexing.embedder_for(conn, kb_dir)
    hook = indexing.passage_hook(embedder, theme_store.tagger_for(kb_dir, embedder))
    report = pipeline.ingest(conn, [pdf_dir], on_passages=hook)
    if report.failures:
        raise SystemExit(f"ingest failed: {report.failures}")


SWEEP_SUPPORT = np.round(np.arange(0.46, 0.63, 0.02), 2)
SWEEP_CROSS = (0.0, 0.02, 0.04, 0.06, 0.08)
SWEEP_MARGIN = (0.04, 0.08, 0.12, 1.0)


def eval_evidence(kb_dir: Path, recs: list[dict], sweep: bool) -> dict:
    """Evidence figures at the shipped thresholds; with sweep, also over a grid of the three
    thresholds (run it on dev recommendations only: the shipped values are chosen there)."""
    conn = db.connect(kb_dir, create=False)
    searcher = Searcher(conn, kb_dir, indexing.embedder_for(conn, kb_dir))

    def run(verbose: bool, **knobs: float) -> dict:
        returned = correct = found_snips = total_snips = abstain_ok = 0
        rows = []
        answered: dict[str, list[bool]] = {"same": [], "cross": []}  # supported: at least one right quote
        for r in recs:
            ev = finder.find(searcher, r["recommendation"], k=5, **knobs)
            ok = [supports(q.text, r["supports"]) for q in ev.quotes]
            wrong_labelled = [supports(q.text, r["not_supports"]) for q in ev.quotes]
            returned += len(ok)
            correct += sum(ok)
            total_snips += len(r["supports"])
            found_snips += sum(any(supports(q.text, [s]) for q in ev.quotes) for s in r["supports"])
            if not r["supports"] and not ev.quotes:
                abstain_ok += 1
            if r["supports"]:
                answered["cross" if r.get("cross") else "same"].append(any(ok))
            rows.append({"id": r["id"], "lang": r["lang"], "returned": len(ok), "correct": sum(ok),
                         "labelled_not_supporting": sum(wrong_labelled),
                         "aspects": [{"aspect": a.text, "found": a.found} for a in ev.aspects]})
            if verbose:
                mark = "".join("+" if o else ("x" if w else "?") for o, w in zip(ok, wrong_labelled, strict=True))
                print(f"{r['id']} {r['lang']} {len(r['supports'])} gold  {mark or '(no evidence)':<6} "
                      f"{r['recommendation'][:70]}")
                for a in ev.aspects:
                    print(f"      aspect {'found' if a.found else 'none '} {a.score:.3f}  {a.text[:60]}")
        unsupported = sum(1 for r in recs if not r["supports"])
        both = answered["same"] + answered["cross"]
        return {"precision_at_5": round(correct / returned, 3) if returned else 0.0, "returned": returned,
                "supported_answered": f"{sum(both)}/{len(both)}",
                "supported_answered_rate": round(sum(both) / len(both), 3) if both else 0.0,
                **{f"supported_answered_{k}": f"{sum(v)}/{len(v)}" for k, v in answered.items() if v},
                "correct": correct, "support_recall": round(found_snips / total_snips, 3),
                "unsupported_abstained": f"{abstain_ok}/{unsupported}",
                "unsupported_abstained_rate": round(abstain_ok / unsupported, 3) if unsupported else 1.0,
                "per_recommendation": rows}

    print(f"\nEvidence on {len(recs)} recommendations (threshold {finder.MIN_SUPPORT}, "
          f"{finder.MIN_SUPPORT - finder.CROSS_OFFSET:.2f} across languages, margin {finder.MARGIN}; "
          "+ supports, x labelled as not supporting, ? unlabelled = counted wrong)")
    result = run(verbose=True)
    print(f"precision@5 {result['precision_at_5']:.3f} ({result['correct']}/{result['returned']} quotes); "
          f"supports found {result['support_recall']:.3f}; "
          f"unsupported recommendations answered 'no evidence': {result['unsupported_abstained']}")
    print("supported recommendations with a right quote: " + ", ".join(
        f"{k.removeprefix('supported_answered').strip('_') or 'all'} {v}"
        for k, v in result.items() if k.startswith("supported_answered") and not k.endswith("rate")))
    if sweep:
        print("\nsupport cross  margin  answered  P@5    abstained  objective (mean of the three)")
        for thr in SWEEP_SUPPORT:
            for cross in SWEEP_CROSS:
                for margin in SWEEP_MARGIN:
                    x = run(verbose=False, min_support=float(thr), cross_offset=cross, margin=margin)
                    obj = (x["supported_answered_rate"] + x["precision_at_5"] + x["unsupported_abstained_rate"]) / 3
                    print(f"{thr:.2f}    {cross:.2f}   {margin:.2f}    {x['supported_answered_rate']:.3f}     "
                          f"{x['precision_at_5']:.3f}  {x['unsupported_abstained_rate']:.3f}      {obj:.3f}")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sweep", action="store_true", help="Also print the figures over a grid of thresholds (dev only).")
    ap.add_argument("--json", type=Path, help="Write the figures to this file.")
    ap.add_argument("--skip-evidence", action="store_true")
    ap.add_argument("--set", choices=("seeds", "real"), default="seeds",
                    help="evidence on the seed papers, or on real papers (scripts/data/evidence_real.jsonl)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb_dir = Path(tmp) / "kb"
        conn = db.connect(kb_dir)
        embedder = indexing.embedder_for(conn, kb_dir)
        tagger = tagger_mod.Tagger(taxonomy.load(), embedder)
        out = {"tags": eval_tags(tagger, load(THEMES_DEV), args.sweep)}
        if not args.skip_evidence and args.set == "seeds":
            build_kb(kb_dir)
            out["evidence"] = eval_evidence(kb_dir, load(EVIDENCE_DEV), args.sweep)
        elif not args.skip_evidence:
            if not real_corpus.available():
                raise SystemExit(f"the real PDFs are not in {real_corpus.REAL_DIR}")
            real_corpus.build_kb(kb_dir)
            split = real_corpus.halves(real_corpus.load("evidence_real.jsonl"))
            for half in ("dev", "test"):
                print(f"\n== real papers, {half} ==")
                out[f"evidence_real_{half}"] = eval_evidence(kb_dir, split[half], args.sweep and half == "dev")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
