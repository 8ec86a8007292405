"""Labelled tokens of one entry -> kb's reference fields.

The labeller says which stretch of the entry is the title, the container, the numbers...; this
module turns those stretches into the values kb stores: persons as "Surname I. O.", a year of four
digits, page ranges with an en dash, titles without GMD markers, containers without quote marks.
"""

from __future__ import annotations

import re

from kb.refs import names as nm
from kb.refs.rules.gost import clean_container, clean_title  # the rules' cleaning conventions
from kb.refs.text import NAME_EDGE, clean, unquote
from kb.refs.tokens import _MARKERS, Token

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_VOLUME_NUM = re.compile(r"\d+[A-Za-zА-Яа-я]?(?:\s*\(\d+\))?|\b[IVXLC]+\b|[A-Z]+-\d+")
_ISSUE_NUM = re.compile(r"\d+(?:\s*[-–/]\s*\d+)?(?:\s*\(\d+\))?|\(\d+\)")
_PAGES_NUM = re.compile(r"[A-Za-z]?\d+(?:\s*[-–—]\s*[A-Za-z]?\d+)?")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ORG_EDGE = " .,;:–—-/"
_KEEPS_DOT = {"author", "editor", "place", "publisher"}
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*,?")


def spans(tokens: list[Token], labels: list[str], text: str) -> list[tuple[str, str]]:
    """Runs of one label, as (label, text), in order; 'O' runs dropped."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        lab = labels[i]
        j = i
        while j + 1 < len(tokens) and labels[j + 1] == lab:
            j += 1
        end = tokens[j].end
        if lab in _KEEPS_DOT and j + 1 < len(tokens) and tokens[j + 1].text == "." and \
                tokens[j + 1].start == end and len(tokens[j].text) <= 3 and \
                (len(tokens[j].text) == 1 or not tokens[j].text.isupper()):
            end += 1  # the period of an initial or abbreviation ('Maher, T.M.', 'М.', 'СПб.'), not 'PA.'
        if lab != "O":
            out.append((lab, text[tokens[i].start:end]))
        i = j + 1
    return out


# 'In Proceedings of NIPS' / 'in LATIN 2010' / 'In In Proc.': the word that introduces a container
# is not part of its name (journals named 'In Vivo', 'In Silico ...' keep it)
_IN_PREFIX = re.compile(r"^(?:In\s*:?\s+)+(?!(?:vivo|vitro|silico|practice|context)\b)(?=[\w«\"“])", re.I)
# the editor words the labeller's features know, less the translators', plus 'coord.'/'dir.'
_EDITOR_WORDS = {w for w, kind in _MARKERS.items() if kind == "ed"} - {"пер", "trans"} | {"coord", "dir"}


def editors_marked(tokens: list[Token], labels: list[str]) -> list[str]:
    """Labels with 'editor' kept only where the entry says so ('eds.', 'под ред.', 'Hrsg.'): names
    with no such word are its authors, whatever the labeller guessed."""
    if "editor" not in labels or any(t.text.lower() in _EDITOR_WORDS for t in tokens):
        return labels
    return ["author" if lab == "editor" else lab for lab in labels]


def persons(block: str) -> list[str]:
    """A block of author names -> ['Surname I. O.', ...]; an organisation stays whole."""
    block = _ELLIPSIS.sub(" ", block).strip(" ,;:/")
    if not block:
        return []
    got = nm.names_from_block(block.rstrip("."))
    if got:
        return got
    people, _ = nm.read_authors(block, 0, styles=("si", "is"))
    if people:  # the names read from the start of the block, even when something follows them
        return people
    org = " ".join(block.split()).strip(_ORG_EDGE)
    return [org] if org and not _YEAR.search(org) else []


def _number(pattern: re.Pattern, value: str) -> str | None:
    m = pattern.search(value)
    return " ".join(m.group(0).split()) if m else None


def first(values: list[str]) -> str | None:
    return values[0] if values else None


def from_spans(runs: list[tuple[str, str]]) -> dict:
    """Field values from labelled runs (the first run of a label wins, authors take the longest
    list: a GOST entry names its first author in the heading and all of them after '/')."""
    by: dict[str, list[str]] = {}
    for lab, value in runs:
        by.setdefault(lab, []).append(value)
    out: dict = {}
    lists = [persons(b) for b in by.get("author", [])]
    out["authors"] = max(lists, key=len) if lists else []
    title, container = first(by.get("title", [])), first(by.get("container", []))
    out["title"] = clean_title(title) if title else None
    out["container"] = clean_container(_IN_PREFIX.sub("", container)) if container else None
    year = None
    for d in by.get("date", []):
        if (m := _YEAR.search(d)):
            year = m.group(1)
            break
    out["year"] = year
    out["volume"] = next((v for v in (_number(_VOLUME_NUM, x) for x in by.get("volume", [])) if v), None)
    out["issue"] = next((v for v in (_number(_ISSUE_NUM, x) for x in by.get("issue", [])) if v), None)
    if out["issue"]:
        out["issue"] = out["issue"].strip("()") if out["issue"].startswith("(") else out["issue"]
    pages = next((v for v in (_number(_PAGES_NUM, x) for x in by.get("pages", [])) if v), None)
    out["pages"] = re.sub(r"\s*[-–—]\s*", "–", pages) if pages else None
    publisher, place = first(by.get("publisher", [])), first(by.get("place", []))
    out["publisher"] = unquote(clean(publisher, NAME_EDGE)) if publisher else None
    out["place"] = clean(place, NAME_EDGE) if place else None
    urls = by.get("url", [])
    doi_links = [u for u in urls if "doi.org/10." in u]  # a DOI link is a DOI, not a URL
    dois = [m.group(0).rstrip(".,;") for d in by.get("doi", []) + doi_links if (m := _DOI.search(d))]
    out["doi"] = first(dois)
    out["url"] = first([u for u in urls if u not in doi_links])
    out["accessed"] = first(by.get("accessed", []))
    return out
