"""The SQLite knowledge base: connection, numbered migrations, typed writes and reads.

SQLite is the only durable truth. Every file is written in one transaction, so a crash
never leaves half a paper visible; anything else (vector indexes) is rebuilt from here.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from kb.errors import StoreError
from kb.ingest.model import Document, Paper, Passage

DB_NAME = "kb.sqlite"


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (taken at once, so two writers queue instead of failing mid-way)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise


def migrations() -> list[tuple[int, str]]:
    """(version, sql) for every file in kb/store/migrations, in order."""
    folder = resources.files("kb.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def explain(exc: sqlite3.Error, kb_dir: Path | None = None) -> str:
    """A database error as one line a user can act on."""
    where = f" at {kb_dir}" if kb_dir else ""
    text = str(exc)
    if "database or disk is full" in text:
        return (f"disk full while writing the knowledge base{where}; the last transaction was rolled back and "
                "nothing stored before was changed — free space and run the command again")
    if "locked" in text or "busy" in text:
        return (f"the knowledge base{where} is busy: another kb process has been writing for too long; "
                "try again when it has finished")
    if "not a database" in text or "malformed" in text:
        return f"the knowledge base{where} is damaged ({text}); run `kb doctor` to see what can be repaired"
    if "readonly" in text or "unable to open" in text:
        return f"cannot write the knowledge base{where}: {text} (check the directory's permissions)"
    return f"database error{where}: {text}"


def connect(kb_dir: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and migrate) the knowledge base in kb_dir."""
    kb_dir = Path(kb_dir)
    if not kb_dir.exists():
        if not create:
            raise StoreError(f"no knowledge base at {kb_dir} (run `kb ingest` first, or pass --kb-dir)")
        try:
            kb_dir.mkdir(parents=True, exist_ok=True)  # another kb process may create it too
        except OSError as exc:
            raise StoreError(f"cannot create knowledge base directory {kb_dir}: {exc.strerror}") from exc
    if not kb_dir.is_dir():
        raise StoreError(f"{kb_dir} is not a directory")
    if not os.access(kb_dir, os.R_OK | os.X_OK) or (create and not os.access(kb_dir, os.W_OK)):
        raise StoreError(f"cannot {'write' if create else 'read'} the knowledge base directory {kb_dir}: "
                         "permission denied")
    path = kb_dir / DB_NAME
    if not create and not path.exists():
        raise StoreError(f"no knowledge base at {kb_dir} (run `kb ingest` first, or pass --kb-dir)")
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        conn.row_factory = sqlite3.Row
        # SQLite's lower() only folds ASCII; filters on Cyrillic names need real case folding.
        conn.create_function("casefold", 1, lambda s: s.casefold() if isinstance(s, str) else s,
                             deterministic=True)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open knowledge base {path}: {explain(exc)}") from exc
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> None:
    current = schema_version(conn)
    pending = [(v, sql) for v, sql in migrations() if v > current]
    if not pending:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(conn)  # another process may have migrated meanwhile
        for version, sql in pending:
            if version <= current:
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise


def _statements(sql: str) -> list[str]:
    out, buf = [], []
    for line in sql.splitlines():
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            stmt = "\n".join(buf).strip()
            if stmt.strip(";").strip():
                out.append(stmt)
            buf = []
    return out


# --- writes -----------------------------------------------------------------------------------

