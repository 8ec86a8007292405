"""Paper metadata against the blind gold files: are the papers found, and are their title, authors,
venue (container, volume, issue), year and printed pages right? One figure per split.

Every gold file in scripts/data/gold_real/*.json (format in its README.md) names a PDF of
../shared/corpus/real/; each PDF is ingested into a fresh knowledge base (no embedding) exactly as
`kb ingest` does, and `kb papers --json` is read back. A gold paper is found when kb has a paper
(not a fragment) starting on the same PDF page (±1) with a similar title, or anywhere in the file
with a very similar title. A kb paper is invented when it starts inside the gold file's scope and
matches no gold paper. Files that do not parse yet, and PDFs that are absent, are skipped.

Field rules (over the found papers; a field right when both are null, or both equal after
normalising):
  title      casefold, ё→е, spaces, quotes, dashes and edge punctuation normalised; similarity ≥ 0.95
  authors    the whole ordered list: family names and the initials of the given names, casefolded
  container  equal, or one contains the other and covers ≥ 60% of its words (a subtitle more or less)
  volume, issue, year, pages   equal once spaces are removed and dashes unified

    python scripts/eval_papers.py [--show dev|extra-dev] [--extra-dir FOLDER] [--no-ocr] [--json FILE]

`--show dev` lists every dev paper's mismatches; the test split is only ever printed as figures.
`--extra-dir` adds the split extra-dev: the gold_extra/ files that label their paper's front matter
(a "front" record), their PDFs in FOLDER.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb import library  # noqa: E402
from kb.ingest.pipeline import ingest  # noqa: E402
from kb.store import db  # noqa: E402

GOLD_DIR = REPO / "scripts" / "data" / "gold_real"
REAL_DIR = REPO.parent / "shared" / "corpus" / "real"
EXTRA_GOLD = REPO / "scripts" / "data" / "gold_extra"  # more dev papers: files with a "front" record
SPLITS = ("dev", "extra-dev", "test")
FIELDS = ("title", "authors", "container", "volume", "issue", "year", "pages")


def norm(value) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).casefold().replace("ё", "е")
    text = re.sub(r"[«»“”„\"'‘’`ʼ]", "", text)
    text = re.sub(r"\s*[-‐‑‒–—]\s*", "-", text)
    text = re.sub(r"\s+", " ", text).strip(" .,;:/")
    return text or None


def compact(value) -> str | None:
    text = norm(value)
    return re.sub(r"[\s.,]", "", text) if text else None


def initials(given: str | None) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_]+", given or "")).casefold()


def author_key(a: dict) -> tuple[str, str]:
    return (norm(a.get("family")) or "", initials(a.get("given")))


def title_ok(gold, got) -> bool:
    g, k = norm(gold), norm(got)
    if g is None or k is None:
        return g == k
    return g == k or difflib.SequenceMatcher(None, g, k).ratio() >= 0.95


def container_ok(gold, got) -> bool:
    g, k = norm(gold), norm(got)
    if g is None or k is None:
        return g == k
    g, k = re.sub(r"[^\w ]", " ", g), re.sub(r"[^\w ]", " ", k)
    gw, kw = g.split(), k.split()
    if gw == kw:
        return True
    short, long_ = (gw, kw) if len(gw) <= len(kw) else (kw, gw)
    joined = " " + " ".join(long_) + " "
    return " " + " ".join(short) + " " in joined and len(short) >= 0.6 * len(long_)


def field_ok(field: str, gold: dict, got: dict) -> bool:
    if field == "title":
        return title_ok(gold.get("title"), got.get("title"))
    if field == "authors":
        return [author_key(a) for a in gold.get("authors") or []] == [author_key(a) for a in got.get("authors") or []]
    if field == "container":
        return container_ok(gold.get("container"), got.get("container"))
    return compact(gold.get(field)) == compact(got.get(field))


def scope_pages(scope: str | None, n_pages: int) -> range:
    """1-based PDF pages a gold file covers: 'whole file' or 'pdf pages 31-40'."""
    m = re.search(r"(\d+)\s*[-–]\s*(\d+)", scope or "")
    return range(int(m[1]), int(m[2]) + 1) if m else range(1, n_pages + 1)


def kb_record(p: dict) -> dict:
    venue = p.get("venue") or {}
    return {"title": p["title"], "authors": p.get("authors_parsed") or [], "container": venue.get("container"),
            "volume": venue.get("volume"), "issue": venue.get("issue"), "year": p.get("year"),
            "pages": p.get("page_range"), "start": p["pages"]["first_index"] + 1}


def gold_record(p: dict) -> dict:
    venue = p.get("venue") or {}
    return {"title": p.get("title"), "authors": p.get("authors") or [], "container": venue.get("container"),
            "volume": venue.get("volume"), "issue": venue.get("issue"), "year": p.get("year"),
            "pages": p.get("pages"), "start": p.get("pdf_page")}


def match(gold: list[dict], ours: list[dict]) -> list[tuple[dict, dict | None]]:
    """Pair each gold paper with at most one of ours: same start page (±1) and a similar title first."""
    def sim(g, k):
        a, b = norm(g["title"]) or "", norm(k["title"]) or ""
        return difflib.SequenceMatcher(None, a, b).ratio() if a and b else 0.0

    pairs = []
    for gi, g in enumerate(gold):
        for ki, k in enumerate(ours):
            s = sim(g, k)
            near = abs((g["start"] or 0) - k["start"]) <= 1
            if (near and (s >= 0.5 or not g["title"])) or s >= 0.85:
                pairs.append((near, s, gi, ki))
    pairs.sort(reverse=True)
    used_g, used_k, out = set(), set(), {}
    for _, _, gi, ki in pairs:
        if gi not in used_g and ki not in used_k:
            used_g.add(gi)
            used_k.add(ki)
            out[gi] = ours[ki]
    return [(g, out.get(i)) for i, g in enumerate(gold)]


def load_extra(extra_dir: Path | None) -> list[tuple[Path, dict]]:
    """gold_extra files that label their paper's front matter, as one-paper gold files (split
    extra-dev) whose PDFs are in extra_dir."""
    if extra_dir is None:
        return []
    found = []
    for path in sorted(EXTRA_GOLD.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("front"):
            paper = {**data["front"], "pdf_page": 1}
            found.append((path, {"file": data["file"], "split": "extra-dev", "dir": str(extra_dir),
                                 "scope": data.get("scope", "whole file"), "papers": [paper]}))
    return found


def load_gold() -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("split") not in ("dev", "test") or not isinstance(data.get("papers"), list):
                raise ValueError("no split or papers")
        except (ValueError, OSError) as exc:
            print(f"skipped {path.name}: does not parse yet ({exc})", file=sys.stderr)
            continue
        found.append((path, data))
    return found


def kb_papers(pdf: Path, work: Path, use_ocr: bool) -> tuple[list[dict], int, str | None]:
    """Ingest one PDF into a new knowledge base; its papers as `kb papers --json` prints them."""
    kb_dir = work / pdf.stem
    conn = db.connect(kb_dir)
    try:
        report = ingest(conn, [pdf], use_ocr=use_ocr)
        failure = report.failures[0].reason if report.failures else None
        papers = library.list_papers(conn)
        n_pages = conn.execute("SELECT coalesce(sum(n_pages), 0) FROM files").fetchone()[0]
    finally:
        conn.close()
    return papers, n_pages, failure


def evaluate(use_ocr: bool, show: str | None, extra_dir: Path | None = None) -> dict:
    totals = {s: {"gold": 0, "found": 0, "invented": 0, "files": 0, **{f: 0 for f in FIELDS}} for s in SPLITS}
    with tempfile.TemporaryDirectory() as tmp:
        for path, gold in load_gold() + load_extra(extra_dir):
            split = gold["split"]
            pdf = Path(gold.get("dir", REAL_DIR)) / gold.get("file", path.stem + ".pdf")
            if not pdf.exists():
                print(f"skipped {path.name}: {pdf} not found", file=sys.stderr)
                continue
            papers, n_pages, failure = kb_papers(pdf, Path(tmp), use_ocr)
            scope = scope_pages(gold.get("scope"), n_pages)
            ours = [kb_record(p) for p in papers if not p["fragment"]]
            ours = [k for k in ours if k["start"] in scope]
            golds = [gold_record(p) for p in gold["papers"]]
            t = totals[split]
            t["files"] += 1
            t["gold"] += len(golds)
            matched = match(golds, ours)
            hit = [k for _, k in matched if k is not None]
            t["found"] += len(hit)
            t["invented"] += sum(1 for k in ours if not any(k is h for h in hit))
            for g, k in matched:
                if k is None:
                    if show == split:
                        print(f"{pdf.name} p.{g['start']}: NOT FOUND {g['title']!r}"
                              + (f" (ingest failed: {failure})" if failure else ""))
                    continue
                for f in FIELDS:
                    ok = field_ok(f, g, k)
                    t[f] += ok
                    if show == split and not ok:
                        print(f"{pdf.name} p.{g['start']} {f}: gold {_brief(g, f)!r} kb {_brief(k, f)!r}")
            if show == split:
                for k in ours:
                    if not any(k is h for h in hit):
                        print(f"{pdf.name} p.{k['start']}: INVENTED {k['title']!r}")
    return totals


def _brief(record: dict, field: str):
    if field == "authors":
        return [f"{a.get('family')}, {a.get('given')}" for a in record.get("authors") or []]
    return record.get(field)


def report(totals: dict) -> str:
    lines = ["| split | files | papers found / gold | invented | title | all authors | container | volume | issue "
             "| year | pages |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for split in SPLITS:
        t = totals[split]
        if not t["files"]:
            continue
        n = t["found"]
        pct = [f"{100 * t[f] / n:.0f}%" if n else "—" for f in FIELDS]
        lines.append(f"| {split} | {t['files']} | {t['found']} / {t['gold']} | {t['invented']} | " + " | ".join(pct) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", choices=["dev", "extra-dev"], help="list the dev papers' mismatches (never test)")
    ap.add_argument("--extra-dir", type=Path, help="folder holding the PDFs of gold_extra/ (adds the extra-dev split)")
    ap.add_argument("--no-ocr", action="store_true", help="do not OCR image-only pages")
    ap.add_argument("--json", type=Path, help="also write the counts as JSON")
    args = ap.parse_args()
    totals = evaluate(not args.no_ocr, args.show, args.extra_dir)
    print(report(totals))
    print("(field figures are shares of the papers found; a field is right when both sides are null too)")
    if args.json:
        args.json.write_text(json.dumps(totals, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
