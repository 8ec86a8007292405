"""One paper, several sources: are copies grouped, and are different papers never merged?

Duplicates are made from the real PDFs of ../shared/corpus/real (its MANIFEST.tsv; the `hard_*`
files are left out: they are encrypted, image-only or unreadable without OCR of every page) and
the sample corpus (corpus/*.pdf):

- scan: every page rendered at 200 dpi in grayscale into an image-only PDF, OCRed at ingest. OCR
  takes about 5 s a page, so only the `--scans` shortest PDFs (default 4, at most 16 pages in all)
  are scanned;
- extract: the page range of one paper of a proceedings volume as its own PDF (`--per-volume`
  papers per volume, spread over it); its first and last pages may hold the ends of the papers
  around it, which must not be grouped with them (a partial copy, like an abstract-only fragment);
- cover: another first page inserted (a repository's download cover).

A knowledge base gets the originals, then the copies; a pair (copy's paper, original's paper) is
a true duplicate when their page spans, shifted by the copy's offset, overlap on at least half of
the longer one, and both are papers (not fragments) with passages. Printed: true pairs grouped /
total (target >= 95%) and false merges — pairs of papers in one group that are not one paper
(target 0). Non-duplicates are also tested without the same-file rule of ingest: every pair of
distinct corpus papers through the decision (`groups.decide`), each paper against its own
abstract-only fragment, and the title/first author/year keys of GROBID's 744 front matters
(../shared/datasets/grobid-header) against each other and the corpus papers.

Time: the same files are ingested a second time with the dedup step off (`groups.ENABLED`), no
embedding in either (so the step's share is the largest it can be), and the in-process time of
the step itself is summed.

    python scripts/eval_dedup.py [--scans 4] [--per-volume 4] [--keep DIR]
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.dedup import groups, keys  # noqa: E402
from kb.ingest import pipeline  # noqa: E402
from kb.ingest.persons import byline_names, parse_person  # noqa: E402
from kb.store import db  # noqa: E402

REAL = REPO.parent / "shared" / "corpus" / "real"
GROBID = REPO.parent / "shared" / "datasets" / "grobid-header"
MAX_SCAN_PAGES = 16


def originals() -> list[Path]:
    files = sorted((REPO / "corpus").glob("*.pdf"))
    manifest = REAL / "MANIFEST.tsv"
    if manifest.is_file():
        names = [line.split("\t")[0] for line in manifest.read_text(encoding="utf-8").splitlines()[1:] if line]
        files += [REAL / n for n in names if not n.startswith("hard_") and (REAL / n).is_file()]
    else:
        print(f"note: {REAL} not found: the sample corpus only")
    return files


def scan(src: Path, out: Path) -> None:
    with pymupdf.open(src) as doc, pymupdf.open() as new:
        for page in doc:
            pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
            p = new.new_page(width=page.rect.width, height=page.rect.height)
            p.insert_image(p.rect, pixmap=pix)
        new.save(out)


def extract(src: Path, first: int, last: int, out: Path) -> None:
    with pymupdf.open(src) as doc, pymupdf.open() as new:
        new.insert_pdf(doc, from_page=first, to_page=last)
        new.save(out)


def with_cover(src: Path, out: Path) -> None:
    with pymupdf.open(src) as doc, pymupdf.open() as new:
        page = new.new_page(width=doc[0].rect.width, height=doc[0].rect.height)
        lines = ["Institutional Repository", "This copy was downloaded from the university's open archive.",
                 "Терms of use: personal research only. Цитируйте по опубликованной версии.",
                 f"Record {abs(hash(src.name)) % 100000}, downloaded 2024-05-01"]
        for i, line in enumerate(lines):
            page.insert_text((60, 100 + 24 * i), line, fontsize=12, fontname="helv")
        new.insert_pdf(doc)
        new.save(out)


def page_count(path: Path) -> int:
    with pymupdf.open(path) as doc:
        return doc.page_count


def ingest(kb: Path, paths: list[Path], dedup_on: bool) -> tuple[float, float, dict]:
    """(seconds of ingest, seconds inside the dedup step, per-file results) for the files in order."""
    spent = [0.0]
    real_on_store = groups.on_store

    def timed(*args, **kw):
        t = time.perf_counter()
        try:
            return real_on_store(*args, **kw)
        finally:
            spent[0] += time.perf_counter() - t

    groups.ENABLED = dedup_on
    groups.on_store = timed
    try:
        conn = db.connect(kb)
        t0 = time.perf_counter()
        report = pipeline.ingest(conn, paths, use_ocr=True)
        took = time.perf_counter() - t0
    finally:
        groups.on_store = real_on_store
        groups.ENABLED = True
    bad = [r for r in report.results if r.status == "failed"]
    for r in bad:
        print(f"  failed: {r.path}: {r.reason}")
    return took, spent[0], {r.path: r for r in report.results}


def papers_by_file(conn) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in conn.execute("SELECT p.id, p.file_id, p.title, p.fragment, p.page_first, p.page_last, f.path, "
                          "(SELECT count(*) FROM passages s WHERE s.paper_id = p.id) AS n FROM papers p "
                          "JOIN files f ON f.id = p.file_id"):
        out.setdefault(Path(r["path"]).name, []).append(r)
    return out


def true_pairs(by_file: dict, derived: dict[str, tuple[str, int, str]]) -> list[tuple[int, int, str]]:
    pairs = []
    for name, (origin, offset, mode) in derived.items():
        for x in by_file.get(name, []):
            if x["fragment"] or not x["n"]:
                continue
            first, last = x["page_first"] + offset, x["page_last"] + offset
            best = None  # the one original sharing most pages (short papers share a page with neighbours)
            for y in by_file.get(origin, []):
                if y["fragment"] or not y["n"]:
                    continue
                overlap = min(last, y["page_last"]) - max(first, y["page_first"]) + 1
                longer = max(last - first, y["page_last"] - y["page_first"]) + 1
                same_start = y["page_first"] == first
                if overlap * 2 >= longer and (best is None or (overlap, same_start) > best[0]):
                    best = ((overlap, same_start), y["id"])
            if best is not None:
                pairs.append((x["id"], best[1], mode))
    return pairs


def grobid_keys() -> list[tuple[str, str]]:
    out = []
    for path in sorted(GROBID.glob("*.xml")):
        text = path.read_text(encoding="utf-8")
        clean = lambda s: re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", s))).strip()  # noqa: E731
        title = re.search(r"<titlePart[^>]*>(.*?)</titlePart>", text, re.S)
        author = re.search(r"<docAuthor[^>]*>(.*?)</docAuthor>", text, re.S)
        year = re.search(r"<date[^>]*>.*?\b(1[89]\d\d|20\d\d)\b.*?</date>", text, re.S)
        if not (title and author and year):
            continue
        names = [parse_person(n) for n in byline_names(clean(author.group(1)))]
        names = [n for n in names if n]
        key = keys.work_key(clean(title.group(1)), names[:1], year.group(1))
        if key:
            out.append((path.name, key))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", type=int, default=4, help="how many short PDFs to scan and OCR")
    ap.add_argument("--per-volume", type=int, default=4, help="papers to cut out of each volume")
    ap.add_argument("--keep", type=Path, help="keep the work directory here")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kb-dedup-"))
    work.mkdir(parents=True, exist_ok=True)
    made = work / "copies"
    made.mkdir(exist_ok=True)
    srcs = originals()
    print(f"{len(srcs)} original PDFs")

    # the originals first, to know the volumes' papers
    kb_on, kb_off = work / "kb_on", work / "kb_off"
    for d in (kb_on, kb_off):
        shutil.rmtree(d, ignore_errors=True)
    t_orig_on, d_orig_on, _ = ingest(kb_on, srcs, True)
    conn = db.connect(kb_on)
    by_file = papers_by_file(conn)

    derived: dict[str, tuple[str, int, str]] = {}  # copy name -> (original name, page offset, mode)
    scanned_pages = 0
    for src in sorted(srcs, key=page_count)[: args.scans]:
        n = page_count(src)
        if scanned_pages + n > MAX_SCAN_PAGES:
            continue
        scanned_pages += n
        out = made / f"scan_{src.name}"
        scan(src, out)
        derived[out.name] = (src.name, 0, "scan")
    for src in srcs:
        papers = [p for p in by_file.get(src.name, []) if not p["fragment"] and p["n"]]
        if len(papers) >= 2:  # a volume
            step = max(len(papers) // args.per_volume, 1)
            for p in papers[::step][: args.per_volume]:
                out = made / f"extract_{p['id']}_{src.name}"
                extract(src, p["page_first"], p["page_last"], out)
                derived[out.name] = (src.name, p["page_first"], "extract")
        else:
            out = made / f"cover_{src.name}"
            with_cover(src, out)
            derived[out.name] = (src.name, -1, "cover")
    copies = [made / n for n in derived]
    n_scan = sum(1 for v in derived.values() if v[2] == "scan")
    print(f"{len(copies)} copies: {n_scan} scans ({scanned_pages} pages OCRed), "
          f"{sum(1 for v in derived.values() if v[2] == 'extract')} extracts, "
          f"{sum(1 for v in derived.values() if v[2] == 'cover')} new covers")
    t_copy_on, d_copy_on, _ = ingest(kb_on, copies, True)

    # the same, dedup off (the scans are left out of the timing: OCR would hide the step)
    digital = [c for c in copies if not c.name.startswith("scan_")]
    t_orig_off, _, _ = ingest(kb_off, srcs, False)
    t_copy_off, _, _ = ingest(kb_off, digital, False)
    t_dig_on0 = time.perf_counter()
    kb_on2 = work / "kb_on2"
    shutil.rmtree(kb_on2, ignore_errors=True)
    t_orig_on2, d_orig_on2, _ = ingest(kb_on2, srcs, True)
    t_copy_on2, d_copy_on2, _ = ingest(kb_on2, digital, True)
    del t_dig_on0

    conn = db.connect(kb_on)
    by_file = papers_by_file(conn)
    truth = true_pairs(by_file, derived)
    canon = {r[0]: r[1] for r in conn.execute("SELECT paper_id, canonical_id FROM paper_groups")}
    print("\nduplicate pairs found / total, by kind:")
    found_all = 0
    for mode in ("scan", "extract", "cover"):
        mine = [(a, b) for a, b, m in truth if m == mode]
        found = sum(1 for a, b in mine if a in canon and canon.get(a) == canon.get(b))
        found_all += found
        print(f"  {mode:<8} {found} / {len(mine)}")
        for a, b in mine:
            if not (a in canon and canon.get(a) == canon.get(b)):
                print(f"    missed: paper {a} = paper {b}")
    share = found_all / len(truth) if truth else 1.0
    print(f"  all      {found_all} / {len(truth)} = {share:.1%} (target >= 95%)")

    # false merges: members of one group that no chain of true pairs links
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b, _ in truth:
        parent[root(a)] = root(b)
    members: dict[int, list[int]] = {}
    for pid, c in canon.items():
        members.setdefault(c, []).append(pid)
    false = [(a, b) for ms in members.values() for a, b in combinations(sorted(ms), 2) if root(a) != root(b)]
    print(f"false merges in the knowledge base: {len(false)} (target 0)")
    for a, b in false:
        print(f"    false: paper {a} + paper {b}")

    # the decision alone on every pair of distinct originals (the same-file rule of ingest not used)
    from kb.dedup import minhash

    orig_names = {s.name for s in srcs}
    orig_ids = [p["id"] for n, ps in by_file.items() if n in orig_names for p in ps if not p["fragment"] and p["n"]]
    fps = {pid: groups._stored_fingerprint(conn, pid) for pid in orig_ids}
    same_pairs = {frozenset((a, b)) for a, b, _ in truth}
    merged = []
    top = 0.0
    key_twins = 0
    for a, b in combinations(orig_ids, 2):
        fa, fb = fps[a], fps[b]
        top = max(top, minhash.jaccard(fa.sig, fb.sig))
        key_twins += fa.key is not None and fa.key == fb.key
        if groups.decide(fa, fb.key, fb.n_shingles, fb.sig) is not None:
            merged.append((a, b))
    n_pairs = len(orig_ids) * (len(orig_ids) - 1) // 2
    print(f"\ndistinct corpus papers: {len(orig_ids)}, {n_pairs} pairs: {len(merged)} would be merged (target 0); "
          f"highest Jaccard {top:.3f}, same key {key_twins}")
    for a, b in merged[:10]:
        print(f"    would merge: paper {a} + paper {b}")
    del same_pairs

    # each paper against its own abstract-only fragment (same key, a fraction of the text)
    frag_merged = frag_n = 0
    for pid in orig_ids:
        rows = conn.execute("SELECT text FROM passages WHERE paper_id = ? AND section = 'abstract'", (pid,)).fetchall()
        if not rows or fps[pid].key is None:
            continue
        meta = conn.execute("SELECT title, authors_parsed, year FROM papers WHERE id = ?", (pid,)).fetchone()
        import json

        frag = groups.fingerprint(meta["title"], json.loads(meta["authors_parsed"] or "[]"), meta["year"],
                                  [r[0] for r in rows])
        frag_n += 1
        full = fps[pid]
        frag_merged += groups.decide(frag, full.key, full.n_shingles, full.sig) is not None
    print(f"paper vs its abstract-only fragment: {frag_merged} / {frag_n} merged (target 0)")

    # true pairs: how similar are they (what the thresholds must let through)
    jac = []
    for a, b, mode in truth:
        fa = groups._stored_fingerprint(conn, a)
        fb = fps.get(b) or groups._stored_fingerprint(conn, b)
        jac.append((minhash.jaccard(fa.sig, fb.sig), mode, a, b))
    for mode in ("scan", "extract", "cover"):
        js = sorted(j for j, m, _, _ in jac if m == mode)
        if js:
            print(f"  true {mode:<8} Jaccard min {js[0]:.3f}, median {js[len(js) // 2]:.3f}")

    if GROBID.is_dir():
        gk = grobid_keys()
        seen: dict[str, str] = {}
        twins = []
        for name, key in gk:
            if key in seen:
                twins.append((seen[key], name))
            seen.setdefault(key, name)
        corpus_keys = {fps[p].key for p in orig_ids if fps[p].key}
        cross = sum(1 for _, key in gk if key in corpus_keys)
        print(f"\nGROBID front matters with a key: {len(gk)} of {len(list(GROBID.glob('*.xml')))}; "
              f"same key among them: {len(twins)} pair(s); same key as a corpus paper: {cross} (target 0)")
        for a, b in twins:
            print(f"    same key: {a} / {b}")
    else:
        print(f"\nnote: {GROBID} not found: GROBID keys not compared")

    print("\ningest time, no embedding (scans not timed):")
    on = t_orig_on2 + t_copy_on2
    off = t_orig_off + t_copy_off
    print(f"  dedup on {on:.1f} s, off {off:.1f} s: {100 * (on - off) / off:+.1f}% (target <= 5%)")
    step = d_orig_on2 + d_copy_on2
    print(f"  inside the dedup step: {step:.2f} s = {100 * step / on:.1f}% of the ingest with it on")
    print(f"  (first run, with the scans: {t_orig_on + t_copy_on:.1f} s, step {d_orig_on + d_copy_on:.2f} s)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
