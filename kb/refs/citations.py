"""In-text citations in a passage -> the entries of its paper's reference list.

Numeric markers: [1], [2; 10], [3, с. 15], [1–3], [13, p. 5], [2, 5–7]. Author-year markers:
(Ivanov, 2020), (Li et al., 2023; CCID Consulting, 2024), Ivanov (2020), Иванов и др. (2019).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMERIC = re.compile(r"\[(\s*\d{1,3}(?:[^\[\]]{0,80}?))\]")
_NUM_ITEM = re.compile(
    r"(\d{1,3})(?:\s*[-–—]\s*(\d{1,3}))?(?:\s*,\s*((?:[сcСCsSр]|p|pp|стр|с)\.\s*[\dIVXivx]+(?:\s*[-–—]\s*\d+)?))?")
_LOCATOR_ONLY = re.compile(r"^\s*(?:[сcСCsSр]|p|pp|стр)\.\s*\d")
_AUTHOR_YEAR_GROUP = re.compile(r"\(([^()]{2,200}?\b(?:1[6-9]|20)\d\d[a-z]?)\)")
_AUTHOR_YEAR_ITEM = re.compile(
    r"([A-ZА-ЯЁ][\w’'\-]+(?:\s+(?:[A-ZА-ЯЁ][\w’'\-]+|&|and|и))*?)(?:\s+(?:et al\.|и др\.)|\s*(?:&|and|и)\s+[A-ZА-ЯЁ][\w’'\-]+)?"
    r",?\s+((?:1[6-9]|20)\d\d)[a-z]?(?:,\s*((?:p|pp|с|С)\.\s*\d+(?:[-–]\d+)?))?")
_NARRATIVE = re.compile(r"([A-ZА-ЯЁ][\w’'\-]+)(?:\s+(?:et al\.|и др\.)|\s+(?:and|&|и)\s+[A-ZА-ЯЁ][\w’'\-]+)?\s+\(((?:1[6-9]|20)\d\d)[a-z]?\)")


@dataclass
class Marker:
    text: str            # as printed
    start: int
    n: str | None = None  # numeric label
    surname: str | None = None
    year: str | None = None
    locator: str | None = None


def numeric_markers(text: str) -> list[Marker]:
    out = []
    for m in _NUMERIC.finditer(text):
        inner = m.group(1)
        if re.search(r"[A-Za-zА-Яа-я]{4,}", inner):
            continue  # "[1 ed. by ...]" — not a citation
        items = re.split(r"\s*;\s*|,\s*(?=\d)", inner)
        pending: list[Marker] = []
        for item in items:
            if _LOCATOR_ONLY.match(item) and pending:
                pending[-1].locator = item.strip()
                continue
            im = _NUM_ITEM.match(item.strip())
            if not im:
                continue
            first = int(im.group(1))
            last = int(im.group(2)) if im.group(2) else first
            if last < first or last - first > 50:
                last = first
            for k in range(first, last + 1):
                pending.append(Marker(m.group(0), m.start(), n=str(k), locator=im.group(3)))
        out += pending
    return out


def author_year_markers(text: str) -> list[Marker]:
    out = []
    for m in _AUTHOR_YEAR_GROUP.finditer(text):
        for part in m.group(1).split(";"):
            im = _AUTHOR_YEAR_ITEM.search(part.strip())
            if im:
                out.append(Marker(m.group(0), m.start(), surname=im.group(1).strip(), year=im.group(2),
                                  locator=im.group(3)))
    for m in _NARRATIVE.finditer(text):
        out.append(Marker(m.group(0), m.start(), surname=m.group(1), year=m.group(2)))
    return out


def find_markers(text: str) -> list[Marker]:
    return numeric_markers(text) + author_year_markers(text)


def _fold(text: str) -> str:
    return re.sub(r"[^\w]", "", text.casefold().replace("ё", "е"))


def link(markers: list[Marker], refs: list[dict]) -> list[tuple[Marker, int]]:
    """(marker, index into refs) for every marker that names an entry of this paper's list."""
    by_n: dict[str, int] = {}
    for i, r in enumerate(refs):
        if r.get("n"):
            by_n.setdefault(r["n"], i)  # a second, transliterated list repeats the numbers: the first list wins
    out = []
    seen = set()
    for mk in markers:
        idx = None
        if mk.n is not None:
            idx = by_n.get(mk.n)
        elif mk.surname and mk.year:
            want = _fold(mk.surname)
            for i, r in enumerate(refs):
                if r.get("year") != mk.year:
                    continue
                first = r["authors"][0] if r.get("authors") else (r.get("title") or "")
                if want and (_fold(first).startswith(want) or _fold(first.split(" ")[0]) == want):
                    idx = i
                    break
        if idx is not None and (mk.start, idx) not in seen:
            seen.add((mk.start, idx))
            out.append((mk, idx))
    return out
