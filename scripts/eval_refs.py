"""Reference quality per source, for the rules alone, the model alone and the two combined:
entries found / gold and field precision, recall and F1.

Sources, isolated strings (the entry given, only the parser scored):
  grobid-eval    GROBID's evaluation split (never trained or tuned on)
  grobid-dev     one file in twenty of GROBID's training corpus, kept out of training to tune on
  anystyle-gold  AnyStyle's gold.xml (never trained on)
  kb-holdout     refs_holdout.jsonl, labelled blind (its real entries come from test PDFs)
  kb-dev         refs_dev.jsonl: the rules were written on it and the model is trained on it
End to end (kb reads the PDF, finds the lists, splits them, parses every entry):
  real-test      gold_real/*.json with split "test" (every entry of every list)
  real-dev       the dev PDFs' lists in refs_lists.jsonl
  xelatex, ieeetran, elsarticle, writer
                   the seed texts typeset by XeLaTeX (article, IEEEtran, Elsevier's elsarticle) and LibreOffice
                   (tests/fixtures/typeset)
  extra-dev      22 more real papers' lists (gold_extra/, --extra-dir FOLDER): every entry, and its fields
  pymupdf        the bundled sample corpus (corpus/), the seed texts rendered by kb's own renderer

A field counts when the parsed value equals the labelled one after normalising case, spaces,
quotes, dashes and edge punctuation; authors are compared as whole ordered lists. End to end, a
gold entry is found when kb stored an entry whose text matches it (similarity >= 0.9); a gold
entry not found counts as missed in every field it has, and where the gold covers the whole file,
an entry kb stored that matches no gold entry counts against precision.

    python scripts/eval_refs.py [--sources a,b] [--methods combined,model,rules] [--json FILE]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from ref_data import extra_half  # noqa: E402

from kb.refs.parse import FIELDS, METHODS, parse_reference  # noqa: E402

DATA = REPO / "scripts" / "data"
GOLD_REAL = DATA / "gold_real"
TYPESET = REPO / "tests" / "fixtures" / "typeset"
GOLD_EXTRA = DATA / "gold_extra"
EXTRA_DIR = Path("/nonexistent")  # --extra-dir
EXTRA_HALF: str | None = None  # --extra-half: only that half of the gold_extra PDFs
REAL_DIR = REPO.parent / "shared" / "corpus" / "real"
EXTERNAL_FIELDS = ("authors", "title", "container", "year", "volume", "issue", "pages", "publisher", "place",
                   "doi", "url")
SOURCES = ("grobid-eval", "grobid-dev", "anystyle-gold", "kb-holdout", "kb-dev", "real-test", "real-dev", "xelatex",
           "ieeetran", "elsarticle", "writer", "pymupdf")


def norm(value) -> str | None:
    if value is None or value == []:
        return None
    if isinstance(value, list):
        return " | ".join(norm(v) or "" for v in value)
    text = str(value).casefold().replace("ё", "е")
    text = re.sub(r"[«»“”„\"'‘’`]", "", text)
    text = re.sub(r"\s*[-–—]\s*", "-", text)
    text = re.sub(r"\s*:\s*", ": ", text)
    text = re.sub(r"\s+", " ", text).strip(" .,;:/")
    return text or None


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Score:
    """Field counts (tp, fp, fn) and entries found."""

    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields
        self.counts = defaultdict(lambda: [0, 0, 0])
        self.matched = defaultdict(lambda: [0, 0, 0])  # only pairs of a gold entry and the entry found for it
        self.found = self.gold = self.spurious = 0
        self.errors: list[tuple] = []

    def add(self, gold: dict | None, pred: dict | None, raw: str = "") -> None:
        for f in self.fields:
            g = norm(gold.get(f)) if gold else None
            p = norm(pred.get(f)) if pred else None
            for c in (self.counts[f], self.matched[f]) if gold is not None and pred is not None else \
                    (self.counts[f],):
                if g is not None and p == g:
                    c[0] += 1
                else:
                    if p is not None:
                        c[1] += 1
                    if g is not None:
                        c[2] += 1
                if gold is not None and pred is not None and g != p:
                    self.errors.append((f, gold.get(f), pred.get(f), raw))

    def field_prf(self, f: str) -> tuple[float, float, float]:
        return prf(*self.counts[f])

    def overall(self, matched: bool = False) -> tuple[float, float, float]:
        counts = self.matched if matched else self.counts
        return prf(*(sum(counts[f][i] for f in self.fields) for i in range(3)))


# --- isolated strings --------------------------------------------------------------------------------

def _external(name: str) -> list[tuple[str, dict]]:
    import ref_data as rd

    from kb.refs import fields as fl

    exs = rd.grobid_examples(name.split("-")[1]) if name.startswith("grobid") else rd.anystyle_examples(("gold.xml",))
    return [(ex.raw, fl.from_spans([(lab, ex.raw[s:e]) for s, e, lab in ex.spans])) for ex in exs]


def _jsonl(name: str) -> list[dict]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x]


def parse_in_order(rows: list[dict], method: str) -> list[dict]:
    """Parse entries as a list is read: each with the entry above it from the same source."""
    out, previous, source = [], None, None
    for r in rows:
        prev = previous if r["source"] == source and r["source"] != "written" else None
        ref = parse_reference(r["raw"], prev, method)
        out.append(ref.fields())
        previous, source = ref, r["source"]
    return out


def score_strings(source: str, method: str) -> Score:
    if source in ("grobid-eval", "grobid-dev", "anystyle-gold"):
        score = Score(EXTERNAL_FIELDS)
        for raw, gold in _external(source):
            score.add(gold, parse_reference(raw, None, method).fields(), raw)
            score.gold += 1
            score.found += 1
        return score
    rows = _jsonl("refs_holdout.jsonl" if source == "kb-holdout" else "refs_dev.jsonl")
    if source.startswith("kb-dev-"):  # one half, for a model trained without it (--without-half)
        rows = [r for r in rows if _half(r) == source[-1]]
    score = Score(FIELDS)
    for row, got in zip(rows, parse_in_order(rows, method), strict=True):
        score.add(row["fields"], got, row["raw"])
        score.gold += 1
        score.found += 1
    return score


def _half(row: dict) -> str:
    import zlib

    key = row["id"] if row["source"] == "written" else f"kb:{row['source']}"
    return "a" if zlib.crc32(key.encode()) % 2 == 0 else "b"


# --- end to end ----------------------------------------------------------------------------------------

def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold().replace("ё", "е"))


def match_entries(gold: list[str], got: list[str], threshold: float = 0.9) -> dict[int, int]:
    """Gold index -> kb index, greedily by similarity of the entries' letters and digits."""
    gk, kk = [_key(g) for g in gold], [_key(k) for k in got]
    pairs = []
    for i, g in enumerate(gk):
        for j, k in enumerate(kk):
            if not g or not k or min(len(g), len(k)) < 0.7 * max(len(g), len(k)):
                continue
            r = difflib.SequenceMatcher(None, g, k, autojunk=False).ratio()
            if r >= threshold:
                pairs.append((r, i, j))
    out, used = {}, set()
    for _r, i, j in sorted(pairs, reverse=True):
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def kb_entries(pdf: Path) -> list[list[str]]:
    """The raw entries kb stores for a PDF, list by list, in order."""
    from kb.ingest.pipeline import process
    from kb.refs.split import section_entries

    processed = process(pdf, use_ocr=False)
    return [[e.raw for e in section_entries(sec.paragraphs)] for paper, _ in processed.papers
            for sec in paper.sections if sec.kind == "references"]


