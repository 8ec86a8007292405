"""PDF (and plain text) -> Document: lines in reading order, joined into paragraphs.

Steps per PDF: open safely -> lines per page (OCR where the text layer is missing or
garbage) -> drop running headers/footers and read page numbers from them -> order lines
column by column -> join lines into paragraphs, re-joining words hyphenated at line ends.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pymupdf

from kb.errors import IngestError
from kb.ingest import ocr
from kb.ingest.model import Document, Line, LineBox, Paragraph
from kb.ingest.text import (
    REF_HEADING,
    Lexicon,
    clean_line,
    fix_mojibake,
    join_lines,
    looks_like_mojibake,
    text_layer_is_usable,
)

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

MARGIN_ZONE = 0.085  # share of page height at top and bottom where running heads live
WIDE_MARGIN_ZONE = 0.13  # a repeated line this near an edge, with only margin beyond it, is running matter too
TEXT_LINE_SHARE = 0.2  # a line of running text is at least this share of the text width (table cells are not)
_TEXT_FLAGS = pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_PRESERVE_WHITESPACE
_PAGE_NUMBER = re.compile(r"^[\s\-–—|]*(\d{1,4})[\s\-–—|]*$")
_NUMBER_IN_MARGIN = re.compile(r"(?:^|\s)(\d{1,4})(?:\s|$)")
_TERMINAL = tuple(".!?:;»\")…")
_NOT_RUNNING = re.compile(r"^(?:УДК|UDC|UDK|ББК|DOI|ISSN|ISBN|Список|References|Литература)\b", re.IGNORECASE)


# --- opening ------------------------------------------------------------------------------

def open_pdf(path: Path, max_pages: int | None = None) -> pymupdf.Document:
    """Open a PDF or raise IngestError with a reason a user understands."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise IngestError("empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise IngestError("not a PDF (no %PDF header)")
    pymupdf.TOOLS.mupdf_warnings()  # reset the warning buffer
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # MuPDF raises several types for broken files
        raise IngestError(f"corrupt PDF: {exc}") from exc
    if doc.needs_pass and not doc.authenticate(""):
        doc.close()
        raise IngestError("encrypted PDF: needs a password to open")
    if doc.page_count == 0:
        doc.close()
        raise IngestError("PDF has no pages")
    if max_pages is not None and doc.page_count > max_pages:
        n = doc.page_count
        doc.close()
        raise IngestError(f"{n} pages, more than the limit of {max_pages} (--max-pages)")
    if b"%%EOF" not in tail:
        warnings = pymupdf.TOOLS.mupdf_warnings()
        doc.close()
        detail = f" ({warnings.splitlines()[0]})" if warnings else ""
        raise IngestError(f"truncated or corrupt PDF: no end-of-file marker{detail}")
    return doc


# --- lines --------------------------------------------------------------------------------

def _page_lines(page: pymupdf.Page, index: int, textpage=None) -> list[Line]:
    """Horizontal text lines of a page; vertical stamps and rotated margin notes are dropped."""
    data = page.get_text("dict", flags=_TEXT_FLAGS, textpage=textpage)
    lines: list[Line] = []
    for block in data["blocks"]:
        if block.get("type", 0) != 0:
            continue
        for ln in block["lines"]:
            dx, dy = ln["dir"]
            if abs(dy) > 0.1 or dx < 0:
                continue
            spans = [s for s in ln["spans"] if s["text"]]
            text = "".join(s["text"] for s in spans)
            if not text.strip():
                continue
            n_bold = sum(len(s["text"]) for s in spans if s["flags"] & 16 or "bold" in s["font"].lower())
            size = max((s["size"] for s in spans if s["text"].strip()), default=spans[0]["size"])
            x0, y0, x1, y1 = ln["bbox"]
            lines.append(Line(text, x0, y0, x1, y1, round(size, 1), n_bold * 2 > len(text), index))
    return _merge_same_row(lines)


def _merge_same_row(lines: list[Line]) -> list[Line]:
    """Glue pieces of one visual line that the PDF stored separately (justified text, spans)."""
    lines.sort(key=lambda ln: (round(ln.y1), ln.x0))
    merged: list[Line] = []
    for ln in lines:
        prev = merged[-1] if merged else None
        # trailing spaces are inside a piece's box: the gap a reader sees is wider ('предприятия  ' | 'Наука')
        blank = 0.25 * prev.size * (len(prev.text) - len(prev.text.rstrip())) if prev is not None else 0.0
        if (prev is not None and abs(prev.y1 - ln.y1) < 0.4 * ln.size
                and 0 <= ln.x0 - prev.x1 + blank < 0.8 * min(ln.size, prev.size)
                and not prev.text.rstrip().endswith(("-", "\u00ad"))):
            # one visual line stored in pieces; a wider gap (in the smaller type: a drop cap beside a
            # column is not its line), or a piece ending in a hyphen, is a column edge
            gap = "" if prev.text.endswith(" ") or ln.text.startswith(" ") else " "
            prev.text = prev.text + gap + ln.text
            prev.x1 = max(prev.x1, ln.x1)
            prev.y0 = min(prev.y0, ln.y0)
            prev.bold = prev.bold and ln.bold
            prev.size = max(prev.size, ln.size)
        else:
            merged.append(Line(ln.text, ln.x0, ln.y0, ln.x1, ln.y1, ln.size, ln.bold, ln.page))
    for ln in merged:
        ln.text = clean_line(ln.text)
    return [ln for ln in merged if ln.text]


