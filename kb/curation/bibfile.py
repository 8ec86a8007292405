"""`kb edit --from FILE`: corrections from a BibTeX or CSL-JSON file (a reference manager's export).

Each entry is matched to the knowledge base's papers by DOI, else by its title folded like kb's
work matching (case, punctuation, ё); every paper it matches gets the entry's fields that differ
from what it shows now. The whole file is read and checked before anything is written, and the
writes are one transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kb import library
from kb.curation import fields
from kb.errors import KbError
from kb.refs.works import fold
from kb.store import corrections, db

# BibTeX field -> paper field, first found wins
_BIBTEX = {"title": ("title",), "authors": ("author",), "venue": ("journal", "journaltitle", "booktitle"),
           "volume": ("volume",), "issue": ("number", "issue"), "pages": ("pages",), "year": ("year", "date"),
           "doi": ("doi",), "publisher": ("publisher",), "place": ("address", "location")}
_CSL = {"title": "title", "venue": "container-title", "volume": "volume", "issue": "issue", "pages": "page",
        "doi": "DOI", "publisher": "publisher", "place": "publisher-place"}


@dataclass
class Entry:
    """One record of the file: its key and its values by paper field (raw, checked later)."""

    key: str
    values: dict[str, object]

    @property
    def title(self) -> str | None:
        return self.values.get("title") or None


@dataclass
class Outcome:
    """What became of one entry: the papers it matched (and how), or why none."""

    entry: str
    title: str | None
    papers: list[int] = field(default_factory=list)
    by: str | None = None  # doi | title
    fields: list[str] = field(default_factory=list)  # fields corrected (those that differed)
    reason: str | None = None  # why it matched nothing

    @property
    def matched(self) -> bool:
        return bool(self.papers)

    def line(self) -> str:
        if not self.matched:
            return f"unmatched: {self.entry}: {self.reason}"
        which = ", ".join(f"paper {p}" for p in self.papers)
        what = ("corrected " + ", ".join(self.fields)) if self.fields else "nothing to change"
        return f"matched: {self.entry} -> {which} (by {self.by}): {what}"

    def as_json(self) -> dict:
        return {"entry": self.entry, "title": self.title, "papers": self.papers, "by": self.by,
                "fields": self.fields, "reason": self.reason}


# --- reading --------------------------------------------------------------------------------------

def read(path: Path) -> list[Entry]:
    """The entries of a .bib or CSL-JSON (.json) file; KbError when it cannot be read whole."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise KbError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    suffix = path.suffix.lower()
    if suffix == ".bib":
        entries = read_bibtex(text, str(path))
    elif suffix in (".json", ".csl", ".csljson"):
        entries = read_csl(text, str(path))
    else:
        raise KbError(f"{path}: expected a BibTeX (.bib) or CSL-JSON (.json) file")
    if not entries:
        raise KbError(f"{path}: no entries found")
    return entries


def _year_of(text: str) -> str:
    """'2021', '2021-05-01', '{2021}' -> '2021'; anything else is passed on to be refused as a bad year."""
    m = re.match(r"\s*\{?\s*(\d{4})(?:\b|-)", text)
    return m[1] if m else text


def read_bibtex(text: str, where: str = "BibTeX") -> list[Entry]:
    try:
        import bibtexparser
        from bibtexparser import middlewares
        from pylatexenc.latex2text import LatexNodes2Text
    except ImportError as exc:
        raise KbError("reading BibTeX needs bibtexparser 2 (pip install 'bibtexparser>=2')") from exc
    library_ = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
    if library_.failed_blocks:
        block = library_.failed_blocks[0]
        raise KbError(f"{where}: line {block.start_line + 1}: not a readable BibTeX entry")
    latex = LatexNodes2Text()

    def plain(value: str) -> str:
        return re.sub(r"\s+", " ", latex.latex_to_text(value)).strip()

    out = []
    for e in library_.entries:
        found = e.fields_dict
        values: dict[str, object] = {}
        for name, keys in _BIBTEX.items():
            key = next((k for k in keys if k in found), None)
            if key is None:
                continue
            raw = found[key].value
            if name == "authors":
                values[name] = [_bibtex_person(a, plain) for a in (raw if isinstance(raw, list) else [raw])]
            elif name == "year":
                values[name] = _year_of(plain(str(raw)))
            else:
                values[name] = plain(str(raw))
        out.append(Entry(e.key, values))
    return out