def _e2e_cases(source: str) -> list[tuple[Path, list[dict], bool]]:
    """(pdf, gold entries with fields, gold covers the whole file)."""
    cases = []
    if source == "real-test":
        for f in sorted(GOLD_REAL.glob("*.json")):
            g = json.loads(f.read_text(encoding="utf-8"))
            if g["split"] == "test" and (REAL_DIR / g["file"]).exists():
                refs = [r for p in g["papers"] for r in (p.get("references") or [])]
                cases.append((REAL_DIR / g["file"], refs, g.get("scope", "whole file") == "whole file"))
    elif source == "real-dev":
        rows = {r["raw"]: r for r in _jsonl("refs_dev.jsonl")}
        by_pdf: dict[str, list[dict]] = defaultdict(list)
        for lst in _jsonl("refs_lists.jsonl"):
            if lst["source"].startswith("real:"):
                by_pdf[lst["source"][5:]] += [{"raw": e, "fields": rows[e]["fields"]} for e in lst["entries"]]
        cases = [(REAL_DIR / name, refs, False) for name, refs in sorted(by_pdf.items()) if (REAL_DIR / name).exists()]
    elif source == "extra-dev":  # fields where labelled (None: the entry text only, finding and splitting)
        for f in sorted(GOLD_EXTRA.glob("*.json")):
            g = json.loads(f.read_text(encoding="utf-8"))
            if (EXTRA_DIR / g["file"]).exists() and (EXTRA_HALF is None or extra_half(g["file"]) == EXTRA_HALF):
                refs = [{"raw": e["raw"], "fields": e.get("fields")} for lst in g["lists"] for e in lst["entries"]]
                cases.append((EXTRA_DIR / g["file"], refs, True))
    elif source == "pymupdf":  # the bundled sample corpus, rendered by kb's own test renderer
        rows = {r["raw"]: r for r in _jsonl("refs_dev.jsonl")}
        pdfs = {"seed:000": "sample_proceedings_p143.pdf", "seed:002": "sample_journal_p173.pdf"}
        by_pdf: dict[str, list[dict]] = defaultdict(list)
        for lst in _jsonl("refs_lists.jsonl"):
            if lst["source"] in pdfs:
                by_pdf[pdfs[lst["source"]]] += [{"raw": e, "fields": rows[e]["fields"]} for e in lst["entries"]]
        cases = [(REPO / "corpus" / name, refs, True) for name, refs in sorted(by_pdf.items())]
    else:
        rows = {r["raw"]: r for r in _jsonl("refs_dev.jsonl")}
        for f in sorted(TYPESET.glob(f"*_{source}.json")):
            g = json.loads(f.read_text(encoding="utf-8"))
            refs = [{"raw": r["raw"], "fields": rows[r["raw"]]["fields"]} for r in g["references"]]
            if refs:
                cases.append((TYPESET / g["pdf"], refs, True))
    return cases


