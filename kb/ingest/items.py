"""Plain records of reference-manager items (Zotero, BibTeX, CSL-JSON), free of any database.

The readers (kb/ingest/zotero.py, kb/ingest/bibsource.py) turn their source into these; the glue
(kb/ingest/sources.py) ingests the attachments and hands the metadata to kb/store/sources.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import KbError


class SourceError(KbError):
    """A library or export cannot be read at all; the message says why (the caller names it)."""


# the kinds kb's bibliographies know (kb/cite), per source item type
ITEM_KINDS = {
    # Zotero
    "journalArticle": "article", "magazineArticle": "article", "newspaperArticle": "article",
    "conferencePaper": "conference", "bookSection": "chapter", "encyclopediaArticle": "chapter",
    "dictionaryEntry": "chapter", "book": "book", "report": "report", "thesis": "thesis",
    "webpage": "web", "blogPost": "web",
    # BibTeX / BibLaTeX
    "article": "article", "inproceedings": "conference", "conference": "conference",
    "incollection": "chapter", "inbook": "chapter", "techreport": "report", "phdthesis": "thesis",
    "mastersthesis": "thesis", "online": "web",
    # CSL
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "conference", "chapter": "chapter", "entry-encyclopedia": "chapter",
    "entry-dictionary": "chapter", "post-weblog": "web",
}

_LANGUAGES = {
    "english": "en", "russian": "ru", "русский": "ru", "ukrainian": "uk", "українська": "uk",
    "украинский": "uk", "belarusian": "be", "беларуская": "be", "белорусский": "be", "german": "de",
    "deutsch": "de", "french": "fr", "français": "fr", "spanish": "es", "español": "es", "italian": "it",
    "polish": "pl", "polski": "pl", "chinese": "zh", "kazakh": "kk", "английский": "en",
}


def language_code(value: str | None) -> str | None:
    """'en', 'en-US', 'English', 'русский' -> a two-letter code; None when it is not recognisable.

    The `lang` filter of search compares codes, so free text that is no language is not stored.
    """
    if not value:
        return None
    text = value.strip().casefold()
    m = re.fullmatch(r"([a-z]{2})(?:[-_][a-z0-9]+)*", text)
    if m:
        return m.group(1)
    return _LANGUAGES.get(text)


def year_of(value: str | None) -> int | None:
    """The year of a date as Zotero ('2020-03-00 March 2020'), BibLaTeX ('2020-03-15') or by hand writes it."""
    m = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)", value or "")
    return int(m.group(1)) if m else None


def page_range(value: str | None) -> str | None:
    """'173-177', '173--177' -> '173–177', as kb prints page ranges."""
    if not value or not value.strip():
        return None
    return re.sub(r"\s*(?:-{1,2}|–|—)\s*", "–", value.strip())


def doi_of(value: str | None) -> str | None:
    m = re.search(r"10\.\d{4,9}/\S+", value or "")
    return m.group(0).rstrip(".,;") if m else None


def initials(given: str) -> str:
    """'Sergey Viktorovich' -> 'S. V.', 'Jean-Paul' -> 'J.-P.' (already initials stay as they are)."""
    out = []
    for word in given.split():
        parts = [p for p in word.split("-") if p]
        out.append("-".join(p if p.endswith(".") and len(p) <= 3 else p[0] + "." for p in parts))
    return " ".join(out)


@dataclass
class Creator:
    family: str
    given: str | None = None
    role: str = "author"  # author | editor | contributor | translator | ...

    @property
    def printed(self) -> str:
        """'Family G. G.': how kb's citations read a name without mistaking the family name."""
        return f"{self.family} {initials(self.given)}" if self.given else self.family

    def as_json(self) -> dict:
        return {"family": self.family, "given": self.given, "role": self.role}


@dataclass
class Attachment:
    key: str  # Zotero attachment key; in an export, the file as the entry names it
    path: Path | None  # where the PDF should be
    shown: str  # how a message names it: storage/ABCD2345/paper.pdf
    problem: str | None = None  # why it cannot be used at all (a link kb cannot resolve, ...)
    primary: bool = True  # the item's first PDF: the one its metadata describes
    modified: str | None = None


@dataclass
class SourceItem:
    """One item: the bibliographic fields kb stores for a paper, its collections, tags and PDFs."""

    key: str
    item_type: str | None = None
    title: str | None = None
    creators: list[Creator] = field(default_factory=list)
    container: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None
    doi: str | None = None
    lang: str | None = None
    publisher: str | None = None
    place: str | None = None
    collections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    modified: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    bibliographic: bool = True  # False for a standalone attachment: its title is only a file name

    @property
    def authors(self) -> list[Creator]:
        return [c for c in self.creators if c.role == "author"]

    @property
    def editors(self) -> list[Creator]:
        return [c for c in self.creators if c.role == "editor"]

    def label(self, where: str) -> str:
        """How messages name the item: 'Zotero item ABCD2345 "Title of the paper"'."""
        title = self.title or ""
        if len(title) > 60:
            title = title[:57].rstrip() + "…"
        return f'{where} {self.key}' + (f' "{title}"' if title else "")

    def paper_values(self) -> dict:
        """The papers columns this item sets; None leaves kb's own reading of the PDF in place."""
        if not self.bibliographic:
            return {}
        authors = self.authors
        return {
            "title": self.title, "year": self.year, "lang": self.lang, "doi": self.doi,
            "authors": [c.printed for c in authors] or None,
            "authors_parsed": [{"family": c.family, "given": c.given} for c in authors] or None,
            "container": self.container, "volume": self.volume, "issue": self.issue,
            "publisher": self.publisher, "place": self.place, "page_range": page_range(self.pages),
            "fragment": False if self.title else None,  # the item says the PDF is a whole paper
        }

    def record(self, attachment: Attachment) -> str:
        """Everything applied for one attachment, as canonical JSON: a change in any of it is a change."""
        data = {
            "key": self.key, "item_type": self.item_type, "title": self.title,
            "creators": [c.as_json() for c in self.creators], "container": self.container,
            "volume": self.volume, "issue": self.issue, "pages": self.pages, "year": self.year,
            "doi": self.doi, "lang": self.lang, "publisher": self.publisher, "place": self.place,
            "collections": sorted(set(self.collections)), "tags": sorted(set(self.tags)),
            "bibliographic": self.bibliographic, "attachment": attachment.shown, "primary": attachment.primary,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


@dataclass
class Library:
    """What a reader found: items, entries it could not read, and remarks about the whole library."""

    kind: str  # zotero | bibtex | csl-json
    location: Path
    items: list[SourceItem] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (what, why) per unreadable entry
    notes: list[str] = field(default_factory=list)
    trashed: set[str] = field(default_factory=set)  # keys of items in Zotero's trash: never ingested

    @property
    def name(self) -> str:
        return "Zotero item" if self.kind == "zotero" else f"{self.location.name} entry"
