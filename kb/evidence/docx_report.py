"""The evidence report as a Word document, for advisers who paste into Word rather than
Markdown: the same content as report.markdown (strength, aspects, quotes grouped by paper with
a column per language, the numbered references), one table per recommendation."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from docx import Document
from docx.table import Table

from kb.evidence import report
from kb.evidence.find import Evidence


def _table(doc, e: Evidence, refs: report.References) -> Table:
    """# | Quote (per language) | Source | Page | Strength, a bold row heading each paper's quotes."""
    langs = report.languages(e)
    heads = ["#", *report.quote_headers(langs), "Source", "Page", "Strength"]
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        cell.paragraphs[0].add_run(head).bold = True
    found, _ = report.groups(e)
    for g in found:
        source = report.short_source(g.quotes[0][1], refs)
        row = table.add_row().cells
        merged = row[0].merge(row[-1])
        merged.paragraphs[0].add_run(f"{source}. {report.title(g.paper)}").bold = True
        for n, q in g.quotes:
            quotes = [q.text if len(langs) == 1 or report.quote_lang(q) == x else "" for x in langs]
            values = [str(n), *(" ".join(x.split()) for x in quotes), source, report.pages(q), report.note(q)]
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value
    return table


def build(conn: sqlite3.Connection, evidence: list[Evidence], style: str = "gost"):
    """The document, not yet saved (tests read it back without a file)."""
    refs = report.References(conn, evidence, style)
    doc = Document()
    doc.add_heading("Evidence report", level=0)
    for i, e in enumerate(evidence, 1):
        doc.add_heading(f"{i}. {' '.join(e.recommendation.split())}", level=1)
        strength = doc.add_paragraph()
        strength.add_run("Strength: ").bold = True
        strength.add_run(e.strength())
        _, number = report.groups(e)
        if e.aspects:
            doc.add_paragraph().add_run("Aspects:").bold = True
            for line in report.aspect_lines(e, number):
                doc.add_paragraph(line, style="List Bullet")
        if e.quotes:
            _table(doc, e, refs)
    entries = refs.entries()
    if entries:
        doc.add_heading("References", level=1)
        for n, entry in enumerate(entries, 1):
            doc.add_paragraph(f"{n}. {entry}")
    return doc


def write_docx(conn: sqlite3.Connection, evidence: list[Evidence], path: Path, style: str = "gost") -> None:
    """Renders in memory first, so a failure while building leaves no half-written file; an
    OSError from writing is the caller's to report."""
    buf = io.BytesIO()
    build(conn, evidence, style).save(buf)
    Path(path).write_bytes(buf.getvalue())
