"""Reference-manager sources -> knowledge base: each item's PDFs through the ordinary file ingest,
then the item's metadata, collections and tags onto what was stored.

A run does only what changed since the last: an attachment whose content, item dates and metadata
are as last applied is not touched; changed metadata is applied without reading the PDF again; a
new or changed PDF is ingested like any file. An item gone from the source is reported and kept:
the knowledge base never loses a paper because a library was tidied.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.ingest import bibsource, pipeline, zotero
from kb.ingest.guard import Limits
from kb.ingest.hooks import IndexHook
from kb.ingest.items import Attachment, Library, SourceError, SourceItem
from kb.ingest.pipeline import FileResult, IngestReport
from kb.store import collections, db
from kb.store import sources as store


@dataclass
class ItemResult(FileResult):
    """A FileResult whose `path` names the item ('Zotero item ABCD2345 "Title"'); `file` is its PDF."""

    item: str | None = None
    file: str | None = None


@dataclass
class Plan:
    """The sources of one run, read before any PDF is: libraries, and the ones that cannot be read."""

    libraries: list[Library] = field(default_factory=list)
    unreadable: list[FileResult] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many results the run will report at least (the length of a progress bar)."""
        return len(self.unreadable) + sum(len(lib.problems) + sum(len(i.attachments) for i in lib.items)
                                          for lib in self.libraries)


def read(zotero_dirs: Iterable[Path] = (), bib_files: Iterable[Path] = ()) -> Plan:
    plan = Plan()
    readers: list[tuple[Path, Callable[[Path], Library]]] = [(Path(d), zotero.read) for d in zotero_dirs]
    readers += [(Path(f), bibsource.read) for f in bib_files]
    for where, reader in readers:
        try:
            plan.libraries.append(reader(where))
        except SourceError as exc:
            plan.unreadable.append(FileResult(str(where), "failed", str(exc)))
    return plan


def ingest(conn: sqlite3.Connection, plan: Plan, report: IngestReport, *, force: bool = False,
           use_ocr: bool = True, on_passages: IndexHook | None = None, limits: Limits = pipeline.DEFAULT_LIMITS,
           progress: Callable[[FileResult], None] | None = None) -> IngestReport:
    """Ingest every library of the plan, appending one result per attachment (and problem) to `report`."""

    def emit(result: FileResult) -> None:
        report.results.append(result)
        if progress is not None:
            progress(result)

    for result in plan.unreadable:
        emit(result)
    for library in plan.libraries:
        ingest_library(conn, library, emit, force=force, use_ocr=use_ocr, on_passages=on_passages, limits=limits)
    return report


def ingest_library(conn: sqlite3.Connection, library: Library, emit: Callable[[FileResult], None], *,
                   force: bool, use_ocr: bool, on_passages: IndexHook | None, limits: Limits) -> None:
    location = str(library.location)
    for note in library.notes:
        emit(FileResult(location, "note", warnings=[note]))
    for what, why in library.problems:
        emit(ItemResult(what, "failed", why))
    source = store.find_source(conn, location)
    if source is None:
        with db.transaction(conn):
            source = store.source_id(conn, library.kind, location)
    live: set[tuple[str, str]] = set()
    for item in library.items:
        for att in item.attachments:
            live.add((item.key, att.key))
            emit(ingest_attachment(conn, library, source, item, att, force=force, use_ocr=use_ocr,
                                   on_passages=on_passages, limits=limits))
    for result in gone(conn, library, source, live):
        emit(result)


