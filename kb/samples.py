"""Typeset the seed texts into realistic test PDFs, with ground truth about pages.

The seeds in ../shared/seeds are text extracted from real proceedings pages.  The
extractor has to cope with running headers, page footers, words hyphenated at line
ends, two-column journal layouts and broken files, so this module re-typesets the
seeds with exactly those features and records which text landed on which page.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

PAGE_W, PAGE_H = 595.0, 842.0
MARGIN_X = 57.0
BODY_TOP, BODY_BOTTOM = 72.0, 772.0  # header/footer zones are the top/bottom 7 % (59 pt)
HEADER_Y, FOOTER_Y = 40.0, 812.0
GUTTER = 20.0
PROCEEDINGS_HEADER = (
    "Материалы докладов 58-й Международной научно-технической конференции преподавателей и студентов"
)
JOURNAL_HEADER = "Международный бизнес и внешнеэкономическая деятельность"
FOOTER = "УО «ВГТУ», 2025"
FONTS = {k: pymupdf.Font(v) for k, v in {"r": "tiro", "b": "tibo", "i": "tiit", "bi": "tibi"}.items()}
_ADVANCE: dict[str, dict[str, float]] = {k: {} for k in FONTS}


def _tl(font: str, text: str, size: float) -> float:
    """Font.text_length with cached glyph advances (the uncached call dominates render time)."""
    adv = _ADVANCE[font]
    for c in text:
        if c not in adv:
            adv[c] = FONTS[font].glyph_advance(ord(c))
    return size * sum(adv[c] for c in text)


# ---------------------------------------------------------------- parsing seeds


@dataclass
class Block:
    """One logical paragraph of a seed; `kind` drives the typesetting style."""

    kind: str
    text: str
    bold: bool = False


@dataclass
class Paper:
    """A paper (or the leading fragment of one) within a seed."""

    title: str | None
    authors_line: str | None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class _Raw:
    text: str
    level: int = 0  # markdown heading level, 0 for plain paragraphs
    bullet: bool = False  # "- " not followed by "N." (continuation of a split entry)
    bold: bool = False


_FOOTER_RE = re.compile(r"^УО «ВГТУ», \d{4}$")
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
_LINK_RE = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
_MATH_RE = re.compile(r"\$([^$]+)\$")
_TEX = {r"\beta": "β", r"\alpha": "α", r"\gamma": "γ", r"\leq": "≤", r"\geq": "≥", r"\times": "×"}
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_UDC_RE = re.compile(r"^(UDC|УДК)\s")
_REFHEAD_RE = re.compile(
    r"(?i)^(список (использованных )?(источников|литературы)|библиографический список|литература|references)$"
)
_CAPTION_RE = re.compile(r"^(Рис\.|Рисунок|Fig\.|Figure)\s*\d+\.?")
_KEYWORDS_RE = re.compile(r"^(Keywords|Key words|Ключевые слова)\s*:", re.I)
_ABSTRACT_RE = re.compile(r"^(Abstract|Аннотация)\s*[.:]")
_AFFIL = r"(?i:universit|университет|институт|institute|academy|академи)"
_AUTHORS_AFFIL_RE = re.compile(r"^(.+?\.)(?=[A-ZА-ЯЁ][a-zа-яё]+ .*" + _AFFIL + ")")
_TERMINAL = tuple(".!?:;»")


def _math(m: re.Match) -> str:
    s = m.group(1)
    for tex, char in _TEX.items():
        s = s.replace(tex, char)
    s = re.sub(r"\^\{?(\d+)\}?", lambda d: d.group(1).translate(_SUP), s)
    return re.sub(r"\s*([=<>])\s*", r" \1 ", s).strip()


def _clean(s: str) -> tuple[str, bool]:
    """Undo the markdown/LaTeX artefacts of the extraction; report a fully bold line."""
    s = _LINK_RE.sub(r"\1", s)
    s = _MATH_RE.sub(_math, s)
    s = s.replace("\\\\_", "_").replace("\\_", "_").replace("\\(", "(").replace("\\)", ")")
    s = re.sub(r"</?u>", "", s)
    bold = s.startswith("**") and s.endswith("**") and s.count("**") == 2
    return re.sub(r"\s+", " ", s.replace("**", "")).strip(), bold


def _raw_items(text: str) -> list[_Raw]:
    items = []
    for line in text.splitlines():
        s = line.strip()
        if not s or _FOOTER_RE.match(s):
            continue
        m = _HEADING_RE.match(s)
        level, s = (len(m.group(1)), m.group(2)) if m else (0, s)
        bullet = False
        if s.startswith("- "):
            s = s[2:]
            bullet = not re.match(r"\d+\.", s)
        clean, bold = _clean(s)
        items.append(_Raw(clean, level, bullet, bold))
    return items


def _glue(left: str, right: _Raw) -> str | None:
    """Join a paragraph split by an original page break, or None when it is not one."""
    if right.bullet and not left.endswith(_TERMINAL):
        return f"{left} {right.text}"
    if right.text.lstrip('(«"“')[:1].islower():
        if re.search(r"[^\W\d_]-$", left):
            return left[:-1] + right.text
        if not left.endswith(_TERMINAL):
            return f"{left} {right.text}"
    return None


def _join(items: list[_Raw]) -> list[_Raw]:
    out: list[_Raw] = []
    for it in items:
        targets = out[-1:] if out else []
        if targets and _CAPTION_RE.match(targets[0].text) and len(out) > 1:
            targets.append(out[-2])  # a paragraph continuing after a figure
        for target in targets:
            glued = None if (target.level or it.level) else _glue(target.text, it)
            if glued is not None:
                target.text = glued
                break
        else:
            out.append(it)
    return out


def _front_blocks(it: _Raw, phase: str, paper: Paper) -> tuple[list[Block], str] | None:
    """Classify the lines between the UDC line and the body; None once the body starts."""
    t = it.text
    if phase == "title":
        paper.title = t
        return [Block("title", t, True)], "authors"
    if phase == "authors":
        m = _AUTHORS_AFFIL_RE.match(t)  # "..., студ.Витебский ... университет" on one line
        paper.authors_line = m.group(1) if m else t
        if m:
            return [Block("authors", m.group(1), True), Block("affiliation", t[m.end(1) :])], "front"
        return [Block("authors", t, True)], "position"
    if it.level or phase not in ("position", "front", "abstract"):
        return None
    if t.lower().startswith("e-mail"):
        return [Block("email", t)], "front"
    if _KEYWORDS_RE.match(t):
        return [Block("keywords", t)], "abstract"
    if _ABSTRACT_RE.match(t):
        return [Block("abstract", t)], "front"
    if re.search(_AFFIL, t) and len(t) < 250:
        return [Block("affiliation", t)], "front"
    if phase == "position" and len(t) < 200:
        return [Block("position", t)], "position"
    if phase == "abstract" and not any(b.kind == "abstract" for b in paper.blocks):
        return [Block("abstract", t)], "body"
    return None


def _body_block(it: _Raw, phase: str) -> tuple[Block, str]:
    t = it.text
    if it.level or (it.bold and len(t) < 200):
        if _REFHEAD_RE.match(t):
            return Block("refheading", t, True), "refs"
        return Block("heading", t, True), "body"
    if _CAPTION_RE.match(t):
        return Block("caption", t), phase
    if phase == "refs":
        return Block("ref", t), "refs"
    return Block("para", t, it.bold), "body"


def parse_seed(text: str) -> list[Paper]:
    """Seed text -> papers (first one is a fragment with title None when the seed starts mid-paper)."""
    papers: list[Paper] = []
    phase = "body"
    for it in _join(_raw_items(text)):
        if _UDC_RE.match(it.text):
            papers.append(Paper(None, None, [Block("udc", it.text)]))
            phase = "title"
            continue
        if not papers:
            papers.append(Paper(None, None, []))
        paper = papers[-1]
        front = _front_blocks(it, phase, paper)
        if front is None:
            block, phase = _body_block(it, "refs" if phase == "refs" else "body")
            paper.blocks.append(block)
        else:
            blocks, phase = front
            paper.blocks.extend(blocks)
    return papers


# ---------------------------------------------------------------- line breaking


@dataclass(frozen=True)
class _Style:
    size: float
    font: str = "r"
    align: str = "justify"
    indent: float = 0.0
    before: float = 0.0
    after: float = 0.0
    keep: float = 0.0  # room needed below the block's first lines, else start a new frame
    label: str | None = None  # font of a leading label ("Keywords:", "Рис. 1.")

    @property
    def lead(self) -> float:
        return round(self.size * 1.23, 2)


@dataclass
class _Line:
    words: list[tuple[str, str]]
    first: bool
    last: bool = False
    joint: str = " "  # how the text continues on the next line: " " or "" (word broken)
    soft: bool = False  # trailing "-" was inserted by the hyphenation, not in the text


_LABEL_RES = {"keywords": r"^[^:]{1,25}:", "abstract": _ABSTRACT_RE.pattern, "caption": _CAPTION_RE.pattern}


def _words(block: Block, style: _Style) -> list[tuple[str, str]]:
    font = "b" if block.bold and style.font == "r" else style.font
    words = [(w, font) for w in block.text.split()]
    m = re.match(_LABEL_RES.get(block.kind, "$^"), block.text)
    if style.label and m:
        n = len(m.group(0).split())
        words[:n] = [(w, style.label) for w, _ in words[:n]]
    return words


def _width(words: list[tuple[str, str]], size: float) -> float:
    space = _tl("r", " ", size) * max(len(words) - 1, 0)
    return space + sum(_tl(f, w, size) for w, f in words)


def _letters(s: str) -> int:
    return sum(c.isalpha() for c in s)


_VOWELS = frozenset("аеёиоуыэюяАЕЁИОУЫЭЮЯaeiouyAEIOUY")


def _syllable_break(w: str, k: int) -> bool:
    """Rough syllable rule: V-CV or C-C, 3+ letters and a vowel on each side."""
    left, right = w[:k], w[k:]
    if not (left[-1].isalpha() and right[0].isalpha() and right[1:2].isalpha()) or right[0] in "ьъйЬЪЙ":
        return False
    if _letters(left) < 3 or _letters(right) < 3 or not (_VOWELS & set(left) and _VOWELS & set(right)):
        return False
    if right[0] in _VOWELS:
        return False
    return left[-1] not in _VOWELS or right[1] in _VOWELS


def _split(w: str, font: str, size: float, avail: float, hyphenate: bool, force: bool):
    """Best break of `w` into a left part fitting `avail`: real hyphen, inserted hyphen, or forced."""
    for i in range(len(w) - 3, 1, -1):  # an existing hyphen is the natural break point
        if w[i] == "-" and w[i - 1].isalnum() and w[i + 1].isalnum():
            if _tl(font, w[: i + 1], size) <= avail:
                return w[: i + 1], w[i + 1 :], False
    plain = not re.search(r"[-\d/@]|www|http", w)  # never add a hyphen to a hyphenated word
    if hyphenate and plain and _letters(w) >= 8:
        for k in range(len(w) - 3, 2, -1):
            if _syllable_break(w, k) and _tl(font, w[:k] + "-", size) <= avail:
                return w[:k] + "-", w[k:], True
    if force:  # longer than a whole line (URLs): cut without a hyphen, preferably after "/" or "."
        fits = [k for k in range(1, len(w)) if _tl(font, w[:k], size) <= avail] or [1]
        nice = [k for k in fits if w[k - 1] in "/._"]
        k = nice[-1] if nice and nice[-1] > fits[-1] * 0.6 else fits[-1]
        return w[:k], w[k:], None
    return None


def _break(words, style: _Style, width: float, hyphenate: bool, log: list) -> list[_Line]:
    """Greedy line breaking; appends (left, right, is_real_hyphen) to `log` for every broken word."""
    hyphenate = hyphenate and style.align == "justify"
    lines = [_Line([], True)]
    queue = list(words)
    space = _tl("r", " ", style.size)
    while queue:
        w, f = queue.pop(0)
        line = lines[-1]
        used = _width(line.words, style.size) + (space if line.words else 0)
        avail = width - (style.indent if line.first else 0) - used
        if _tl(f, w, style.size) <= avail + 0.01:
            line.words.append((w, f))
            continue
        split = _split(w, f, style.size, avail, hyphenate, force=not line.words)
        if split:
            left, right, soft = split
            line.words.append((left, f))
            line.joint, line.soft = "", bool(soft)
            if soft is not None:
                log.append((left, right, not soft))
            queue.insert(0, (right, f))
        else:
            queue.insert(0, (w, f))
        lines.append(_Line([], False))
    lines[-1].last = True
    lines[-1].joint = ""
    return lines


# ---------------------------------------------------------------- page flow


def _proceedings_styles() -> dict[str, _Style]:
    body = 13.53 * 2
    return {
        "udc": _Style(11, align="left", before=20, keep=150),
        "title": _Style(12, "b", "center", before=6, after=6, keep=body),
        "authors": _Style(11, "bi", "center", keep=body),
        "position": _Style(11, "i", "center", keep=body),
        "affiliation": _Style(11, "i", "center", after=6, keep=body),
        "email": _Style(11, "r", "center", after=6, keep=body),
        "abstract": _Style(10, indent=18, label="i"),
        "keywords": _Style(10, indent=18, label="i", after=6),
        "heading": _Style(11, "b", "center", before=6, after=3, keep=body),
        "refheading": _Style(11, "b", "center", before=6, after=3, keep=body),
        "para": _Style(11, indent=18),
        "ref": _Style(10, indent=18),
        "caption": _Style(10, align="center", label="b", after=6),
    }


def _journal_styles() -> dict[str, _Style]:
    body = 12.3 * 2
    return {
        "udc": _Style(9, align="left", after=6),
        "title": _Style(14, "b", "center", after=8),
        "authors": _Style(11, "bi", "left", after=2),
        "position": _Style(9, "i", "left"),
        "affiliation": _Style(9, "i", "left"),
        "email": _Style(9, "r", "left", after=6),
        "keywords": _Style(9, label="b", after=4),
        "abstract": _Style(9, "i", indent=14),
        "heading": _Style(10, "b", "left", before=6, after=3, keep=body),
        "refheading": _Style(10, "b", "center", before=6, after=3, keep=body),
        "para": _Style(10, indent=14),
        "ref": _Style(8.5, indent=10),
        "caption": _Style(9, align="center", label="b", after=6),
    }


FRONT_KINDS = {"udc", "title", "authors", "position", "affiliation", "email", "keywords", "abstract"}


@dataclass
class LineInfo:
    """One drawn line of a block: where it is and which block it belongs to."""

    page: int
    paper: int
    block: int
    text: str
    bbox: tuple[float, float, float, float]
    joint: str = " "
    soft: bool = False


class _Flow:
    """Pages and frames (full width or two columns); the cursor `y` moves down a frame."""

    def __init__(self, doc: pymupdf.Document, header: str, footer: str | None, first_page: int):
        self.doc, self.header, self.footer, self.first_page = doc, header, footer, first_page
        self.writers: list[pymupdf.TextWriter] = []
        self.col: int | None = None
        self.new_page()

    def new_page(self) -> None:
        page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        tw = pymupdf.TextWriter(page.rect)
        x = (PAGE_W - _tl("i", self.header, 8)) / 2
        tw.append((x, HEADER_Y), self.header, font=FONTS["i"], fontsize=8)
        page.draw_line((MARGIN_X, HEADER_Y + 5), (PAGE_W - MARGIN_X, HEADER_Y + 5), width=0.5)
        self.writers.append(tw)
        self.y = self.top = BODY_TOP
        self.col = None if self.col is None else 0

    @property
    def page(self) -> int:
        return len(self.writers) - 1

    def span(self) -> tuple[float, float]:
        if self.col is None:
            return MARGIN_X, PAGE_W - MARGIN_X
        w = (PAGE_W - 2 * MARGIN_X - GUTTER) / 2
        x0 = MARGIN_X + self.col * (w + GUTTER)
        return x0, x0 + w

    def start_columns(self) -> None:
        self.col, self.top = 0, self.y

    def next_frame(self) -> None:
        if self.col == 0:
            self.col, self.y = 1, self.top
        else:
            self.new_page()

    def ensure(self, height: float) -> None:
        if self.y + height > BODY_BOTTOM and self.y > self.top + 0.1:
            self.next_frame()

    def finish(self) -> None:
        for i, tw in enumerate(self.writers):
            num = str(self.first_page + i)
            size, f = 9, FONTS["r"]
            if self.footer:
                tw.append((MARGIN_X, FOOTER_Y), self.footer, font=f, fontsize=size)
                x = PAGE_W - MARGIN_X - f.text_length(num, size)
            else:
                x = (PAGE_W - f.text_length(num, size)) / 2
            tw.append((x, FOOTER_Y), num, font=f, fontsize=size)
            tw.write_text(self.doc[i])


def _draw_line(tw: pymupdf.TextWriter, line: _Line, style: _Style, x0: float, x1: float, base: float):
    size = style.size
    widths = [_tl(f, w, size) for w, f in line.words]
    space = _tl("r", " ", size)
    start = x0 + (style.indent if line.first else 0)
    natural = sum(widths) + space * (len(widths) - 1)
    gap = space
    if style.align == "justify" and not line.last and len(widths) > 1:
        stretched = space + (x1 - start - natural) / (len(widths) - 1)
        gap = stretched if stretched < 4 * space else space
    elif style.align == "center":
        start += (x1 - start - natural) / 2
    x = start
    last = len(widths) - 1
    for i, ((w, f), wl) in enumerate(zip(line.words, widths, strict=True)):
        # Word processors write the space character too; extractors rely on it.
        tw.append((x, base), w if i == last else w + " ", font=FONTS[f], fontsize=size)
        x += wl + gap
    return (round(start, 2), round(base - size * 0.75, 2), round(x - gap, 2), round(base + size * 0.25, 2))


def _draw_figure(flow: _Flow, height: float) -> None:
    """A stand-in for the figure above a caption: a frame with a life-cycle curve."""
    flow.ensure(height + 30)
    x0, x1 = flow.span()
    r = pymupdf.Rect(x0 + 20, flow.y + 4, x1 - 20, flow.y + height - 4)
    page = flow.doc[flow.page]
    page.draw_rect(r, width=0.6)
    pts = [
        (r.x0 + r.width * t / 20, r.y1 - r.height * (0.15 + 0.7 * (4 * t / 20 * (1 - t / 20))))
        for t in range(21)
    ]
    page.draw_polyline(pts, width=1)
    flow.y += height


class _Typesetter:
    """Puts blocks into a _Flow and keeps the ground truth of every line."""

    def __init__(self, flow: _Flow, styles: dict[str, _Style], hyphenate: bool):
        self.flow, self.styles, self.hyphenate = flow, styles, hyphenate
        self.lines: list[LineInfo] = []
        self.hyphenated: list[tuple[str, str, bool]] = []

    def block(self, pi: int, bi: int, block: Block) -> None:
        flow, style = self.flow, self.styles[block.kind]
        if block.kind == "caption":
            _draw_figure(flow, 150 if flow.col is None else 100)
        x0, x1 = flow.span()
        lines = _break(_words(block, style), style, x1 - x0, self.hyphenate, self.hyphenated)
        if style.before and flow.y > flow.top + 0.1:
            flow.y += style.before
        if style.keep:
            flow.ensure(min(len(lines), 3) * style.lead + style.keep)
        for line in lines:
            if flow.y + style.lead > BODY_BOTTOM:
                flow.next_frame()
            x0, x1 = flow.span()
            bbox = _draw_line(flow.writers[-1], line, style, x0, x1, flow.y + style.size)
            text = " ".join(w for w, _ in line.words)
            self.lines.append(LineInfo(flow.page, pi, bi, text, bbox, line.joint, line.soft))
            flow.y += style.lead
        flow.y += style.after


# ---------------------------------------------------------------- results


@dataclass
class RenderedPdf:
    """A rendered sample PDF plus the ground truth the extractor is checked against."""

    path: Path
    page_labels: list[str]
    block_pages: list[tuple[int, int, str, list[int]]]
    papers: list[dict]
    hyphenated: list[tuple[str, str]]
    hyphen_real: list[bool] = field(default_factory=list)  # parallel to hyphenated: broke at a real "-"
    lines: list[LineInfo] = field(default_factory=list)
    _segments: dict | None = field(default=None, init=False, repr=False, compare=False)

    def block_segments(self) -> dict[tuple[int, int], tuple[str, list[tuple[int, int, int]]]]:
        """(paper, block) -> (text rebuilt from the drawn lines, [(start, end, page)] per line)."""
        if self._segments is not None:
            return self._segments
        out: dict[tuple[int, int], tuple[str, list[tuple[int, int, int]]]] = {}
        for ln in self.lines:
            text, segs = out.get((ln.paper, ln.block), ("", []))
            piece = ln.text[:-1] if ln.soft else ln.text
            segs.append((len(text), len(text) + len(piece), ln.page))
            out[(ln.paper, ln.block)] = (text + piece + ln.joint, segs)
        self._segments = out
        return out

    def page_of(self, needle: str) -> list[int]:
        """Physical pages on which `needle` (whitespace and line-end hyphens normalised) was drawn."""
        needle = re.sub(r"\s+", " ", needle).strip()
        between = r"(?<=[^\W\d_])- (?=[^\W\d_])"
        candidates = [needle, re.sub(between, "", needle), re.sub(between, "-", needle)]
        pages: set[int] = set()
        for text, segs in self.block_segments().values():
            for cand in dict.fromkeys(candidates):
                for m in re.finditer(re.escape(cand), text):
                    pages |= {p for s, e, p in segs if s < m.end() and e > m.start()}
        return sorted(pages)


def _result(path: Path, n_pages: int, ts: _Typesetter, papers: list[Paper], first_page: int) -> RenderedPdf:
    pages: dict[tuple[int, int], list[int]] = {}
    for ln in ts.lines:
        pages.setdefault((ln.paper, ln.block), [])
        if ln.page not in pages[(ln.paper, ln.block)]:
            pages[(ln.paper, ln.block)].append(ln.page)
    block_pages = [
        (pi, bi, b.text, pages.get((pi, bi), []))
        for pi, p in enumerate(papers)
        for bi, b in enumerate(p.blocks)
    ]
    info = []
    for pi, p in enumerate(papers):
        spans = [pg for (q, _), pgs in pages.items() if q == pi for pg in pgs]
        info.append(
            {
                "title": p.title,
                "authors_line": p.authors_line,
                "first_page": min(spans),
                "last_page": max(spans),
                "fragment": p.title is None,
            }
        )
    return RenderedPdf(
        path=path,
        page_labels=[str(first_page + i) for i in range(n_pages)],
        block_pages=block_pages,
        papers=info,
        hyphenated=[(left, right) for left, right, _ in ts.hyphenated],
        hyphen_real=[real for _, _, real in ts.hyphenated],
        lines=ts.lines,
    )


def _save(doc, path, first_page: int, page_labels_in_pdf: bool, title: str | None) -> Path:
    if page_labels_in_pdf:
        doc.set_page_labels([{"startpage": 0, "prefix": "", "style": "D", "firstpagenum": first_page}])
    doc.set_metadata({"title": title} if title else {})
    doc.subset_fonts()  # "ABCDEF+Times-Roman" subsets, as in typeset PDFs
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path, garbage=3, deflate=True)
    doc.close()
    return path


def render_proceedings(
    papers: list[Paper],
    path,
    *,
    first_page: int = 143,
    header: str = PROCEEDINGS_HEADER,
    footer: str | None = FOOTER,
    hyphenate: bool = True,
    page_labels_in_pdf: bool = False,
) -> RenderedPdf:
    """A proceedings volume: papers flow on one after another, full width, footer + page number."""
    doc = pymupdf.open()
    flow = _Flow(doc, header, footer, first_page)
    ts = _Typesetter(flow, _proceedings_styles(), hyphenate)
    for pi, paper in enumerate(papers):
        for bi, block in enumerate(paper.blocks):
            ts.block(pi, bi, block)
    flow.finish()
    n_pages = doc.page_count
    path = _save(doc, path, first_page, page_labels_in_pdf, None)
    return _result(path, n_pages, ts, papers, first_page)


def render_two_column(
    papers: list[Paper],
    path,
    *,
    first_page: int = 173,
    header: str = JOURNAL_HEADER,
    footer: str | None = None,
    hyphenate: bool = True,
    page_labels_in_pdf: bool = True,
) -> RenderedPdf:
    """A journal article: front matter in full width, then body and references in two columns."""
    doc = pymupdf.open()
    flow = _Flow(doc, header, footer, first_page)
    ts = _Typesetter(flow, _journal_styles(), hyphenate)
    for pi, paper in enumerate(papers):
        if paper.title is not None and (pi or flow.y > flow.top):
            flow.col = None
            flow.new_page()
        for bi, block in enumerate(paper.blocks):
            if flow.col is None and (block.kind not in FRONT_KINDS or paper.title is None):
                flow.y += 10 if paper.title else 0
                flow.start_columns()
            ts.block(pi, bi, block)
    flow.finish()
    title = next((p.title for p in papers if p.title), None)
    n_pages = doc.page_count
    path = _save(doc, path, first_page, page_labels_in_pdf, title)
    return _result(path, n_pages, ts, papers, first_page)


# ---------------------------------------------------------------- broken variants


def render_image_only(src_pdf, path, pages: list[int] | None = None, dpi: int = 150) -> Path:
    """Rasterize pages into a PDF without a text layer, like a scan that needs OCR."""
    src, out = pymupdf.open(src_pdf), pymupdf.open()
    for i in pages if pages is not None else range(src.page_count):
        pix = src[i].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        page = out.new_page(width=src[i].rect.width, height=src[i].rect.height)
        page.insert_image(page.rect, pixmap=pix)
    out.save(path, deflate=True)
    return Path(path)


def encrypt_pdf(src_pdf, path, user_pw: str = "secret", owner_pw: str = "owner") -> Path:
    """AES-256 encrypted copy that cannot be opened without a password."""
    doc = pymupdf.open(src_pdf)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=user_pw, owner_pw=owner_pw)
    return Path(path)


def truncate_pdf(src_pdf, path, fraction: float = 0.6) -> Path:
    """Copy with the raw bytes cut off, like an interrupted download."""
    data = Path(src_pdf).read_bytes()
    Path(path).write_bytes(data[: int(len(data) * fraction)])
    return Path(path)


# ---------------------------------------------------------------- sample corpus


def seeds_dir() -> Path | None:
    """Seed texts: $KB_SEEDS_DIR, else ../shared/seeds beside the repo; None when absent."""
    env = os.environ.get("KB_SEEDS_DIR")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "seeds"
    return path if path.is_dir() else None


def _seed(seeds: Path, prefix: str) -> list[Paper]:
    files = sorted(seeds.glob(f"{prefix}_*.txt"))
    if not files:
        raise FileNotFoundError(f"no seed {prefix}_*.txt in {seeds}")
    return parse_seed(files[0].read_text(encoding="utf-8"))


def build_sample_corpus(out_dir, seeds=None) -> list[RenderedPdf]:
    """The 3 sample PDFs: seeds 000 and 001 as proceedings (pages 143, 151), 002 as a journal (173)."""
    seeds = Path(seeds) if seeds else seeds_dir()
    if seeds is None:
        raise FileNotFoundError("seeds directory not found (set KB_SEEDS_DIR)")
    out = Path(out_dir)
    return [
        render_proceedings(_seed(seeds, "000"), out / "sample_proceedings_p143.pdf", first_page=143),
        render_proceedings(_seed(seeds, "001"), out / "sample_proceedings_p151.pdf", first_page=151),
        render_two_column(_seed(seeds, "002"), out / "sample_journal_p173.pdf", first_page=173),
    ]
