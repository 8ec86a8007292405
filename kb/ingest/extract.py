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

import numpy as np
import pymupdf

from kb.errors import IngestError
from kb.ingest import ocr
from kb.ingest.model import Document, Line, Paragraph
from kb.ingest.text import (
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
_TEXT_FLAGS = pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_PRESERVE_WHITESPACE
_PAGE_NUMBER = re.compile(r"^[\s\-–—|]*(\d{1,4})[\s\-–—|]*$")
_NUMBER_IN_MARGIN = re.compile(r"(?:^|\s)(\d{1,4})(?:\s|$)")
_TERMINAL = tuple(".!?:;»\")…")


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
        if (prev is not None and abs(prev.y1 - ln.y1) < 0.4 * ln.size and 0 <= ln.x0 - prev.x1 < 0.8 * ln.size
                and not prev.text.rstrip().endswith(("-", "\u00ad"))):
            # one visual line stored in pieces; a wider gap, or a piece ending in a hyphen, is a column edge
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


def strip_margins(pages: list[list[Line]], heights: list[float]) -> tuple[list[list[Line]], list[str], dict[int, list[int]]]:
    """Remove running headers, footers and page numbers.

    A margin line is running matter when its text (digits folded) repeats on other pages or
    is a bare number. Numbers found there are returned as printed-page candidates.
    """
    keys = Counter()
    for lines, h in zip(pages, heights, strict=True):
        keys.update({_margin_key(ln.text) for ln in lines if _in_margin(ln, h)})
    n = len(pages)
    repeat = 2 if n <= 6 else max(3, round(0.1 * n))
    removed: Counter[str] = Counter()
    numbers: dict[int, list[int]] = {}
    kept_pages: list[list[Line]] = []
    for idx, (lines, h) in enumerate(zip(pages, heights, strict=True)):
        kept = []
        for ln in lines:
            if _in_margin(ln, h):
                key = _margin_key(ln.text)
                bare = _PAGE_NUMBER.match(ln.text)
                if bare or keys[key] >= repeat:
                    if not bare:
                        removed[ln.text] += 1
                    numbers.setdefault(idx, []).extend(int(x) for x in _NUMBER_IN_MARGIN.findall(ln.text))
                    continue
            kept.append(ln)
        kept_pages.append(kept)
    return kept_pages, [t for t, _ in removed.most_common()], numbers


def page_labels(doc: pymupdf.Document | None, n_pages: int, numbers: dict[int, list[int]]) -> list[str]:
    """Printed page labels: the PDF's own labels, else numbers read in the margins, else 1..n.

    Margin numbers count only when they advance with the pages (a year in a footer does not);
    a page before the first printed number (a download cover) gets an empty label.
    """
    if doc is not None:
        try:
            labels = [doc[i].get_label() for i in range(n_pages)]
        except Exception:
            labels = []
        if labels and all(labels) and len(set(labels)) == n_pages and labels != [str(i + 1) for i in range(n_pages)]:
            return labels
    offsets = Counter(num - idx for idx, nums in numbers.items() for num in set(nums))
    if offsets:
        offset, support = offsets.most_common(1)[0]
        if support >= max(2, len(numbers) // 3) and offset > -n_pages:
            return [str(i + offset) if i + offset >= 1 else "" for i in range(n_pages)]
    return [str(i + 1) for i in range(n_pages)]


# --- reading order ------------------------------------------------------------------------

def _find_gutter(lines: list[Line]) -> float | None:
    """x of the gap between two columns, or None for a single-column page."""
    if len(lines) < 8:
        return None
    x0 = np.fromiter((ln.x0 for ln in lines), dtype=np.float32, count=len(lines))
    x1 = np.fromiter((ln.x1 for ln in lines), dtype=np.float32, count=len(lines))
    left, right = float(x0.min()), float(x1.max())
    xs = left + (right - left) * np.arange(30, 71, 2, dtype=np.float32)[:, None] / 100
    crossing = ((x0 < xs - 1) & (x1 > xs + 1)).sum(axis=1)
    on_left = (x1 <= xs + 1).sum(axis=1)
    on_right = (x0 >= xs - 1).sum(axis=1)
    narrow = (x1 - x0) < 0.55 * (right - left)
    n_narrow = int(narrow.sum())
    if n_narrow < 8:
        return None
    ok = (on_left >= 4) & (on_right >= 4) & (crossing <= 0.5 * len(lines)) & (on_left + on_right >= 0.8 * n_narrow)
    if not ok.any():
        return None
    balance = np.minimum(on_left, on_right)
    score = np.where(ok, crossing * 10_000 - balance, np.iinfo(np.int64).max)
    return float(xs[int(score.argmin()), 0])


def order_lines(lines: list[Line]) -> list[Line]:
    """Reading order: bands split by full-width lines; inside a band, left column then right.

    Also records each line's column edges, which paragraph building needs for indents.
    """
    lines = sorted(lines, key=lambda ln: (ln.y0, ln.x0))
    gutter = _find_gutter(lines)
    if gutter is None:
        _set_column_edges(lines)
        return lines
    ordered: list[Line] = []
    band_left: list[Line] = []
    band_right: list[Line] = []
    columns: tuple[list[Line], list[Line], list[Line]] = ([], [], [])

    def flush():
        ordered.extend(band_left)
        ordered.extend(band_right)
        band_left.clear()
        band_right.clear()

    for ln in lines:
        if ln.x0 < gutter - 1 and ln.x1 > gutter + 1:
            flush()
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
    return ordered


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
    same_flow = ln.page == prev.page and abs(left - p_left) < 5 and 0 < ln.y0 - prev.y0
    ends_sentence = prev.text.endswith(_TERMINAL)
    short_prev = prev.x1 < p_right - 2.5 * prev.size
    indented = ln.x0 > left + 0.8 * ln.size and ln.x0 - left < 6 * ln.size
    if same_flow:
        if ln.y0 - prev.y0 > 1.5 * pitch:
            return True
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
        text=text, page_marks=marks, bold=all(ln.bold for ln in lines),
        size=max(ln.size for ln in lines), centered=centered, n_lines=len(lines),
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
    body_pages, margins, numbers = strip_margins(raw_pages, heights)
    ordered = [order_lines(lines) for lines in body_pages]
    meta = {k: v for k, v in (doc.metadata or {}).items() if v}
    return Document(
        path=str(path), n_pages=doc.page_count,
        page_labels=page_labels(doc, doc.page_count, numbers) or [str(i + 1) for i in range(doc.page_count)],
        paragraphs=build_paragraphs(ordered), margin_texts=margins, metadata=meta,
        ocr_pages=ocr_pages, empty_pages=empty_pages, warnings=warnings,
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