def file_by_hash(conn: sqlite3.Connection, sha256: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()


def files_at_path(conn: sqlite3.Connection, path: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchall()


def delete_file(conn: sqlite3.Connection, file_id: int) -> None:
    conn.execute("DELETE FROM files WHERE id = ?", (file_id,))


def insert_file(conn: sqlite3.Connection, path: str, sha256: str, size: int, doc: Document) -> int:
    cur = conn.execute(
        "INSERT INTO files(path, sha256, size, n_pages, ocr_pages, empty_pages, warnings, metadata, ingested_at)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (path, sha256, size, doc.n_pages, len(doc.ocr_pages), len(doc.empty_pages),
         json.dumps(doc.warnings, ensure_ascii=False), json.dumps(doc.metadata, ensure_ascii=False),
         datetime.now(UTC).isoformat(timespec="seconds")),
    )
    file_id = cur.lastrowid
    margins = doc.margins or [[] for _ in doc.page_labels]
    conn.executemany("INSERT INTO pages(file_id, idx, label, margins) VALUES (?,?,?,?)",
                     [(file_id, i, label, json.dumps(margins[i] if i < len(margins) else [], ensure_ascii=False))
                      for i, label in enumerate(doc.page_labels)])
    return file_id


def insert_paper(conn: sqlite3.Connection, file_id: int, seq: int, paper: Paper) -> int:
    venue = paper.venue or {}
    cur = conn.execute(
        "INSERT INTO papers(file_id, seq, title, authors, affiliation, year, lang, udc, doi, keywords,"
        " abstract, fragment, page_first, page_last, authors_parsed, container, volume, issue, publisher, place,"
        " page_range) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (file_id, seq, paper.title, json.dumps(paper.authors, ensure_ascii=False), paper.affiliation,
         paper.year, paper.lang, paper.udc, paper.doi, json.dumps(paper.keywords, ensure_ascii=False),
         paper.abstract, int(paper.fragment), paper.first_page, paper.last_page,
         json.dumps(paper.authors_parsed, ensure_ascii=False) if paper.authors_parsed or not paper.authors else None,
         venue.get("container"), venue.get("volume"), venue.get("issue"), venue.get("publisher"), venue.get("place"),
         paper.page_range),
    )
    paper_id = cur.lastrowid
    for seq_s, section in enumerate(paper.sections):
        if not section.paragraphs:
            continue
        text, marks = "", []
        for para in section.paragraphs:
            if text:
                text += "\n"
            marks += [[len(text) + off, page] for off, page in para.page_marks]
            text += para.text
        conn.execute(
            "INSERT INTO sections(paper_id, seq, kind, text, page_marks, page_first, page_last)"
            " VALUES (?,?,?,?,?,?,?)",
            (paper_id, seq_s, section.kind, text, json.dumps(marks),
             section.paragraphs[0].first_page, max(p.last_page for p in section.paragraphs)),
        )
    return paper_id


def insert_passages(conn: sqlite3.Connection, paper_id: int, passages: list[Passage]) -> list[int]:
    ids = []
    for seq, p in enumerate(passages):
        cur = conn.execute(
            "INSERT INTO passages(paper_id, seq, text, section, heading, page_first, page_last, lang,"
            " n_words, sentences, page_marks) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (paper_id, seq, p.text, p.section, p.heading, p.first_page, p.last_page, p.lang,
             len(p.text.split()), json.dumps(p.sentences), json.dumps(p.page_marks)),
        )
        ids.append(cur.lastrowid)
    return ids


def page_margins(conn: sqlite3.Connection, file_id: int) -> dict[int, list[dict]]:
    """The running headers and footers stored for each page of a file (physical index -> lines)."""
    return {r["idx"]: json.loads(r["margins"]) for r in
            conn.execute("SELECT idx, margins FROM pages WHERE file_id = ? ORDER BY idx", (file_id,))}


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))


def all_sentence_vector_blobs(conn: sqlite3.Connection) -> Iterator[tuple[int, int, bytes, bool]]:
    """(passage id, rows, blob, is_float16) for every stored sentence-vector block, then the passage
    vector (float32, one row) of every passage too short to have sentence vectors."""
    for pid, n, blob in conn.execute("SELECT passage_id, n, vecs FROM sentence_vectors ORDER BY passage_id"):
        yield pid, n, blob, True
    for pid, blob in conn.execute("SELECT passage_id, vec FROM passage_vectors WHERE passage_id NOT IN "
                                  "(SELECT passage_id FROM sentence_vectors) ORDER BY passage_id"):
        yield pid, 1, blob, False
