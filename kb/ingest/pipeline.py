"""Files -> knowledge base: hash, extract, segment, chunk and store, one transaction per file.

A file is known by its content hash: an unchanged file is skipped, a changed file at the
same path replaces its old records, and a file that fails leaves what is stored untouched.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.dedup import groups as dedup
from kb.errors import IngestError
from kb.ingest.chunk import chunk_paper
from kb.ingest.extract import extract
from kb.ingest.guard import Limits
from kb.ingest.guard import run as run_guarded
from kb.ingest.hooks import IndexHook
from kb.ingest.model import Document, Paper, Passage
from kb.ingest.segment import split_papers
from kb.refs.store import extract_references, store_citations, store_references
from kb.refs.works import drop_orphans as drop_orphan_works
from kb.store import db

SUFFIXES = {".pdf", ".txt", ".md"}
DEFAULT_LIMITS = Limits()


@dataclass
class FileResult:
    path: str
    status: str  # ingested | skipped | failed
    reason: str | None = None
    papers: int = 0
    pages: int = 0
    passages: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failures(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    def total(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.results if r.status == "ingested")


@dataclass
class Processed:
    """Everything derived from one file, ready to be written."""

    doc: Document
    papers: list[tuple[Paper, list[Passage]]]
    references: list[list] = field(default_factory=list)  # parsed entries per paper, same order
    prepared: object = None  # what the index hook computed for all passages, in order


def expand_paths(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Files to ingest, with a reason when a given path cannot be used at all."""
    for path in paths:
        if path.is_dir():
            try:
                found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            except OSError as exc:
                yield path, f"cannot list directory: {exc.strerror or exc}"
                continue
            yield from ((p, None) for p in found)
        elif path.exists():
            if path.suffix.lower() in SUFFIXES:
                yield path, None
            else:
                yield path, f"unsupported file type {path.suffix or '(none)'} (kb reads .pdf, .txt, .md)"
        else:
            yield path, "no such file or directory"


def process(path: Path, *, use_ocr: bool = True, max_pages: int | None = None) -> Processed:
    """Pure step: file -> papers and passages. Raises IngestError."""
    doc = extract(path, use_ocr=use_ocr, max_pages=max_pages)
    papers = [(paper, chunk_paper(paper)) for paper in split_papers(doc)]
    references = [extract_references(paper) for paper, _ in papers]
    if not any(p for _, p in papers) and not any(paper.sections for paper, _ in papers):
        reason = "no text found"
        if doc.empty_pages:
            reason += f" ({doc.warnings[0]})" if doc.warnings else " (pages are images)"
        raise IngestError(reason)
    return Processed(doc, papers, references)


def _sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def store(conn: sqlite3.Connection, path: str, sha: str, size: int, result: Processed,
          on_passages: IndexHook | None = None) -> FileResult:
    """Write one processed file in a single transaction, replacing older versions of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = db.file_by_hash(conn, sha)
        stale = ([old["id"]] if old is not None else []) + [r["id"] for r in db.files_at_path(conn, path)]
        for file_id in dict.fromkeys(stale):
            if on_passages is not None:
                on_passages.forget(conn, file_id)
            db.delete_file(conn, file_id)
        file_id = db.insert_file(conn, path, sha, size, result.doc)
        all_ids: list[int] = []
        all_passages: list[Passage] = []
        stored = []
        for seq, (paper, passages) in enumerate(result.papers):
            paper_id = db.insert_paper(conn, file_id, seq, paper)
            ids = db.insert_passages(conn, paper_id, passages)
            refs = store_references(conn, paper_id, result.references[seq]) if result.references else []
            store_citations(conn, ids, passages, refs)
            all_ids += ids
            all_passages += passages
            stored.append((paper_id, paper, passages))
        if dedup.ENABLED:  # copies of papers already stored join their group (kb/dedup)
            dedup.on_store(conn, file_id, stored)
        drop_orphan_works(conn)
        if on_passages is not None and all_ids:
            on_passages.store(conn, all_ids, all_passages, result.prepared)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise
    return FileResult(path, "ingested", papers=len(result.papers), pages=result.doc.n_pages,
                      passages=len(all_ids), warnings=result.doc.warnings)


def ingest_file(conn: sqlite3.Connection, path: Path, *, force: bool = False, use_ocr: bool = True,
                on_passages: IndexHook | None = None, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    shown = str(path)
    try:
        sha, size = _sha256(path)
    except OSError as exc:
        return FileResult(shown, "failed", f"cannot read file: {exc.strerror or exc}")
    key = str(path.resolve())
    known = db.file_by_hash(conn, sha)
    if known is not None and not force:
        if known["path"] != key:
            conn.execute("UPDATE files SET path = ? WHERE id = ?", (key, known["id"]))
        return FileResult(shown, "skipped", "unchanged")
    try:
        processed = run_guarded(lambda: process(path, use_ocr=use_ocr, max_pages=limits.max_pages), limits)
    except IngestError as exc:
        return FileResult(shown, "failed", str(exc))
    except MemoryError:
        return FileResult(shown, "failed", "out of memory while reading the file")
    except Exception as exc:  # a library bug must not stop the other files
        return FileResult(shown, "failed", f"unexpected error: {type(exc).__name__}: {exc}")
    if on_passages is not None:
        processed.prepared = on_passages.prepare([p for _, ps in processed.papers for p in ps])
    result = store(conn, key, sha, size, processed, on_passages)
    result.path = shown
    return result


def ingest(conn: sqlite3.Connection, paths: Iterable[Path], *, force: bool = False, use_ocr: bool = True,
           on_passages: IndexHook | None = None,
           progress: Callable[[FileResult], None] | None = None, limits: Limits = DEFAULT_LIMITS) -> IngestReport:
    report = IngestReport()
    for path, problem in expand_paths(paths):
        if problem:
            result = FileResult(str(path), "failed", problem)
        else:
            result = ingest_file(conn, path, force=force, use_ocr=use_ocr, on_passages=on_passages, limits=limits)
        report.results.append(result)
        if progress is not None:
            progress(result)
    return report
