"""Reference lists of ingested papers: found, parsed, stored, linked to works and passages.

`extract_references` is pure (paper -> parsed entries with pages); the `store_*` functions
write inside the ingest transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from kb.ingest.model import Paper, Passage
from kb.ingest.segment import is_reference_heading
from kb.refs import citations, works
from kb.refs.parse import Reference, parse_reference
from kb.refs.split import section_entries


@dataclass
class ParsedEntry:
    n: str | None
    ref: Reference
    page: int


def extract_references(paper: Paper) -> list[ParsedEntry]:
    out: list[ParsedEntry] = []
    for section in paper.sections:
        if section.kind != "references":
            continue
        paras = [p for p in section.paragraphs if not is_reference_heading(p)]
        bounds, offset = [], 0
        for p in paras:
            bounds.append((offset, p))
            offset += len(p.text) + 1
        previous = None
        for entry in section_entries(section.paragraphs):
            para_offset, para = next(((o, p) for o, p in reversed(bounds) if o <= entry.start), bounds[0])
            page = para.pages_of(max(0, entry.start - para_offset), max(1, entry.start - para_offset + 1))[0]
            ref = parse_reference(entry.raw, previous)
            previous = ref
            out.append(ParsedEntry(entry.n, ref, page))
    return out


_COLUMNS = ("authors", "title", "container", "year", "volume", "issue", "pages", "publisher", "place",
            "doi", "url", "accessed", "type")


def store_references(conn: sqlite3.Connection, paper_id: int, entries: list[ParsedEntry]) -> list[dict]:
    """Insert the entries and their works; returns them as dicts (with id) for citation linking."""
    stored = []
    for seq, e in enumerate(entries):
        fields = e.ref.fields()
        work_id = works.find_or_create(conn, fields) if e.ref.parsed_ok else None
        values = [json.dumps(fields["authors"], ensure_ascii=False)] + [fields[c] for c in _COLUMNS[1:]]
        cur = conn.execute(
            f"INSERT INTO refs(paper_id, seq, n, raw, {', '.join(_COLUMNS)}, style, parsed_ok, page, work_id) "
            f"VALUES ({', '.join('?' * (len(_COLUMNS) + 8))})",
            (paper_id, seq, e.n, e.ref.raw, *values, e.ref.style, int(e.ref.parsed_ok), e.page, work_id))
        stored.append({"id": cur.lastrowid, "n": e.n, **fields})
    return stored


def store_citations(conn: sqlite3.Connection, passage_ids: list[int], passages: list[Passage],
                    refs: list[dict]) -> int:
    if not refs:
        return 0
    rows = []
    for pid, passage in zip(passage_ids, passages, strict=True):
        for marker, idx in citations.link(citations.find_markers(passage.text), refs):
            rows.append((pid, refs[idx]["id"], marker.text, marker.locator))
    conn.executemany("INSERT INTO citations(passage_id, ref_id, marker, locator) VALUES (?,?,?,?)", rows)
    return len(rows)