def _bibtex_person(name: str, plain) -> str | dict:
    """A BibTeX name: '{World Bank}' is one literal name, 'Family, Given' and 'Given Family' as usual."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
        return {"family": plain(name), "given": None}
    text = plain(name)
    if "," in text:
        return text
    parts = text.split()
    return {"family": parts[-1], "given": " ".join(parts[:-1]) or None} if len(parts) > 1 else text


def read_csl(text: str, where: str = "CSL-JSON") -> list[Entry]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise KbError(f"{where}: not JSON ({exc})") from exc
    items = data if isinstance(data, list) else [data]
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise KbError(f"{where}: item {i} is not a CSL-JSON record")
        values: dict[str, object] = {}
        for name, key in _CSL.items():
            if item.get(key) not in (None, ""):
                values[name] = str(item[key])
        if isinstance(item.get("author"), list):
            values["authors"] = [_csl_person(a) for a in item["author"] if isinstance(a, dict)]
        year = _csl_year(item.get("issued"))
        if year is not None:
            values["year"] = year
        out.append(Entry(str(item.get("id") or f"#{i}"), values))
    return out


def _csl_person(name: dict) -> dict:
    if name.get("literal"):
        return {"family": str(name["literal"]), "given": None}
    family = " ".join(str(name[k]) for k in ("non-dropping-particle", "family") if name.get(k))
    return {"family": family, "given": name.get("given")}


def _csl_year(issued: object) -> str | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return str(parts[0][0])
        for key in ("raw", "literal"):
            if issued.get(key):
                return _year_of(str(issued[key]))
    return None


# --- matching and applying ------------------------------------------------------------------------

def _index(papers: list[dict]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    by_doi: dict[str, list[int]] = {}
    by_title: dict[str, list[int]] = {}
    for p in papers:
        if p["doi"]:
            by_doi.setdefault(fields.normalise_doi(p["doi"]).lower(), []).append(p["id"])
        if p["title"] and not p["fragment"]:
            by_title.setdefault(fold(p["title"]), []).append(p["id"])
    return by_doi, by_title


def _checked(entry: Entry, where: str) -> dict[str, object]:
    try:
        return {name: fields.parse_value("paper", name, raw) for name, raw in entry.values.items()}
    except KbError as exc:
        raise KbError(f"{where}: entry {entry.key}: {exc}") from exc


def apply(conn: sqlite3.Connection, entries: list[Entry], where: str = "file") -> list[Outcome]:
    """Match every entry, then store what differs, in one transaction; one Outcome per entry."""
    papers = {p["id"]: p for p in library.list_papers(conn)}
    by_doi, by_title = _index(list(papers.values()))
    plan: list[tuple[Outcome, dict[str, object]]] = []
    for entry in entries:
        values = _checked(entry, where)
        outcome = Outcome(entry.key, entry.title)
        doi = (values.get("doi") or "").lower()
        title = fold(entry.title)
        if doi and doi in by_doi:
            outcome.papers, outcome.by = by_doi[doi], "doi"
        elif title and title in by_title:
            outcome.papers, outcome.by = by_title[title], "title"
        else:
            outcome.reason = ("no paper with this DOI or title" if doi else "no paper with this title") \
                if title or doi else "no DOI or title to match"
        plan.append((outcome, values))
    at = corrections.now()
    with db.transaction(conn):
        for outcome, values in plan:
            changed: set[str] = set()
            for paper_id in outcome.papers:
                key = corrections.paper_key(conn, paper_id)
                for name, value in values.items():
                    shown = fields.current_value("paper", papers[paper_id], name)
                    if fields.comparable("paper", name, value) != shown:
                        corrections.put(conn, key, name, value, at)
                        changed.add(name)
            outcome.fields = [f for f in fields.PAPER_FIELDS if f in changed]
    return [outcome for outcome, _ in plan]
