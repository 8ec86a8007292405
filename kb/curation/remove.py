"""`kb remove`: a paper, or a whole file, out of the knowledge base with everything derived from it.

One transaction deletes the rows (the foreign keys cascade; see kb/store/removal.py), takes the
passages out of the stem counts, drops works no entry cites any more and marks the vectors changed,
so every cached FAISS and sentence index is rebuilt before it answers again. Corrections are kept
unless asked for: they are keyed by the file's content, and the paper may come back
(`kb ingest --force FILE` re-reads a file whose paper was removed; a removed file is read again
by a plain `kb ingest`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kb.dedup import groups as dedup
from kb.errors import KbError
from kb.refs.works import drop_orphans
from kb.search import lexical, vectors
from kb.store import corrections, db, removal


@dataclass
class Removal:
    """What one `kb remove` deleted."""

    papers: list[dict]  # {"id", "title"}
    file: dict | None = None  # {"id", "path"} when the whole file went
    rows: dict[str, int] = field(default_factory=dict)
    corrections: int = 0  # deleted (--corrections)
    corrections_kept: int = 0

    def line(self) -> str:
        what = (f"file {self.file['id']} ({self.file['path']}) with {len(self.papers)} paper(s)" if self.file
                else f"paper {self.papers[0]['id']}")
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.rows.items() if n)
        kept = (f"; {self.corrections_kept} correction(s) kept (--corrections deletes them)"
                if self.corrections_kept else "")
        gone = f", {self.corrections} correction(s)" if self.corrections else ""
        return f"removed {what}: {counts or 'no derived rows'}{gone}{kept}"

    def as_json(self) -> dict:
        return {"papers": self.papers, "file": self.file, "removed": self.rows, "corrections": self.corrections,
                "corrections_kept": self.corrections_kept}


def resolve_file(conn: sqlite3.Connection, spec: str) -> sqlite3.Row:
    """A file by its id (`files.id`, as in /files/<id>.pdf) or by the path it was ingested from."""
    row = None
    if spec.strip().isdigit():
        row = removal.file_row(conn, file_id=int(spec))
    if row is None:
        row = removal.file_row(conn, path=str(Path(spec).expanduser().resolve())) or removal.file_row(conn, path=spec)
    if row is None:
        raise KbError(f"no file {spec!r} in the knowledge base (give its id or the path it was ingested from; "
                      "`kb papers --json` shows each paper's file_id and source)")
    return row


def _delete(conn: sqlite3.Connection, paper_ids: list[int]) -> dict[str, int]:
    """Inside the caller's transaction: what hangs from the papers, counted, then gone."""
    rows = removal.derived_counts(conn, paper_ids)
    for paper_id in paper_ids:
        lexical.forget_paper(conn, paper_id)
        removal.delete_paper(conn, paper_id)
    dedup.tidy(conn)  # a removed copy leaves its group; the group of one left is none, its shown copy a member
    drop_orphans(conn)
    if rows["vectors"] or rows["sentence_vectors"]:
        vectors.touch(conn)  # cached dense and sentence indexes hold the deleted vectors
    return rows


def remove_paper(conn: sqlite3.Connection, paper_id: int, *, with_corrections: bool = False) -> Removal:
    row = removal.paper_row(conn, paper_id)
    if row is None:
        raise KbError(f"no paper with id {paper_id} (see `kb papers`)")
    out = Removal([{"id": row["id"], "title": row["title"]}])
    with db.transaction(conn):
        out.rows = {"papers": 1, **_delete(conn, [paper_id])}
        if with_corrections:
            out.corrections = corrections.delete_for_file(conn, row["sha256"], row["seq"])
        else:
            out.corrections_kept = corrections.count(conn, row["sha256"], row["seq"])
    return out


def remove_file(conn: sqlite3.Connection, spec: str, *, with_corrections: bool = False) -> Removal:
    row = resolve_file(conn, spec)
    papers = removal.papers_of_file(conn, row["id"])
    out = Removal([{"id": p["id"], "title": p["title"]} for p in papers], {"id": row["id"], "path": row["path"]})
    with db.transaction(conn):
        n_pages = removal.count_pages(conn, row["id"])
        out.rows = {"files": 1, "pages": n_pages, "papers": len(papers), **_delete(conn, [p["id"] for p in papers])}
        removal.delete_file(conn, row["id"])
        if with_corrections:
            out.corrections = corrections.delete_for_file(conn, row["sha256"])
        else:
            out.corrections_kept = corrections.count(conn, row["sha256"])
    return out


def refresh_dense_index(conn: sqlite3.Connection, kb_dir: Path) -> None:
    """Rebuild the FAISS cache now (as ingest does), so the next search does not pay for it."""
    rec = vectors.recorded_embedder(conn)
    if rec is None or not removal.has_vectors(conn):
        return
    from kb.search import dense

    dense.open_index(conn, kb_dir, rec["name"], rec["dim"])