def _has_large_image(page: pymupdf.Page) -> bool:
    area = abs(page.rect)
    try:
        infos = page.get_image_info()
    except Exception:
        return False
    return any(abs(pymupdf.Rect(i["bbox"]) & page.rect) > 0.3 * area for i in infos)


# --- margins and page labels ---------------------------------------------------------------

def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip(" .,-–—|")


def _in_margin(line: Line, height: float) -> bool:
    return line.y1 < height * MARGIN_ZONE + 2 or line.y0 > height * (1 - MARGIN_ZONE) - 2


def _in_wide_margin(line: Line, height: float) -> bool:
    return line.y1 < height * WIDE_MARGIN_ZONE or line.y0 > height * (1 - WIDE_MARGIN_ZONE)


def _placed_key(line: Line) -> tuple[str, int]:
    """A line's text (digits folded) and its height on the page, to 3 points (left and right
    pages set it at other x)."""
    return _margin_key(line.text), round(line.y0 / 3)


def _outer_lines(lines: list[Line], height: float) -> set[int]:
    """Lines nearest the top or bottom edge inside the wider zone (a masthead set a little lower).

    Only a run of lines from the edge counts, so a repeated line inside the body never does, and
    a line counts only when it stands apart from the text beside it (a wider gap or another size).
    """
    ordered = sorted(range(len(lines)), key=lambda i: lines[i].y0)
    outer: set[int] = set()
    for run in (ordered, ordered[::-1]):
        top = run is ordered
        for k, i in enumerate(run):
            ln = lines[i]
            if (ln.y1 >= height * WIDE_MARGIN_ZONE) if top else (ln.y0 <= height * (1 - WIDE_MARGIN_ZONE)):
                break
            inward = next((lines[j] for j in run[k + 1:] if abs(lines[j].y0 - ln.y0) > 0.5 * ln.size), None)
            if inward is not None and not _in_margin(ln, height):
                gap = (inward.y0 - ln.y1) if top else (ln.y0 - inward.y1)
                if gap < 1.2 * ln.size and abs(inward.size - ln.size) < 0.5:
                    break
            outer.add(i)
    return outer


def strip_margins(pages: list[list[Line]], heights: list[float]) -> tuple[list[list[Line]], list[str], dict[int, list[int]]]:
    """Remove running headers, footers and page numbers (see `split_margins`, which also keeps them)."""
    kept, margins, numbers = split_margins(pages, heights)
    removed = Counter(m["text"] for page in margins for m in page if not _PAGE_NUMBER.match(m["text"]))
    return kept, [t for t, _ in removed.most_common()], numbers


