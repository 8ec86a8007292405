"""The data that flows between ingest steps: each step takes one of these and returns the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


def pages_in(marks, start: int, end: int, default: tuple[int, int]) -> tuple[int, int]:
    """Physical pages covered by characters [start, end) of a text whose pages start at `marks`."""
    if not marks:
        return default
    first = last = marks[0][1]
    for offset, page in marks:
        if offset <= start:
            first = page
        if offset < max(end, start + 1):
            last = page
    return first, last


@dataclass
class Line:
    """One visual line of text on a page, in PDF points."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool = False
    page: int = 0
    col_left: float = 0.0  # typical left edge of the column this line sits in
    col_right: float = 0.0
    table: bool = False  # a cell of a table row

    @property
    def width(self) -> float:
        return self.x1 - self.x0


class LineBox(NamedTuple):
    """Where one line of a paragraph starts in its text, and where it sat on the page (points)."""

    start: int
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    page: int
    col_left: float
    col_right: float


@dataclass
class Paragraph:
    """A run of lines that belong together, with the page each part of it came from."""

    text: str
    page_marks: list[tuple[int, int]]  # (char offset, physical page) where each page's part starts
    bold: bool = False
    size: float = 0.0
    centered: bool = False
    n_lines: int = 1
    table: bool = False  # every line a cell of a table row ('Reference' over a table's first column)
    lines: list[LineBox] = field(default_factory=list, repr=False, compare=False)  # empty for text files

    @property
    def first_page(self) -> int:
        return self.page_marks[0][1]

    @property
    def last_page(self) -> int:
        return self.page_marks[-1][1]

    def pages_of(self, start: int, end: int) -> tuple[int, int]:
        """Physical pages covered by characters [start, end) of the text."""
        return pages_in(self.page_marks, start, end, (self.first_page, self.first_page))


@dataclass
class Document:
    """What extraction knows about one file: its paragraphs in reading order, and page labels."""

    path: str
    n_pages: int
    page_labels: list[str]
    paragraphs: list[Paragraph]
    margin_texts: list[str] = field(default_factory=list)  # running headers/footers removed
    margins: list[list[dict]] = field(default_factory=list)  # per page: the removed lines (text, where, y, x, size)
    labels_printed: bool = False  # page_labels were printed (PDF labels or margin numbers), not 1..n
    labels_count_pages: bool = False  # printed as 'Page 3 of 9': the file's own count, not a range in a volume
    metadata: dict = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)
    empty_pages: list[int] = field(default_factory=list)  # no usable text and no OCR
    warnings: list[str] = field(default_factory=list)


@dataclass
class Section:
    kind: str  # front | abstract | body | references | back
    paragraphs: list[Paragraph]


@dataclass
class Paper:
    """A paper found in a document; unknown fields stay None, never guessed."""

    title: str | None
    authors: list[str]
    affiliation: str | None
    year: int | None
    lang: str | None
    udc: str | None
    doi: str | None
    keywords: list[str]
    abstract: str | None
    fragment: bool
    first_page: int
    last_page: int
    sections: list[Section]
    headings: dict[int, str] = field(default_factory=dict)  # id(paragraph) -> heading above it
    authors_parsed: list[dict] = field(default_factory=list)  # {"family", "given"} per entry of authors
    venue: dict = field(default_factory=dict)  # container, volume, issue, publisher, place (None when not printed)
    page_range: str | None = None  # printed page range, "45–58"; None when no page numbers are printed
    cover: bool = False  # a download cover in front of the article (kept as a fragment)


@dataclass
class Passage:
    text: str
    section: str
    heading: str | None
    first_page: int
    last_page: int
    lang: str | None
    sentences: list[tuple[int, int]]
    page_marks: list[tuple[int, int]] = field(default_factory=list)  # (char offset, physical page)

    def pages_of(self, start: int, end: int) -> tuple[int, int]:
        """Physical pages covered by characters [start, end) of the text."""
        return pages_in(self.page_marks, start, end, (self.first_page, self.last_page))
