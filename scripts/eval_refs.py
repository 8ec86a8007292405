"""Reference parsing quality: field-level precision, recall and F1 per field and per style, and
entry-splitting accuracy, on the raw strings and end to end from PDFs.

Labels: scripts/data/refs_dev.jsonl (entries with fields), scripts/data/refs_lists.jsonl (whole
lists with their gold entries). A field counts as correct when the parsed value equals the
labelled one after normalising case, whitespace, quotes, dashes and trailing punctuation;
authors are compared as whole ordered lists.

    python scripts/eval_refs.py [--json FILE] [--errors FIELD] [--no-pdf]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.refs.parse import FIELDS, parse_reference  # noqa: E402
from kb.refs.split import split_entries  # noqa: E402

DATA = REPO / "scripts" / "data"


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


def score_fields(rows: list[dict], parsed: list[dict]) -> dict:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # (group, field) -> tp, fp, fn
    errors = []
    for row, got in zip(rows, parsed, strict=True):
        family = "gost" if row["style"].startswith("gost") else row["style"]
        for f in FIELDS:
            gold, pred = norm(row["fields"][f]), norm(got[f])
            for group in ("overall", family):
                c = counts[(group, f)]
                if gold is not None and pred == gold:
                    c[0] += 1
                else:
                    if pred is not None:
                        c[1] += 1
                    if gold is not None:
                        c[2] += 1
            if gold != pred:
                errors.append((row["id"], f, row["fields"][f], got[f], row["raw"]))
    return {"counts": counts, "errors": errors}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def summarise(counts) -> dict:
    out: dict[str, dict] = defaultdict(dict)
    groups = sorted({g for g, _ in counts})
    for g in groups:
        total = [0, 0, 0]
        for f in FIELDS:
            c = counts.get((g, f), [0, 0, 0])
            out[g][f] = prf(*c)
            total = [a + b for a, b in zip(total, c, strict=True)]
        out[g]["all fields"] = prf(*total)
    return out


def parse_in_order(rows: list[dict]) -> list[dict]:
    """Parse entries as a list is read: each with the entry above it from the same source."""
    out, previous, source = [], None, None
    for r in rows:
        ref = parse_reference(r["raw"], previous if r["source"] == source and r["source"] != "written" else None)
        out.append(ref.fields())
        previous, source = ref, r["source"]
    return out


def split_accuracy(lists: list[dict], entries_of) -> tuple[float, int, int]:
    """Share of gold entries reproduced exactly (after normalising) by the splitter."""
    found = total = 0
    for lst in lists:
        got = {norm(e) for e in entries_of(lst)}
        for e in lst["entries"]:
            total += 1
            found += norm(e) in got
    return (found / total if total else 0.0), found, total


def print_summary(summary: dict) -> None:
    groups = ["overall"] + [g for g in summary if g != "overall"]
    print(f"{'field':<12}" + "".join(f"{g:>22}" for g in groups))
    print(f"{'':<12}" + "".join(f"{'P    R    F1':>22}" for _ in groups))
    for f in (*FIELDS, "all fields"):
        cells = "".join("{:>22}".format("{:.2f} {:.2f} {:.3f}".format(*summary[g][f])) for g in groups)
        print(f"{f:<12}{cells}")


def pdf_lists(lists: list[dict]) -> dict[str, list[list[str]]]:
    """Reference entries kb finds end to end: ingest each PDF and split its stored sections."""
    from kb import samples
    from kb.ingest.pipeline import process
    from kb.refs.split import section_entries

    out: dict[str, list[list[str]]] = {}
    real_dir = REPO.parent / "shared" / "corpus" / "real"
    with tempfile.TemporaryDirectory() as tmp:
        rendered = {r.path.name: r for r in samples.build_sample_corpus(Path(tmp))} if samples.seeds_dir() else {}
        seed_pdf = {"seed:000": "sample_proceedings_p143.pdf", "seed:002": "sample_journal_p173.pdf"}
        for src in sorted({lst["source"] for lst in lists}):
            if src.startswith("seed:"):
                path = Path(tmp) / seed_pdf[src] if rendered else None
            else:
                path = real_dir / src.split(":", 1)[1]
            if path is None or not path.exists():
                continue
            processed = process(path, use_ocr=False)
            out[src] = [[e.raw for e in section_entries(sec.paragraphs)] for paper, _ in processed.papers
                        for sec in paper.sections if sec.kind == "references"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--errors", help="print the mistakes for this field (or 'all')")
    ap.add_argument("--no-pdf", action="store_true", help="skip the end-to-end run over PDFs")
    ap.add_argument("--set", choices=["dev", "holdout"], default="dev",
                    help="dev: the set the parser was tuned on; holdout: entries labelled blind, never tuned on")
    args = ap.parse_args()

    rows = [json.loads(x) for x in (DATA / f"refs_{args.set}.jsonl").read_text(encoding="utf-8").splitlines() if x]
    lists = [json.loads(x) for x in (DATA / "refs_lists.jsonl").read_text(encoding="utf-8").splitlines() if x]
    parsed = parse_in_order(rows)
    scored = score_fields(rows, parsed)
    summary = summarise(scored["counts"])
    styles = defaultdict(int)
    for r in rows:
        styles["gost" if r["style"].startswith("gost") else r["style"]] += 1
    print(f"{len(rows)} labelled entries: " + ", ".join(f"{k} {v}" for k, v in sorted(styles.items())))
    print_summary(summary)
    if args.set == "holdout":
        if args.errors:
            for rid, f, gold, got, raw in scored["errors"]:
                if args.errors in (f, "all"):
                    print(f"{rid} {f}: gold={gold!r} got={got!r}\n    {raw[:200]}")
        return

    raw_acc = split_accuracy(lists, lambda lst: [e.raw for e in split_entries("\n".join(
        f"{i + 1}. {e}" for i, e in enumerate(lst["entries"])))])
    print(f"\nentry splitting on the raw lists: {raw_acc[0]:.3f} ({raw_acc[1]}/{raw_acc[2]})")
    result = {"summary": summary, "split_raw": raw_acc}
    if not args.no_pdf:
        found = pdf_lists(lists)
        e2e_lists = [lst for lst in lists if lst["source"] in found]
        by_source = defaultdict(list)
        for src, entry_lists in found.items():
            by_source[src] = [e for el in entry_lists for e in el]
        acc = split_accuracy(e2e_lists, lambda lst: by_source[lst["source"]])
        print(f"entries found end to end from the PDFs: {acc[0]:.3f} ({acc[1]}/{acc[2]}) over "
              f"{len(found)} PDFs")
        seed = [lst for lst in e2e_lists if lst["source"].startswith("seed:")]
        seed_acc = split_accuracy(seed, lambda lst: by_source[lst["source"]])
        print(f"seed entries found end to end: {seed_acc[1]}/{seed_acc[2]}")
        result["split_pdf"], result["seed_pdf"] = acc, seed_acc
    if args.errors:
        for rid, f, gold, got, raw in scored["errors"]:
            if args.errors in (f, "all"):
                print(f"{rid} {f}: gold={gold!r} got={got!r}\n    {raw[:200]}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=list))


if __name__ == "__main__":
    main()