def ingest_attachment(conn: sqlite3.Connection, library: Library, source: int, item: SourceItem, att: Attachment, *,
                      force: bool, use_ocr: bool, on_passages: IndexHook | None, limits: Limits) -> FileResult:
    label = item.label(library.name)

    def result(status: str, reason: str | None = None, **counts) -> ItemResult:
        return ItemResult(label, status, reason, item=item.key, file=str(att.path or att.shown), **counts)

    if att.problem or att.path is None:
        return result("failed", att.problem or "no path")
    try:
        st = att.path.stat()
    except FileNotFoundError:
        return result("failed", f"the PDF attachment {att.shown} is missing")
    except OSError as exc:
        return result("failed", f"cannot read the PDF attachment {att.shown}: {exc.strerror or exc}")
    if not att.path.is_file():
        return result("failed", f"the PDF attachment {att.shown} is not a file")
    stored = store.item_row(conn, source, item.key, att.key)
    record = item.record(att)
    same_meta = stored is not None and stored["modified"] == item.modified and stored["record"] == record
    same_stat = stored is not None and (stored["size"], stored["mtime_ns"]) == (st.st_size, st.st_mtime_ns)
    file_row = db.file_by_hash(conn, stored["sha256"]) if same_stat and not force else None
    if file_row is not None and file_row["path"] != str(att.path.resolve()):
        file_row = None  # renamed or moved: the ordinary ingest points the stored file at it
    if same_meta and file_row is not None and stored["file_id"] == file_row["id"]:
        return result("skipped", "unchanged")  # nothing read, nothing written
    read = None
    if file_row is None:  # new or changed on disk: the ordinary ingest hashes it and reads it if it is new
        read = pipeline.ingest_file(conn, att.path, force=force, use_ocr=use_ocr, on_passages=on_passages,
                                    limits=limits)
        if read.status == "failed":
            return result("failed", f"{att.shown}: {read.reason}")
        rows = db.files_at_path(conn, str(att.path.resolve()))
        if not rows:
            return result("failed", f"{att.shown} changed while it was ingested; run the command again")
        file_row = rows[0]
    unchanged = same_meta and stored["file_id"] == file_row["id"] and (read is None or read.status == "skipped")
    warnings = list(read.warnings) if read is not None else []
    with db.transaction(conn):
        paper_id, n_papers = None, 0
        describes = att.primary and item.bibliographic
        if describes:
            paper_id, n_papers = store.choose_paper(conn, file_row["id"], item.title,
                                                    stored["paper_id"] if stored is not None else None)
        if stored is not None and stored["paper_id"] is not None and stored["paper_id"] != paper_id:
            store.restore(conn, stored["paper_id"])
        if paper_id is not None:
            store.apply_metadata(conn, paper_id, item.paper_values())
        item_id = store.save_item(conn, source, key=item.key, attachment=att.key, item_type=item.item_type,
                                  modified=item.modified, record=record, sha256=file_row["sha256"], size=st.st_size,
                                  mtime_ns=st.st_mtime_ns, file_id=file_row["id"], paper_id=paper_id)
        collections.replace(conn, item_id, item.collections, item.tags)
    if describes and paper_id is None and not unchanged:
        held = (f"{att.shown} holds {n_papers} papers and none has the item's title" if n_papers
                else f"no paper of {att.shown} is left in the knowledge base")
        warnings.append(f"{held}: the item's metadata was not applied (its collections and tags were)")
    if read is not None and read.status == "ingested":
        return result("ingested", papers=read.papers, pages=read.pages, passages=read.passages, warnings=warnings)
    if unchanged:
        return result("skipped", "unchanged")
    where = {"zotero": "Zotero", "bibtex": "the BibTeX entry", "csl-json": "the CSL-JSON item"}[library.kind]
    return result("updated", f"metadata, collections and tags from {where}", warnings=warnings)


def gone(conn: sqlite3.Connection, library: Library, source: int, live: set[tuple[str, str]]) -> list[FileResult]:
    """One 'deleted' result per item that kb holds but the source no longer has; the papers stay."""
    live_keys = {key for key, _ in live}
    by_key: dict[str, list[sqlite3.Row]] = {}
    orphans = []
    for row in store.known_items(conn, source):
        if (row["item_key"], row["attachment"]) in live:
            continue
        if row["file_id"] is None and row["paper_id"] is None:
            orphans.append(row["id"])  # its papers were removed from kb: nothing left to report
            continue
        by_key.setdefault(row["item_key"], []).append(row)
    if orphans:
        with db.transaction(conn):
            conn.executemany("DELETE FROM source_items WHERE id = ?", [(i,) for i in orphans])
    out: list[FileResult] = []
    for key, rows in by_key.items():
        title = json.loads(rows[0]["record"]).get("title")
        label = SourceItem(key=key, title=title).label(library.name)
        if key in library.trashed:
            why = "is in Zotero's trash"
        elif key in live_keys:
            why = "no longer has the attachment " + ", ".join(json.loads(r["record"])["attachment"] for r in rows)
        elif library.kind == "zotero":
            why = "was deleted from Zotero"
        else:
            why = f"is no longer in {library.location.name}"
        papers = sorted({r["paper_id"] for r in rows if r["paper_id"] is not None})
        if papers:
            kept = f"paper{'s' if len(papers) > 1 else ''} {', '.join(map(str, papers))} " \
                   f"stay{'' if len(papers) > 1 else 's'} in the knowledge base"
        else:
            kept = "its file stays in the knowledge base"
        out.append(ItemResult(label, "deleted", why, item=key, warnings=[f"{why}; {kept}"]))
    return out
