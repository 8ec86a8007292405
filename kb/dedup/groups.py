"""Grouping copies of one paper: at ingest, for `kb dedup --apply`, and undone by `kb dedup --split`.

A new paper is compared with the stored papers of other files that share its key or a MinHash
band (index look-ups, never a scan). It is a copy of one of them when

- their texts are near-identical: estimated Jaccard of the word 3-grams >= TEXT_JACCARD, both
  long enough to tell (MIN_SHINGLES); or
- their key (title, first author, year) is the same and their texts are of comparable length
  (KEY_SIZE_RATIO), so a paper and its own abstract-only fragment, which share the key, stay apart.

Both thresholds were measured with scripts/eval_dedup.py (see README, "Duplicates"). A group never
holds two papers of one file (a file does not print one paper twice), nor a pair `kb dedup
--split` said is two papers. The shown ("canonical") member is the best text: the least OCRed,
then not a preprint when the metadata says it is one, then the first ingested. Members keep
their own pages and citations; only the readers fold them (library, bibdata, works, evidence).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from kb.dedup import keys, minhash
from kb.errors import KbError
from kb.store import groups as store

ENABLED = os.environ.get("KB_DEDUP", "1") != "0"  # KB_DEDUP=0: ingest without the step (benchmarks)
TEXT_JACCARD = 0.5
MIN_SHINGLES = 40
KEY_SIZE_RATIO = 0.5
_PREPRINT = re.compile(r"arxiv|preprint|препринт|biorxiv|medrxiv|ssrn|research square|rxiv", re.IGNORECASE)
_PREPRINT_TYPES = {"preprint", "manuscript", "unpublished", "article-preprint"}


@dataclass
class Pair:
    """One grouping decision: `paper_id` joins the group of `same_as`."""

    paper_id: int
    same_as: int
    reason: str  # key | text | key+text
    score: float  # estimated Jaccard of the texts
    group: int | None = None

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Fingerprint:
    key: str | None
    n_shingles: int
    sig: object  # numpy uint32 array
    bands: list[tuple[int, int]]


def fingerprint(title: str | None, authors_parsed: list[dict] | None, year, texts: Iterable[str]) -> Fingerprint:
    hashes: set[int] = set()
    for text in texts:
        hashes |= minhash.shingles(text)
    sig = minhash.signature(hashes)
    return Fingerprint(keys.work_key(title, authors_parsed, year), len(hashes), sig,
                       minhash.bands(sig) if hashes else [])


def decide(a: Fingerprint, b_key: str | None, b_n: int, b_sig) -> tuple[str, float] | None:
    """(reason, score) when the two fingerprints are one paper, else None."""
    score = minhash.jaccard(a.sig, b_sig)
    small, big = sorted((a.n_shingles, b_n))
    text = score >= TEXT_JACCARD and small >= MIN_SHINGLES
    key = a.key is not None and a.key == b_key and big > 0 and small / big >= KEY_SIZE_RATIO
    if text and key:
        return "key+text", score
    if text:
        return "text", score
    if key:
        return "key", score
    return None


def _store_fingerprint(conn: sqlite3.Connection, paper_id: int, fp: Fingerprint) -> None:
    store.put_fingerprint(conn, paper_id, fp.key, fp.n_shingles, minhash.to_blob(fp.sig), fp.bands)


def matches(conn: sqlite3.Connection, fp: Fingerprint, file_id: int) -> list[tuple[int, str, float]]:
    """Stored papers of other files that are this one: (paper id, reason, score), best first."""
    found = store.fingerprints(conn, store.candidates(conn, fp.key, fp.bands, file_id))
    out = []
    for pid, row in found.items():
        verdict = decide(fp, row["work_key"], row["n_shingles"], minhash.from_blob(row["minhash"]))
        if verdict is not None:
            out.append((pid, *verdict))
    return sorted(out, key=lambda m: (-m[2], m[0]))


def _is_preprint(row: sqlite3.Row) -> bool:
    if (row["item_type"] or "").casefold() in _PREPRINT_TYPES:
        return True
    if (row["doi"] or "").startswith(("10.48550/", "10.1101/")):
        return True
    return bool(_PREPRINT.search(row["container"] or ""))


def rank(row: sqlite3.Row) -> tuple:
    """Sort key of a member: the first is shown."""
    ocr = row["ocr_pages"] / row["n_pages"] if row["n_pages"] else 0.0
    return (round(ocr, 3), _is_preprint(row), row["id"])


def recanon(conn: sqlite3.Connection, group_id: int) -> int | None:
    ids = store.members(conn, group_id)
    if not ids:
        return None
    best = min(store.identities(conn, ids).values(), key=rank)["id"]
    store.set_canonical(conn, group_id, best)
    return best


def tidy(conn: sqlite3.Connection) -> None:
    """After papers went: no group of one, and every group's canonical is a member."""
    store.drop_lonely(conn)
    for g in store.stale_canonicals(conn):
        recanon(conn, g)


def _ident(row: sqlite3.Row) -> store.Ident:
    return (row["sha256"], row["seq"])


def _compatible(conn: sqlite3.Connection, ours: Sequence[int], theirs: Sequence[int],
                split_pairs: set[tuple[store.Ident, store.Ident]]) -> bool:
    """May the two sets of papers be one group: no file twice, no pair split by hand."""
    rows = store.identities(conn, [*ours, *theirs])
    if {rows[p]["file_id"] for p in ours} & {rows[p]["file_id"] for p in theirs}:
        return False
    for a in ours:
        for b in theirs:
            x, y = _ident(rows[a]), _ident(rows[b])
            if (min(x, y), max(x, y)) in split_pairs:
                return False
    return True