def split_margins(pages: list[list[Line]], heights: list[float]) -> tuple[list[list[Line]], list[list[dict]], dict[int, list[int]]]:
    """Separate running headers, footers and page numbers from the body of each page.

    A margin line is running matter when its text (digits folded) repeats on other pages or
    is a bare number; a line a little further in counts when it repeats and nothing but margin
    lies between it and the edge. The removed lines are returned per page (they name the
    journal, volume and issue) with the numbers read in them as printed-page candidates.
    """
    wide = [_outer_lines(lines, h) for lines, h in zip(pages, heights, strict=True)]
    keys, exact, placed = Counter(), Counter(), Counter()
    for lines, h, outer in zip(pages, heights, wide, strict=True):
        keys.update({_margin_key(ln.text) for ln in lines if _in_margin(ln, h)})
        exact.update({ln.text for i, ln in enumerate(lines) if i in outer and not _in_margin(ln, h)})
        placed.update({_placed_key(ln) for ln in lines if _in_wide_margin(ln, h) and not _in_margin(ln, h)})
    n = len(pages)
    repeat = 2 if n <= 6 else max(3, round(0.1 * n))
    in_place = max(3, (n + 1) // 2)  # pages that print a line at the same place to make it running matter
    numbers: dict[int, list[int]] = {}
    kept_pages: list[list[Line]] = []
    margins: list[list[dict]] = []
    for idx, (lines, h, outer) in enumerate(zip(pages, heights, wide, strict=True)):
        kept, removed = [], []
        running_lines = []
        for i, ln in enumerate(lines):
            if _in_margin(ln, h):
                running = bool(_PAGE_NUMBER.match(ln.text)) or keys[_margin_key(ln.text)] >= repeat
            else:  # further in: the very same text on other pages, and words, not a number or a УДК line;
                # or the same words or number at the same place on most pages ('ISSN … № 2' over the
                # page number, set close to the last line of text)
                running = (i in outer and exact[ln.text] >= repeat
                           and (sum(c.isalpha() for c in ln.text) >= 3 or "№" in ln.text)
                           and not _NOT_RUNNING.match(ln.text)) \
                    or (_in_wide_margin(ln, h) and placed[_placed_key(ln)] >= in_place)
            running_lines.append(running)
        body = [ln for ln, running in zip(lines, running_lines, strict=True) if not running]
        for ln, running in zip(lines, running_lines, strict=True):
            if running and _labels_a_line(ln, body):
                running = False
            if running:
                removed.append({"text": ln.text, "where": "top" if ln.y0 < h / 2 else "bottom",
                                "y": round(ln.y0, 1), "x": round(ln.x0, 1), "size": ln.size})
                numbers.setdefault(idx, []).extend(int(x) for x in _NUMBER_IN_MARGIN.findall(ln.text))
                continue
            kept.append(ln)
        kept_pages.append(kept)
        margins.append(sorted(removed, key=lambda m: (m["y"], m["x"])))
    return kept_pages, margins, numbers


def _labels_a_line(ln: Line, body: list[Line]) -> bool:
    """A number in the margin zone that is the label of body text just right of it on its row
    (the first or last entry of a list on a page), not a page number (beside a running title)."""
    return _label_alone(ln) and any(
        _same_row(ln, o) and 0 <= o.x0 - ln.x1 < 3 * ln.size for o in body)


_EXPLICIT_NUMBER = [
    re.compile(r"^(?:page|p\.|стр\.?|страница|с\.)\s*(\d{1,4})\s*(?:of|из|/)\s*(\d{1,4})$", re.IGNORECASE),
    re.compile(r"^(\d{1,4})\s*(?:/|of|из)\s*(\d{1,4})$", re.IGNORECASE),
    re.compile(r"^(?:page|стр\.?|страница)\s*(\d{1,4})$", re.IGNORECASE),
    re.compile(r"^[-–—]\s*(\d{1,4})\s*[-–—]$"),
    re.compile(r"^(\d{1,4})\s*[|•·]\s*\S"),
    re.compile(r"\S\s*[|•·]\s*(\d{1,4})$"),
]


def explicit_page_number(text: str) -> int | None:
    """The page number a footer states outright: 'Page 3 of 9', '3 / 9', '3 | Journal', 'Journal | 3'."""
    text = re.sub(r"\s+", " ", text).strip()
    for pattern in _EXPLICIT_NUMBER:
        m = pattern.search(text)
        if m and (m.lastindex == 1 or int(m[1]) <= int(m[2])):
            return int(m[1])
    return None


def page_labels(doc: pymupdf.Document | None, n_pages: int, numbers: dict[int, list[int]],
                margins: list[list[dict]] | None = None) -> list[str]:
    """Printed page labels (see `read_page_labels`)."""
    return read_page_labels(doc, n_pages, numbers, margins)[0]


class Labels(NamedTuple):
    """Page labels, whether they were printed, and whether they count the document's own pages
    ('Page 3 of 9', '2/16': an article-numbered journal's pagination, not a range in a volume)."""

    labels: list[str]
    printed: bool
    counted: bool = False


def read_page_labels(doc: pymupdf.Document | None, n_pages: int, numbers: dict[int, list[int]],
                     margins: list[list[dict]] | None = None) -> Labels:
    """Printed page labels and whether they were printed: the PDF's own labels, else numbers
    read in the margins, else 1..n (not printed).

    A footer that states its number ('Page 3 of 9', '3 | Journal') is read first, and wins over
    PDF labels that disagree with it (what the reader sees is what gets cited). Other margin
    numbers count only when they advance with the pages (a year in a footer does not); a page
    before the first printed number (a download cover) gets an empty label.
    """
    stated, counted = {}, False
    for idx, page in enumerate(margins or []):
        found = [(explicit_page_number(m["text"]), _counts_pages(m["text"])) for m in page]
        found = [x for x in found if x[0] is not None]
        if found:
            stated[idx] = found[0][0]
            counted = counted or found[0][1]
    offsets = Counter(num - idx for idx, num in stated.items())
    agreed = offsets.most_common(1)[0] if offsets else None
    if agreed is None or agreed[1] < max(2, len(stated) // 2):
        agreed, counted = None, False
    if doc is not None:
        try:
            labels = [doc[i].get_label() for i in range(n_pages)]
        except Exception:
            labels = []
        if labels and all(labels) and len(set(labels)) == n_pages and labels != [str(i + 1) for i in range(n_pages)] \
                and (agreed is None or all(labels[i] == str(i + agreed[0]) for i in stated if i < n_pages)):
            return Labels(labels, True)
    offsets = Counter({agreed[0]: agreed[1]}) if agreed else \
        Counter(num - idx for idx, nums in numbers.items() for num in set(nums))
    if offsets:
        offset, support = offsets.most_common(1)[0]
        if support >= max(2, len(numbers) // 3) and offset > -n_pages:
            return Labels([str(i + offset) if i + offset >= 1 else "" for i in range(n_pages)], True, counted)
    return Labels([str(i + 1) for i in range(n_pages)], False)


def _counts_pages(text: str) -> bool:
    """'Page 3 of 9', '3 / 9': a number out of the document's total."""
    text = re.sub(r"\s+", " ", text).strip()
    return any(p.search(text) for p in _EXPLICIT_NUMBER[:2])


# --- reading order ------------------------------------------------------------------------

def _find_gutter(lines: list[Line], text: list[Line] | None = None) -> float | None:
    """x of the gap between two columns, or None for a single-column page. `text`, the page's lines
    of running text, may vouch for a right column's edge where short pieces outvote them."""
    if len(lines) < 8:
        return None
    x0 = np.fromiter((ln.x0 for ln in lines), dtype=np.float32, count=len(lines))
    x1 = np.fromiter((ln.x1 for ln in lines), dtype=np.float32, count=len(lines))
    left, right = float(x0.min()), float(x1.max())
    xs = left + (right - left) * np.arange(30, 70.25, 0.5, dtype=np.float32)[:, None] / 100
    crossing = ((x0 < xs - 1) & (x1 > xs + 1)).sum(axis=1)
    on_left = (x1 <= xs + 1).sum(axis=1)
    on_right = (x0 >= xs - 1).sum(axis=1)
    narrow = (x1 - x0) < 0.55 * (right - left)
    n_narrow = int(narrow.sum())
    if n_narrow < 8:
        return None
    ok = (on_left >= 4) & (on_right >= 4) & (on_left + on_right >= 0.8 * n_narrow)
    mostly_wide = ok & (crossing > 0.5 * len(lines))
    if mostly_wide.any():  # a page mostly at full width: columns only where lines stand side by side
        y0 = np.fromiter((ln.y0 for ln in lines), dtype=np.float32, count=len(lines))
        y1 = np.fromiter((ln.y1 for ln in lines), dtype=np.float32, count=len(lines))
        beside = (y0[:, None] < y1[None, :] - 1) & (y0[None, :] < y1[:, None] - 1)
        for k in np.flatnonzero(mostly_wide):  # ... and the right ones start at one edge (not words of a wide line)
            on_l, on_r = x1 <= xs[k, 0] + 1, x0 >= xs[k, 0] - 1
            starts = x0[on_r][beside[on_r][:, on_l].any(axis=1)]
            edge = np.abs(starts[:, None] - starts[None, :]) <= 1.5
            ok[k] = len(starts) >= 6 and int(edge.sum(axis=1).max()) >= max(5, 0.6 * len(starts))
    text_x0 = np.fromiter((ln.x0 for ln in text), dtype=np.float32, count=len(text)) if text else None
    for k in np.flatnonzero(ok):  # a right column starts its lines at one edge; pieces of wide lines do not
        ok[k] = _one_edge(x0, xs[k, 0]) or (text_x0 is not None and _one_edge(text_x0, xs[k, 0]))
    if not ok.any():
        return None
    balance = np.minimum(on_left, on_right)
    # the widest white strip first: a list's numbers standing apart from their entries leave a
    # narrower gap between them than the gutter does
    left_edge = np.where(x1[None, :] <= xs + 1, x1[None, :], -np.inf).max(axis=1)
    right_edge = np.where(x0[None, :] >= xs - 1, x0[None, :], np.inf).min(axis=1)
    white = np.floor(np.clip(right_edge - left_edge, 0, 1000) / 2)
    score = np.where(ok, crossing * 10_000_000 - white * 10_000 - balance, np.iinfo(np.int64).max)
    best = np.flatnonzero(score == score.min())
    run = best[best - best[0] == np.arange(len(best))]  # the first run of equal best: take its middle
    return float(xs[int(run[len(run) // 2]), 0])


def _one_edge(x0: np.ndarray, x: float) -> bool:
    """Do the lines right of x mostly start at one edge, as a column's lines do?"""
    starts = np.sort(x0[x0 >= x - 1])
    if not len(starts):
        return False
    at_edge = np.searchsorted(starts, starts + 1.5, "right") - np.searchsorted(starts, starts - 1.5, "left")
    return int(at_edge.max()) >= max(5, 0.35 * len(starts))


def order_lines(lines: list[Line]) -> list[Line]:
    """Reading order: bands split by full-width lines; inside a band, left column then right.

    Also records each line's column edges, which paragraph building needs for indents.
    """
    lines = _by_rows(lines)
    table = _table_rows(lines)
    for ln in lines:
        ln.table = id(ln) in table
    # a list's numbers standing apart from their entries say nothing of where the columns are
    free = [ln for ln in lines if id(ln) not in table and not _label_alone(ln)]
    gutter = _find_gutter(free, _text_lines(free))
    if gutter is None:
        _set_column_edges(lines)
        return _merge_row_pieces(lines)
    gutters = _more_gutters(free, gutter)
    if len(gutters) > 1:
        return _merge_row_pieces(_order_columns(lines, gutters, table))
    beside, band_tops = _beside_text(lines, gutter)
    ordered: list[Line] = []
    band_left: list[Line] = []
    band_right: list[Line] = []
    columns: tuple[list[Line], list[Line], list[Line]] = ([], [], [])

    def flush(before_wide: bool = False):
        tail = _left_tail(band_left, band_right) if before_wide else len(band_left)
        ordered.extend(band_left[:tail])
        ordered.extend(band_right)
        ordered.extend(band_left[tail:])
        band_left.clear()
        band_right.clear()

    for ln in lines:
        while band_tops and ln.y0 >= band_tops[0] - 0.5:
            flush(before_wide=True)
            band_tops.pop(0)
        if _label_alone(ln) and id(ln) not in table:  # a label goes with the column of its entry
            (band_right if ln.x1 > gutter else band_left).append(ln)
            columns[1 if ln.x1 > gutter else 0].append(ln)
        elif (ln.x0 < gutter - 1 and ln.x1 > gutter + 1 and id(ln) not in beside) or id(ln) in table:
            flush(before_wide=True)
            ordered.append(ln)
            columns[2].append(ln)
        elif ln.x1 <= gutter + 1:
            band_left.append(ln)
            columns[0].append(ln)
        else:
            band_right.append(ln)
            columns[1].append(ln)
    flush()
    for col in columns:
        _set_column_edges(col)
    return _merge_row_pieces(ordered)


def _text_lines(lines: list[Line]) -> list[Line]:
    """The lines of running text, when a page has enough of them: a table that the row test missed
    (tight cells, wrapped headers) leaves short pieces at the edges of its columns, which would
    otherwise outvote the edge where the body text's right column starts."""
    if not lines:
        return lines
    span = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
    text = [ln for ln in lines if ln.x1 - ln.x0 >= TEXT_LINE_SHARE * span]
    return text if len(text) >= 8 else []


def _beside_text(lines: list[Line], gutter: float) -> tuple[set[int], list[float]]:
    """Lines (ids) that cross the gutter but stand to the right of left-column text on their rows,
    with the lines under them at the same left edge: a title set beside its authors' names (in bold
    or a larger type). They are read as the right column of a band of their own, so the title's
    lines stay together; the tops of those bands are returned too."""
    out: set[int] = set()
    tops: list[float] = []
    last: Line | None = None
    left_margin = min(o.x0 for o in lines)
    body = statistics.median(o.size for o in lines)
    for k, ln in enumerate(lines):  # in `_by_rows` order
        if not (ln.x0 < gutter - 1 and ln.x1 > gutter + 1) or ln.x0 < left_margin + 4 * ln.size:
            continue
        if not (ln.bold or ln.size >= 1.15 * body) and last is None:
            continue  # a block starts with a title's type: bold or larger than the page's text
        beside = [o for o in lines[max(0, k - 6):k + 7]
                  if o is not ln and o.x1 <= gutter + 1 and o.x1 < ln.x0 - o.size and not _label_alone(o)
                  and len(o.text.split()) >= 2 and min(o.y1, ln.y1) - max(o.y0, ln.y0) > 0.3 * min(o.size, ln.size)]
        below_last = last is not None and abs(ln.x0 - last.x0) <= 2 and -1 <= ln.y0 - last.y1 < 1.5 * ln.size
        if beside and not below_last:
            tops.append(_block_top(lines[:k], min(ln.y0, *(o.y0 for o in beside)), ln.size))
        if beside or below_last:
            out.add(id(ln))
            last = ln
    return out, tops


def _block_top(above: list[Line], top: float, size: float, rows: int = 2) -> float:
    """The top of a block, raised over up to `rows` rows right above it with no gap between
    (a УДК line and a DOI over a byline), but not over a gap."""
    for _ in range(rows):
        near = [o for o in above if o.y0 < top - 1 and o.y1 > top - 1.5 * size]
        if not near:
            break
        top = min(o.y0 for o in near)
    return top


_LABEL_ALONE = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)]?)$")


def _label_alone(ln: Line) -> bool:
    """A list label that the PDF stores as a line of its own ('17', '[4]', '5.')."""
    return len(ln.text) <= 5 and bool(_LABEL_ALONE.match(ln.text))


def _more_gutters(lines: list[Line], gutter: float) -> list[float]:
    """All gutters of a page of three or more columns: the first one, and one more found in the
    lines on either side of it (a magazine's three columns); [gutter] for two columns."""
    found = [gutter]
    for side in ([ln for ln in lines if ln.x1 <= gutter + 1], [ln for ln in lines if ln.x0 >= gutter - 1]):
        inner = _find_gutter(side)
        if inner is not None and all(_holds_text([ln for ln in side if keep(ln)]) for keep in (
                lambda ln, g=inner: ln.x1 <= g + 1, lambda ln, g=inner: ln.x0 >= g - 1)):
            found.append(inner)
    return sorted(found)


def _holds_text(lines: list[Line]) -> bool:
    """A column of text, not the labels of a list whose numbers stand apart from their entries."""
    return bool(lines) and statistics.median(ln.width / ln.size for ln in lines) > 6


def _order_columns(lines: list[Line], gutters: list[float], table: set[int]) -> list[Line]:
    """Reading order on a page of three or more columns: bands split by lines that cross a gutter;
    inside a band, column after column."""
    ordered: list[Line] = []
    band: list[list[Line]] = [[] for _ in range(len(gutters) + 1)]
    columns: list[list[Line]] = [[] for _ in range(len(gutters) + 2)]
    for ln in lines:
        if _label_alone(ln) and id(ln) not in table:
            k = sum(ln.x1 > g for g in gutters)
            band[k].append(ln)
            columns[k].append(ln)
        elif id(ln) in table or any(ln.x0 < g - 1 and ln.x1 > g + 1 for g in gutters):
            for col in band:
                ordered.extend(col)
                col.clear()
            ordered.append(ln)
            columns[-1].append(ln)
        else:
            k = sum(ln.x0 >= g - 1 for g in gutters)
            band[k].append(ln)
            columns[k].append(ln)
    for col in band:
        ordered.extend(col)
    for col in columns:
        _set_column_edges(col)
    return ordered


def _by_rows(lines: list[Line]) -> list[Line]:
    """Top to bottom, and left to right within a row: pieces of one row whose tops differ by a
    fraction of a point ('Phrase-Based' at y 715.5, 'Proceedings' at 715.4) keep their x order."""
    lines = sorted(lines, key=lambda ln: (ln.y0, ln.x0))
    out: list[Line] = []
    row: list[Line] = []
    for ln in lines:
        if row and _same_row(row[0], ln):
            row.append(ln)
            continue
        out.extend(sorted(row, key=lambda r: r.x0))
        row = [ln]
    out.extend(sorted(row, key=lambda r: r.x0))
    return out


def _same_row(a: Line, b: Line) -> bool:
    """Two pieces on one baseline: bottoms within a third of the smaller type, boxes overlapping
    by half (a label in a smaller type beside its entry)."""
    small = min(a.size, b.size)
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return abs(a.y1 - b.y1) < 0.3 * small and overlap > 0.5 * min(a.y1 - a.y0, b.y1 - b.y0)


def _table_rows(lines: list[Line]) -> set[int]:
    """Lines (ids) of table rows: four cells or more side by side, in two such rows one under the
    other. They are left out when looking for the gutter, and read as full-width lines, row by row."""
    rows: list[list[Line]] = []
    for ln in lines:  # in `_by_rows` order
        if rows and _same_row(rows[-1][0], ln):
            rows[-1].append(ln)
        else:
            rows.append([ln])

    def cells(row: list[Line]) -> int:
        n, last = 0, None
        for ln in row:
            if last is None or ln.x0 - last.x1 >= 2.5 * ln.size:
                n += 1
            last = ln
        return n

    tabular = [len(row) >= 4 and cells(row) >= 4 for row in rows]
    out: set[int] = set()
    for k, row in enumerate(rows):
        near = [j for j in (k - 2, k - 1, k + 1, k + 2) if 0 <= j < len(rows) and tabular[j]
                and abs(rows[j][0].y0 - row[0].y0) < 4 * row[0].size]  # a header's second line between
        if tabular[k] and near:
            out.update(id(ln) for ln in row)
    return out


def _left_tail(left: list[Line], right: list[Line]) -> int:
    """Where the lines at the bottom of the left column that belong below both columns start.

    Above a full-width line, a left-column line set off by a gap and lower than the whole right
    column ('УДК 004.946' of the next paper under a two-column reference list) is read after
    the right column."""
    if not left or not right:
        return len(left)
    bottom = max(ln.y1 for ln in right)
    for k in range(1, len(left)):
        ln, prev = left[k], left[k - 1]
        if ln.y0 > bottom and ln.y0 - prev.y1 > 1.0 * max(ln.size, prev.size):
            return k
    return len(left)


def _merge_row_pieces(lines: list[Line]) -> list[Line]:
    """Join pieces of one visual line within a column ('1.' and its entry after a tab, words of a
    stretched justified line) that `_merge_same_row` left apart because the gap could be a gutter."""
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.page == ln.page and prev.col_left == ln.col_left and _same_row(prev, ln)
                and 0 <= ln.x0 - prev.x1 < 2.5 * max(ln.size, prev.size) and abs(prev.size - ln.size) <= 1
                and prev.bold == ln.bold and not prev.text.rstrip().endswith(("-", "\u00ad"))):
            prev.text = prev.text.rstrip() + " " + ln.text.lstrip()
            prev.x1 = ln.x1
            prev.y0, prev.y1 = min(prev.y0, ln.y0), max(prev.y1, ln.y1)
            continue
        out.append(ln)
    return out


def _set_column_edges(lines: list[Line]) -> None:
    if not lines:
        return
    lefts = Counter(round(ln.x0) for ln in lines)
    top = max(lefts.values())
    left = min(x for x, c in lefts.items() if c == top)
    left = min((x for x in lefts if left - 3 <= x <= left), default=left)
    rights = sorted(ln.x1 for ln in lines)
    right = rights[int(0.9 * (len(rights) - 1))]
    for ln in lines:
        ln.col_left, ln.col_right = float(left), float(right)


# --- paragraphs -----------------------------------------------------------------------------

def build_paragraphs(pages: list[list[Line]]) -> list[Paragraph]:
    """Join ordered lines of all pages into paragraphs; paragraphs may run across pages."""
    all_lines = [ln for page in pages for ln in page]
    if not all_lines:
        return []
    lexicon = Lexicon(ln.text for ln in all_lines)
    body_size = statistics.median(ln.size for ln in all_lines)
    pitches = [
        b.y0 - a.y0 for page in pages for a, b in zip(page, page[1:], strict=False)
        if 0 < b.y0 - a.y0 < 3 * body_size and abs(a.size - b.size) < 0.5
    ]
    pitch = statistics.median(pitches) if pitches else body_size * 1.2

    groups: list[list[Line]] = []
    for page in pages:
        for ln in page:
            if groups and not _starts_paragraph(groups[-1][-1], ln, pitch * ln.size / body_size):
                groups[-1].append(ln)
            else:
                groups.append([ln])
    return [_make_paragraph(g, lexicon) for g in groups]


def _starts_paragraph(prev: Line, ln: Line, pitch: float) -> bool:
    p_left, p_right = prev.col_left, prev.col_right
    left = ln.col_left
    if re.search(r"[^\W\d_]-$", prev.text) and ln.text[:1].islower():
        return False  # a word broken at the line end continues, whatever the font does
    if prev.bold != ln.bold or abs(prev.size - ln.size) > 0.6 or _LABEL_START.match(ln.text):
        return True
    if _list_heading_alone(prev) or _list_heading_alone(ln):
        return True  # "References" on a line of its own, in no other font than its list
    same_flow = ln.page == prev.page and abs(left - p_left) < 5 and 0 < ln.y0 - prev.y0
    ends_sentence = prev.text.endswith(_TERMINAL)
    short_prev = prev.x1 < p_right - 2.5 * prev.size
    indented = ln.x0 > left + 0.8 * ln.size and ln.x0 - left < 6 * ln.size
    if same_flow:
        if ln.y0 - prev.y0 > 1.5 * pitch:
            return True
        if ends_sentence and ln.y0 - prev.y0 > 1.15 * pitch and ln.text[:1].isupper():
            return True  # extra leading after a full stop: paragraphs (or list entries) set apart by space
        if _centered(prev) != _centered(ln):
            return True  # a centred affiliation line, then the body
        if indented and (ends_sentence or short_prev):
            return True
        if short_prev and ends_sentence:
            return True
        return _is_list_item(ln.text) and ends_sentence
    # A new column or page: continue unless the previous line closed a paragraph.
    if indented and ends_sentence:
        return True
    if short_prev and ends_sentence:
        return True
    if ends_sentence and ln.text[:1].isupper() and _is_list_item(ln.text):
        return True
    return ends_sentence and short_prev


def _list_heading_alone(ln: Line) -> bool:
    """A short line that is a reference-list heading and nothing else."""
    return (ln.text[:1].isupper() or ln.text[:1].isdigit()) and ln.x1 < ln.col_right - 2.5 * ln.size \
        and bool(REF_HEADING.match(ln.text))


def _centered(ln: Line) -> bool:
    left, right = ln.x0 - ln.col_left, ln.col_right - ln.x1
    return left > 1.5 * ln.size and right > 1.5 * ln.size and abs(left - right) < 1.5 * ln.size


_LABEL_START = re.compile(
    r"^(?:УДК|UDC|DOI|ББК|Ключевые слова|Ключові слова|Keywords|Key words|Index Terms|Abstract|Аннотация|"
    r"Анотація|E-mail|Received|Поступила)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)]\s?\S|[-–•]\s)")


def _is_list_item(text: str) -> bool:
    return bool(_LIST_ITEM.match(text))


def _make_paragraph(lines: list[Line], lexicon: Lexicon) -> Paragraph:
    text, starts = join_lines([ln.text for ln in lines], lexicon)
    marks: list[tuple[int, int]] = []
    for ln, start in zip(lines, starts, strict=True):
        if not marks or marks[-1][1] != ln.page:
            marks.append((start, ln.page))
    first = lines[0]
    left, right = first.col_left, first.col_right
    centered = all(ln.x0 > left + 2 * ln.size and abs((ln.x0 - left) - (right - ln.x1)) < 2 * ln.size
                   for ln in lines)
    return Paragraph(
        text=text, page_marks=marks, bold=all(ln.bold for ln in lines), table=all(ln.table for ln in lines),
        size=max(ln.size for ln in lines), centered=centered, n_lines=len(lines),
        lines=[LineBox(min(start, len(text)), ln.x0, ln.y0, ln.x1, ln.y1, ln.size, ln.page, ln.col_left, ln.col_right)
               for ln, start in zip(lines, starts, strict=True)],
    )


# --- entry points ---------------------------------------------------------------------------

def extract_pdf(path: Path, *, use_ocr: bool = True, max_pages: int | None = None) -> Document:
    doc = open_pdf(path, max_pages)
    try:
        return _extract_open_pdf(doc, path, use_ocr)
    finally:
        doc.close()


def _extract_open_pdf(doc: pymupdf.Document, path: Path, use_ocr: bool) -> Document:
    raw_pages: list[list[Line]] = []
    heights: list[float] = []
    ocr_pages: list[int] = []
    empty_pages: list[int] = []
    warnings: list[str] = []
    mojibake = None
    for index in range(doc.page_count):
        try:
            page = doc.load_page(index)
            lines = _page_lines(page, index)
        except Exception as exc:
            raise IngestError(f"cannot read page {index + 1}: {exc}") from exc
        heights.append(page.rect.height)
        sample = " ".join(ln.text for ln in lines)
        if mojibake is None and len(sample) > 200:
            mojibake = looks_like_mojibake(sample)
        if mojibake:
            for ln in lines:
                ln.text = fix_mojibake(ln.text)
            sample = " ".join(ln.text for ln in lines)
        usable = text_layer_is_usable(sample)
        if not usable or (len(sample) < 200 and _has_large_image(page)):
            ocr_lines = ocr.ocr_page_lines(page, index) if use_ocr else None
            if ocr_lines is not None:
                lines = _merge_same_row(ocr_lines)
                ocr_pages.append(index)
            elif not usable or _has_large_image(page):
                lines = []
                empty_pages.append(index)
        raw_pages.append(lines)
    if empty_pages and not ocr_pages:
        warnings.append(ocr.unavailable_message(len(empty_pages)) if use_ocr else
                        f"{len(empty_pages)} page(s) have no usable text layer (OCR disabled)")
    body_pages, margins, numbers = split_margins(raw_pages, heights)
    ordered = [order_lines(lines) for lines in body_pages]
    meta = {k: v for k, v in (doc.metadata or {}).items() if v}
    labels, printed, counted = read_page_labels(doc, doc.page_count, numbers, margins)
    removed = Counter(m["text"] for page in margins for m in page if not _PAGE_NUMBER.match(m["text"]))
    return Document(
        path=str(path), n_pages=doc.page_count,
        page_labels=labels or [str(i + 1) for i in range(doc.page_count)], labels_printed=printed,
        labels_count_pages=counted,
        paragraphs=build_paragraphs(ordered), margin_texts=[t for t, _ in removed.most_common()],
        margins=margins, metadata=meta, ocr_pages=ocr_pages, empty_pages=empty_pages, warnings=warnings,
    )


_MD_HEADING = re.compile(r"^#{1,6}\s+")
_COMMON_RU = set("оеаинтсрвл")


def _russian_score(text: str) -> float:
    """Share of Cyrillic letters that are the most frequent Russian lower-case letters."""
    cyr = [c for c in text if "а" <= c.lower() <= "я" or c in "ёЁ"]
    return sum(c in _COMMON_RU for c in cyr) / len(cyr) if cyr else 0.0


def decode_text(raw: bytes) -> str:
    """Bytes of a text file -> str: UTF-8/16/32 (BOM), else UTF-8, else the better of cp1251 and KOI8-R."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(f"not valid {codec.upper()} text: {exc.reason} at byte {exc.start}") from exc
    controls = sum(raw.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    if controls > len(raw) // 50:
        raise IngestError("binary data, not text (control bytes and no Unicode byte-order mark)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [raw.decode(codec, errors="replace") for codec in ("cp1251", "koi8_r")]
    return max(candidates, key=_russian_score)


def extract_text_file(path: Path) -> Document:
    """A .txt or .md file: paragraphs are blank-line separated; one page."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise IngestError("empty file")
    content = decode_text(raw)
    paragraphs = []
    for block in re.split(r"\n\s*\n", content):
        lines = [clean_line(x) for x in block.splitlines() if x.strip()]
        if not lines:
            continue
        heading = bool(_MD_HEADING.match(lines[0]))
        lines[0] = _MD_HEADING.sub("", lines[0])
        text, _ = join_lines(lines, Lexicon(lines))
        paragraphs.append(Paragraph(text=text, page_marks=[(0, 0)], bold=heading, n_lines=len(lines)))
    return Document(path=str(path), n_pages=1, page_labels=["1"], paragraphs=paragraphs)


def extract(path: Path, *, use_ocr: bool = True, max_pages: int | None = None) -> Document:
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        return extract_text_file(path)
    return extract_pdf(path, use_ocr=use_ocr, max_pages=max_pages)
