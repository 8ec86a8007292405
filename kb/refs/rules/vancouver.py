"""Vancouver (ICMJE/NLM) entries: 'Surname AB, Surname C. Title. Journal. 2019;28(2):118-44.', an
organisation as the author, books ('Place: Publisher; 2019.') and parts of books or proceedings
('In: Editors, editors. Book. Place: Pub; 2019. p. 55-72.')."""

from __future__ import annotations

import re

from kb.refs import names as nm
from kb.refs.identifiers import GMD, MONTH
from kb.refs.kinds import CONF
from kb.refs.numbers import first_year, read_numbers
from kb.refs.places import ACRONYM, STATE_RE, find_place_publisher, trailing_place
from kb.refs.reference import Reference
from kb.refs.rules.author_date import in_book, title_and_rest
from kb.refs.text import YEAR, clean, dash, sentence_end

BMC_NUMBERS = r"\d+(?:\(\w+\))?:\s*\d"  # BioMed Central's 'Year, 28:118-44': a comma, then volume:pages
_VANC_DATE = re.compile(rf"\.?\s*({YEAR})[a-z]?(?:\s+(?:{MONTH})(?:\s+\d{{1,2}})?)?\s*(?:;|,(?=\s*{BMC_NUMBERS}))\s*")
_ORG_HEAD = re.compile(r"([^.]{2,120})\.\s")
_PAREN_YEAR = re.compile(rf"\(({YEAR})\)\s*")
_EDITION_PREFIX = re.compile(r"^\d+(?:st|nd|rd|th)\s+ed\.\s*")
_INTERNET = re.compile(r"^\[Internet\]\.?\s*")
_IN_COLON = re.compile(r"In[:\s]")
_IN_COLON_PREFIX = re.compile(r"^In:?\s+")
_P_RANGE = re.compile(r"\bp\.\s*(\d+\s*[-–]\s*\d+)")
_FIRST_SENTENCE = re.compile(r"\.\s")
# '28(2):118-44', '119(1 Suppl):132S-75S', and ';' typed for ':' ('2014;44(6);1697-1700')
_VANC_NUMBERS = re.compile(r"\s*(\d+)\s*(?:\(([\w\-–]+(?:\s[A-Za-z]+\.?)?)\))?\s*[:;]\s*"
                           r"([A-Za-z]?\d+[A-Z]?(?:\s*[-–—]\s*\d+[A-Z]?)?)")
_VANC_PAGES = re.compile(r"\s*(\d+\s*[-–—]\s*\d+)")
_CONF_DATES = re.compile(r"(.*?),\s*\d{1,2}\s*[A-Za-z]*[-–]")


def parse_vancouver(s: str, ref: Reference) -> None:
    """'Surname AB, Surname C. Title. Journal. 2019;28(2):118-44.' and its book/chapter forms."""
    authors, end = nm.read_authors(s, 0, styles=("v",))
    if not authors:
        om = _ORG_HEAD.match(s)
        if om:
            authors, end = [om.group(1).strip()], om.end()
    ref.authors = authors
    rest = s[end:].lstrip(" .,:")
    ym = _PAREN_YEAR.match(rest)
    if ym:
        ref.year, rest = ym.group(1), rest[ym.end():]
    title, rest = title_and_rest(rest)
    ref.title = clean(GMD.sub(" ", title))
    rest = _EDITION_PREFIX.sub("", _INTERNET.sub("", rest.strip()))
    if _IN_COLON.match(rest):
        _vancouver_in(rest, ref)
        return
    pp = find_place_publisher(rest)
    if pp:
        ref.place, ref.publisher, ref.year = pp.place, pp.publisher, pp.year or ref.year or first_year(rest)
        pm = _P_RANGE.search(rest)
        if pm:
            ref.pages = dash(pm.group(1))
        return
    dm = _VANC_DATE.search(rest)
    if dm:
        ref.year = ref.year or dm.group(1)
        _vancouver_numbers(rest[dm.end():], ref)
        container = rest[:dm.start()]
        if container.strip():
            cm = _CONF_DATES.match(container)  # '63rd ASMS Conference, 31May-4 June 2015'
            ref.container = clean(cm.group(1) if cm and CONF.search(cm.group(1)) else container)
        return
    ref.container = clean(_FIRST_SENTENCE.split(rest)[0]) if rest else None
    read_numbers(rest, ref)


def _vancouver_numbers(text: str, ref: Reference) -> None:
    """'28(2):118-44' / '5: 143–147' / '63:102466' / '1–33' after 'Year;' (or a venue and place)."""
    m = _VANC_NUMBERS.match(text)
    if m:
        ref.volume, ref.issue, ref.pages = m.group(1), m.group(2), dash(m.group(3))
        return
    m = _VANC_PAGES.match(text)
    if m:
        ref.pages = dash(m.group(1))
        return
    tp = trailing_place(text.strip(" ."))
    if tp:
        ref.place = tp[0]


def _vancouver_in(rest: str, ref: Reference) -> None:
    """'In: Eds, editors. Book. Place: Pub; 2019. p. 55-72.' / 'In Book. Proc. of Conf., ..., CIMMYT. 1991; 3–27.'"""
    dm = _VANC_DATE.search(rest)
    if dm and not find_place_publisher(rest):
        ref.year = ref.year or dm.group(1)
        _vancouver_numbers(rest[dm.end():], ref)
        body = _IN_COLON_PREFIX.sub("", rest[:dm.start()])
        end = sentence_end(body)
        ref.container = clean(body if end < 0 else body[:end])
        segs = [x.strip(" .") for x in ("" if end < 0 else body[end:]).split(", ")]
        if len(segs) >= 3 and ACRONYM.fullmatch(segs[-1]):  # '..., Mexico, DF, CIMMYT'
            ref.publisher = segs[-1]
            if STATE_RE.fullmatch(segs[-2]):
                ref.place = f"{segs[-3]}, {segs[-2]}"
        return
    pm = _P_RANGE.search(rest)
    if pm:
        ref.pages = dash(pm.group(1))
    in_book(rest, ref)