def join(conn: sqlite3.Connection, paper_id: int, found: list[tuple[int, str, float]],
         split_pairs: set[tuple[store.Ident, store.Ident]]) -> list[Pair]:
    """Put the paper in one group with what it matched (merging their groups when allowed)."""
    pairs: list[Pair] = []
    group = store.group_of(conn, paper_id)
    for other, reason, score in found:
        theirs_group = store.group_of(conn, other)
        if group is not None and theirs_group == group:
            continue
        ours = store.members(conn, group) if group is not None else [paper_id]
        theirs = store.members(conn, theirs_group) if theirs_group is not None else [other]
        if not _compatible(conn, ours, theirs, split_pairs):
            continue
        if group is None and theirs_group is None:
            group = store.new_group_id(conn)
            store.add_member(conn, other, group, None, None, None)
            store.add_member(conn, paper_id, group, other, reason, score)
        elif group is None:
            group = theirs_group
            store.add_member(conn, paper_id, group, other, reason, score)
        elif theirs_group is None:
            store.add_member(conn, other, group, paper_id, reason, score)
        else:
            store.move_group(conn, theirs_group, group)
        pairs.append(Pair(paper_id, other, reason, round(score, 3), group))
    if group is not None:
        recanon(conn, group)
    return pairs


def on_store(conn: sqlite3.Connection, file_id: int, stored: Iterable[tuple[int, object, list]]) -> list[Pair]:
    """Ingest's step, inside its transaction: fingerprint the file's papers and group their copies.

    stored: (paper id, Paper, its passages) as just written.
    """
    tidy(conn)  # the file may have replaced an older version of itself
    split_pairs = store.splits(conn)
    pairs: list[Pair] = []
    for paper_id, paper, passages in stored:
        if paper.fragment or not passages:
            continue
        fp = fingerprint(paper.title, paper.authors_parsed, paper.year, (p.text for p in passages))
        _store_fingerprint(conn, paper_id, fp)
        pairs += join(conn, paper_id, matches(conn, fp, file_id), split_pairs)
    return pairs


def _stored_fingerprint(conn: sqlite3.Connection, paper_id: int) -> Fingerprint:
    import json

    from kb.ingest.papermeta import parsed_authors

    row = store.paper_meta(conn, paper_id)
    authors = (json.loads(row["authors_parsed"]) if row["authors_parsed"] is not None
               else parsed_authors(json.loads(row["authors"])))
    return fingerprint(row["title"], authors, row["year"], store.passage_texts(conn, paper_id))


def apply(conn: sqlite3.Connection) -> list[Pair]:
    """`kb dedup --apply`, inside the caller's transaction: fingerprint the papers that have none,
    then match every paper in no group yet (in id order) against the others."""
    for pid in store.unfingerprinted(conn):
        _store_fingerprint(conn, pid, _stored_fingerprint(conn, pid))
    tidy(conn)
    split_pairs = store.splits(conn)
    pairs: list[Pair] = []
    grouped = set(store.canonical_map(conn))
    rows = store.fingerprints(conn, store.fingerprinted(conn))
    for pid, row in sorted(rows.items()):
        if pid in grouped:
            continue
        fp = Fingerprint(row["work_key"], row["n_shingles"], minhash.from_blob(row["minhash"]), [])
        fp.bands = minhash.bands(fp.sig) if fp.n_shingles else []
        new = join(conn, pid, matches(conn, fp, row["file_id"]), split_pairs)
        pairs += new
        if new:
            grouped |= set(store.canonical_map(conn))
    return pairs


def split(conn: sqlite3.Connection, paper_id: int) -> dict:
    """`kb dedup --split ID`, inside the caller's transaction: the paper leaves its group, and each
    (paper, other member) pair is remembered as two papers."""
    group = store.group_of(conn, paper_id)
    if group is None:
        raise KbError(f"paper {paper_id} is in no group (see `kb dedup`)")
    others = [m for m in store.members(conn, group) if m != paper_id]
    rows = store.identities(conn, [paper_id, *others])
    for o in others:
        store.add_split(conn, _ident(rows[paper_id]), _ident(rows[o]))
    store.drop_member(conn, paper_id)
    store.drop_lonely(conn)
    recanon(conn, group)
    return {"paper_id": paper_id, "group": group, "split_from": others}


def listing(conn: sqlite3.Connection) -> list[dict]:
    """Every group: its canonical paper and its members with file, pages and why they joined."""
    from kb import library

    out: dict[int, dict] = {}
    rows = store.group_rows(conn)
    ids = [r["paper_id"] for r in rows]
    info = store.identities(conn, ids)
    spans = library.paper_spans(conn, ids)
    for r in rows:
        g = out.setdefault(r["group_id"], {"group": r["group_id"], "canonical": r["canonical_id"], "members": []})
        g["members"].append({"paper_id": r["paper_id"], "title": info[r["paper_id"]]["title"],
                             "file": library.display_path(info[r["paper_id"]]["path"]),
                             "pages": spans[r["paper_id"]], "same_as": r["matched_id"], "reason": r["reason"],
                             "score": r["score"]})
    return list(out.values())
