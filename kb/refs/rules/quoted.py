"""Entries with a quoted title: IEEE 'A. B. Author, “Title,” Container, vol. 1, no. 2, pp. 3–4,
2020.', MLA 'Author. “Title.” Journal, ...' and Chicago 'Author. 1991. “Title.” Journal 99 (3):
483–99.'. After the title: a thesis or a report and its institution, proceedings ('in Proc. X, San
Jose, CA, Feb. 1994, pp. 1–2') with their place and publisher, or a container and its numbers."""

from __future__ import annotations

import re

from kb.refs.identifiers import MONTH
from kb.refs.kinds import CONF
from kb.refs.numbers import read_numbers
from kb.refs.places import ACRONYM, STATE_RE, looks_like_place, trailing_place
from kb.refs.reference import Reference
from kb.refs.rules.author_date import THESIS_WORDS, author_block, journal_numbers
from kb.refs.text import COMMAS, YEAR, clean

QUOTED = re.compile(r"[“\"]([^”\"]{3,}?)[,.]?[”\"][,.]?")
_IEEE_DATE = re.compile(rf"(?:(?:{MONTH}|Winter|Spring|Summer|Fall|Autumn)\s*(?:\d{{1,2}},?\s*)?)?({YEAR})\b")
_HEAD_YEAR = re.compile(rf"[.,]\s*({YEAR})[a-z]?\.?$")
_IEEE_THESIS = re.compile(r"(?:Ph\.\s?D\.|M\.\s?S\.|Master's|doctoral)\s*(?:dissertation|thesis)|\bthesis\b", re.I)
_IEEE_REPORT = re.compile(r"\b(?:Tech\.|Final|Annu\.|Technical)?\s*Rep(?:\.|ort)")
_IEEE_VOLUME = re.compile(r"Volume\s+(\d+)")
_IN_WORD = re.compile(r"in\s", re.I)
_IN_WORD_PREFIX = re.compile(r"^in\s+", re.I)
_VOL_WORD = re.compile(r"\bvol\.")
_YEAR_AT_END = re.compile(rf",?\s*{YEAR}\.?$")
_IEEE_CONTAINER_END = re.compile(rf",?\s(?:vol\.|no\.|pp\.|Art\.|\d|{MONTH})")


def parse_quoted(s: str, ref: Reference) -> None:
    """IEEE 'A. B. Author, “Title,” Container, vol. 1, ...', MLA 'Author. “Title.” Journal, ...'
    and Chicago 'Author. 1991. “Title.” Journal 99 (3): 483–99.'."""
    q = QUOTED.search(s)
    head = s[:q.start()].rstrip(" ,")
    ym = _HEAD_YEAR.search(head)
    if ym:
        ref.year, head = ym.group(1), head[:ym.start()]
    ref.authors = author_block(head)
    ref.title = clean(q.group(1))
    rest = s[q.end():].strip(" ,.")
    dates = list(_IEEE_DATE.finditer(rest))
    if dates:
        ref.year = dates[-1].group(1)
    if _IEEE_THESIS.search(rest):
        _ieee_institution(rest, ref, THESIS_WORDS)
        return
    if _IEEE_REPORT.search(rest):
        _ieee_institution(rest, ref, _IEEE_REPORT)
        return
    read_numbers(rest, ref)
    vm = _IEEE_VOLUME.search(rest)
    if vm and not ref.volume:
        ref.volume = vm.group(1)
    if _IN_WORD.match(rest):
        _ieee_proceedings(_IN_WORD_PREFIX.sub("", rest), ref)
        return
    if not _VOL_WORD.search(rest):
        journal_numbers(_YEAR_AT_END.sub("", rest), ref)
    ref.container = clean(_IEEE_CONTAINER_END.split(rest + " ")[0])


_IEEE_CONF_DATE = re.compile(rf",\s*(?:(?:{MONTH})\s*(?:\d{{1,2}}[-–]?\d*,?\s*)?)?{YEAR}\b")
_VOL_OR_PP = re.compile(r",\s(?:vol\.|pp\.)")
_VOLUME_SEGMENT = re.compile(r"(?:Volume|vol\.)\s*\S+")


def _ieee_proceedings(body: str, ref: Reference) -> None:
    """'Proc. X, San Jose, CA, Feb. 1994, pp. 1–2' -> container, place (and a publisher such as SPIE)."""
    dm = _IEEE_CONF_DATE.search(body)
    before = body[:dm.start()] if dm else _VOL_OR_PP.split(body)[0]
    segs = [x for x in before.split(", ") if not _VOLUME_SEGMENT.match(x)]
    if not segs:
        return
    if len(segs) >= 2 and STATE_RE.fullmatch(segs[-1].strip()) and len(segs[-2].split()) > 3:
        words = segs[-2].split()  # 'Proc. ACM Multimedia’93 Anaheim, CA': the comma before the town is missing
        segs[-2:-1] = [" ".join(words[:-1]), words[-1]]
    tp = trailing_place(", ".join(segs))
    if tp:
        ref.place, segs = tp[0], tp[1].split(", ")
    elif len(segs) >= 2 and looks_like_place(segs[-1]) and not CONF.search(segs[-1]):
        ref.place, segs = segs[-1].strip(), segs[:-1]
    if len(segs) >= 2 and ACRONYM.fullmatch(segs[-1].strip()):
        ref.publisher, segs = segs[-1].strip(), segs[:-1]
    ref.container = clean(", ".join(segs))


_DEPARTMENT = re.compile(r"Dept\.|Department|School of|Faculty")
_YEAR_SEGMENT = re.compile(YEAR + r"\.?")


def _ieee_institution(rest: str, ref: Reference, kind: re.Pattern) -> None:
    """'Ph.D. dissertation, Dept. X, Univ. Y, City, Country, 2020' / 'Org, City, Final Rep., 2013'."""
    segs = [x.strip() for x in COMMAS.split(rest) if x.strip()]
    segs = [x for x in segs if not kind.search(x) and not _YEAR_SEGMENT.fullmatch(x) and not _DEPARTMENT.match(x)
            and not _IEEE_DATE.fullmatch(x)]
    if segs:
        ref.publisher = segs[0]
        if len(segs) > 1:
            ref.place = ", ".join(segs[1:])