def score_e2e(source: str, methods: list[str], cache: dict, per_pdf: bool = False) -> dict[str, Score]:
    scores = {m: Score(FIELDS) for m in methods}
    for pdf, gold, whole in _e2e_cases(source):
        if pdf not in cache:
            cache[pdf] = kb_entries(pdf)
        lists = cache[pdf]
        flat = [e for lst in lists for e in lst]
        matched = match_entries([g["raw"] for g in gold], flat)
        if per_pdf:
            extra = f", {len(flat) - len(matched)} spurious" if whole else ""
            print(f"  {source} {pdf.name}: {len(matched)}/{len(gold)} found{extra}")
        for m in methods:
            parsed = []
            for lst in lists:
                previous = None
                for e in lst:
                    previous = parse_reference(e, previous, m)
                    parsed.append(previous.fields())
            sc = scores[m]
            sc.gold += len(gold)
            sc.found += len(matched)
            labelled = all(g["fields"] is not None for g in gold)
            for i, g in enumerate(gold):
                j = matched.get(i)
                if g["fields"] is not None:
                    sc.add(g["fields"], parsed[j] if j is not None else None, g["raw"])
            if whole:
                for j in set(range(len(flat))) - set(matched.values()):
                    sc.spurious += 1
                    if labelled:
                        sc.add(None, parsed[j], flat[j])
    return scores


# --- report ----------------------------------------------------------------------------------------------

def report(results: dict[str, dict[str, Score]], per_field: bool) -> None:
    print(f"{'source':<14}{'method':<10}{'found/gold':>12}{'spurious':>9}{'P':>7}{'R':>7}{'F1':>7}"
          f"{'F1 of found':>13}")
    for source, by_method in results.items():
        for m, sc in by_method.items():
            p, r, f = sc.overall()
            print(f"{source:<14}{m:<10}{f'{sc.found}/{sc.gold}':>12}{sc.spurious:>9}{p:>7.3f}{r:>7.3f}{f:>7.3f}"
                  f"{sc.overall(matched=True)[2]:>13.3f}")
        if per_field:
            fields = next(iter(by_method.values())).fields
            print("    F1 per field: " + "  ".join(f"{f}" for f in fields))
            for m, sc in by_method.items():
                print(f"    {m:<9}" + "  ".join(f"{sc.field_prf(f)[2]:.2f}" for f in fields))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", default=",".join(SOURCES))
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--fields", action="store_true", help="F1 per field too")
    ap.add_argument("--errors", help="print mistakes of this method (SOURCE:METHOD[:FIELD])")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--extra-dir", type=Path, help="folder holding the PDFs of gold_extra/")
    ap.add_argument("--extra-half", choices=["a", "b"],
                    help="extra-dev: only this half of its PDFs (those a model trained --without-extra-half left out)")
    ap.add_argument("--per-pdf", action="store_true", help="entries found per PDF (end-to-end sources)")
    args = ap.parse_args()
    global EXTRA_DIR, EXTRA_HALF
    if args.extra_dir:
        EXTRA_DIR = args.extra_dir
    EXTRA_HALF = args.extra_half
    methods = args.methods.split(",")
    results: dict[str, dict[str, Score]] = {}
    cache: dict = {}
    with tempfile.TemporaryDirectory():
        for source in args.sources.split(","):
            if source in ("real-test", "real-dev", "xelatex", "ieeetran", "elsarticle", "writer", "pymupdf", "extra-dev"):
                if source.startswith("real") and not REAL_DIR.exists() or \
                        source == "extra-dev" and not EXTRA_DIR.exists():
                    print(f"{source}: skipped (its PDFs are not there)")
                    continue
                results[source] = score_e2e(source, methods, cache, args.per_pdf)
            else:
                results[source] = {m: score_strings(source, m) for m in methods}
    report(results, args.fields)
    if args.errors:
        src, m, *f = args.errors.split(":")
        for field, gold, got, raw in results[src][m].errors:
            if not f or f[0] == field:
                print(f"{field}: gold={gold!r} got={got!r}\n    {raw[:220]}")
    if args.json:
        out = {s: {m: {"found": sc.found, "gold": sc.gold, "spurious": sc.spurious, "overall": sc.overall(),
                       "overall_found": sc.overall(matched=True),
                       "fields": {f: sc.field_prf(f) for f in sc.fields}} for m, sc in bm.items()}
               for s, bm in results.items()}
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
