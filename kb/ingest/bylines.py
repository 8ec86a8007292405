"""Author names laid out in cells: a byline is not always one line of text.

Conference templates print each author as a small block (name, affiliation, e-mail) side by side
and in rows, so extraction hands the names over as several paragraphs, or as one paragraph that
joins the cells of a row ("Alekh Agarwal Sahand Negahban alekh@..."). Layout tells the cells
apart: lines on one row, the byline's own type size and weight, and the body text that starts
below the block.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.ingest.model import LineBox, Paragraph

Reader = Callable[[str], list[str]]  # text -> the printed names it holds, [] when it is not a byline

_EMAIL = re.compile(r"\{[^}]*\}\s*@\S+|\S+@\S+")
_BODY_WORDS = 25  # a paragraph this long is running text, not a cell of the author block


def line_texts(p: Paragraph) -> list[tuple[str, LineBox]]:
    """The text of each line of a paragraph, with its box."""
    out = []
    for k, box in enumerate(p.lines):
        end = p.lines[k + 1].start if k + 1 < len(p.lines) else len(p.text)
        out.append((p.text[box.start:end].strip(), box))
    return out


def _joins_a_row(p: Paragraph) -> bool:
    """Two of its lines sit side by side on one row: the paragraph glued separate cells together."""
    return any(a.page == b.page and abs(a.y0 - b.y0) < 0.5 * a.size and b.x0 > a.x1
               for a, b in zip(p.lines, p.lines[1:], strict=False))


def paragraph_names(p: Paragraph, read: Reader) -> list[str]:
    """Printed names of an author paragraph: read whole, or line by line when it joins the cells of a
    row or when the whole does not read as names (names over an affiliation): the names of its
    leading lines, e-mail lines skipped."""
    whole = read(p.text)
    lines = line_texts(p)
    if len(lines) <= 1 or (whole and not _joins_a_row(p)):
        return whole
    out: list[str] = []
    for text, _ in lines:
        bare = _EMAIL.sub(" ", text).strip(" ,;")
        if not bare and out:
            continue
        names = read(bare) if bare else []
        if not names:
            break
        out += names
    return out if len(out) > len(whole) or not whole else whole


def _overlap(a: Paragraph, b: Paragraph) -> bool:
    return max(a.lines[0].x0, b.lines[0].x0) < min(max(x.x1 for x in a.lines), max(x.x1 for x in b.lines))


def grid_authors(paras: list[Paragraph], authors: list[str], read: Reader, limit: int = 60) -> list[str]:
    """The whole author block of a first page, row by row and left to right, when the names first read
    (`authors`) are only one cell of it; else `authors` unchanged.

    A cell is a paragraph on the page of those names, in the same type size and weight, not above
    them, and not below running text of its own column.
    """
    if not authors:
        return authors
    window = [p for p in paras[:limit] if p.lines]
    anchor = next((p for p in window if set(paragraph_names(p, read)) & set(authors)), None)
    if anchor is None:
        return authors
    top, page = anchor.lines[0].y0 - 0.5 * anchor.size, anchor.first_page
    on_page = [p for p in window if p.first_page == page]
    body = [q for q in on_page if len(q.text.split()) >= _BODY_WORDS and q.lines[0].y0 > top]
    cells: list[tuple[float, float, float, list[str]]] = []
    for p in on_page:
        if abs(p.size - anchor.size) > 0.3 or p.bold != anchor.bold or p.lines[0].y0 < top:
            continue
        if any(q is not p and _overlap(p, q) and q.lines[0].y0 < p.lines[0].y0 for q in body):
            continue
        if names := paragraph_names(p, read):
            cells.append((p.lines[0].y0, p.lines[0].x0, p.size, names))
    out: list[str] = []
    for _, _, _, names in _row_major(cells):
        out += [n for n in names if n not in out]
    if not set(authors) <= set(out) or len(out) <= len(authors):
        return authors
    return out


def _row_major(cells: list[tuple[float, float, float, list[str]]]) -> list[tuple[float, float, float, list[str]]]:
    """Cells grouped into rows (tops within half a line), rows top to bottom, cells left to right."""
    rows: list[list[tuple[float, float, float, list[str]]]] = []
    for cell in sorted(cells, key=lambda c: c[0]):
        if rows and cell[0] - rows[-1][0][0] < 0.6 * cell[2]:
            rows[-1].append(cell)
        else:
            rows.append([cell])
    return [c for row in rows for c in sorted(row, key=lambda c: c[1])]
