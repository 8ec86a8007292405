"""Comma-separated entries ('В. В. Яценко, Горение ..., Вестн. ..., 2011.', 'M. E. Porter, Title.
Place: Pub, 1990.', Elsevier's numbered 'A. Name, Title, Journal 20 (1) (2010) 70–97'):
initials-first authors, the title up to the first comma or sentence end, then the publication data
in one of its common shapes (journal numbers, 'in: Proceedings ..., Publisher, 2003, pp. 1–9',
'Publisher, 2008', 'Place: Publisher, 1990')."""

from __future__ import annotations

import re

from kb.refs import names as nm
from kb.refs.kinds import CONF, JOURNAL_HINT
from kb.refs.numbers import TOTAL_PAGES, first_year, read_numbers
from kb.refs.places import find_place_publisher, looks_like_place, looks_like_publisher
from kb.refs.reference import Reference
from kb.refs.rules.gost import HAS_DIGIT, clean_title
from kb.refs.text import COMMAS, UP, YEAR, clean, dash, sentence_end, unquote

_PAGE_COUNT_TAIL = re.compile(r"\s[–—-]\s*\d+\s*(?:с|c|p|pp)\.")
_COMMA_YEAR = re.compile(rf",?\s*({YEAR})\b")


# 'Journal 20 (1) (2010) 70–97' (Elsevier numbered lists), 'Journal 5' (a volume and nothing else)
_JOURNAL_TRAILER = re.compile(
    rf"(?P<c>[^\d,]+?),?\s+(?P<v>\d{{1,4}}[A-Za-z]?)\s*(?:\((?P<i>[\w\-–]{{1,12}})\)\s*)?"
    rf"(?:\((?P<y>{YEAR})\)\s*(?:(?P<p>[A-Za-z]?\d+(?:\s*[-–—]\s*\d+)?)\s*)?)?\.?")
_COMMA_IN = re.compile(r"in:?\s+", re.I)
_TRAILING_PP = re.compile(r",?\s*(?:pp?\.|pages)\s*(\d+\s*[-–—]\s*\d+|\d+)\.?\s*$")
_TRAILING_YEAR = re.compile(rf",\s*({YEAR})\.?\s*$")
_SHORT_PUBLISHER = re.compile(rf"[{UP}][\w&.\-]*(?:\s[{UP}][\w&.\-]*){{0,3}}")


def _comma_trailer(rest: str, ref: Reference) -> bool:
    """The publication data of a comma-separated entry, when it has one of the common shapes:
    'Journal 20 (1) (2010) 70–97', 'in: Proceedings ..., Publisher, 2003, pp. 1–9',
    'Publisher, 2008' (a book)."""
    m = _JOURNAL_TRAILER.fullmatch(rest)
    if m and (m.group("y") or (len(m.group("v")) <= 3 and not CONF.search(m.group("c")))):
        ref.container, ref.volume, ref.issue = clean(m.group("c")), m.group("v"), m.group("i")
        ref.year, ref.pages = m.group("y"), dash(m.group("p"))
        return True
    im = _COMMA_IN.match(rest)
    if im:
        body = rest[im.end():]
        if pm := _TRAILING_PP.search(body):
            ref.pages, body = dash(pm.group(1)), body[:pm.start()]
        if ym := _TRAILING_YEAR.search(body):
            ref.year, body = ym.group(1), body[:ym.start()]
        else:
            return False
        head, _, last = body.rpartition(", ")
        if head and _SHORT_PUBLISHER.fullmatch(last) and (looks_like_publisher(last) or len(last.split()) <= 2):
            ref.publisher, body = last, head
        ref.container = clean(body)
        return True
    segs = COMMAS.split(rest)
    if len(segs) == 2 and _TRAILING_YEAR.search(", " + segs[1]) and segs[1].strip(" .").isdigit() and \
            not HAS_DIGIT.search(segs[0]) and not JOURNAL_HINT.search(segs[0]) and not CONF.search(segs[0]) \
            and _SHORT_PUBLISHER.fullmatch(segs[0]):
        ref.publisher, ref.year = segs[0], segs[1].strip(" .")  # 'Managerial economics, Cengage Learning, 2008.'
        return True
    return False


def parse_comma(s: str, ref: Reference) -> None:
    """Initials-first authors, then the title up to the first comma or sentence end, then
    comma-separated publication data."""
    ref.authors, end = nm.read_authors(s, 0, styles=("is",))
    body = s[end:].lstrip(" ,.")
    cands = [c for c in (body.find(", "), sentence_end(body)) if c > 0]
    cut = min(cands) if cands else len(body)
    ref.title = clean_title(body[:cut])
    rest = TOTAL_PAGES.sub(" ", _PAGE_COUNT_TAIL.sub(" ", body[cut:].strip(" .,")))
    if _comma_trailer(rest, ref):
        return
    pp = find_place_publisher(rest)
    if pp:
        ref.place, ref.publisher, ref.year = pp.place, pp.publisher, pp.year or first_year(rest)
        return
    ym = _COMMA_YEAR.search(rest)
    ref.year = ym.group(1) if ym else None
    segs = [x.strip() for x in COMMAS.split(rest[:ym.start()] if ym else rest) if x.strip()]
    if len(segs) >= 2 and looks_like_place(segs[-1]):
        ref.publisher, ref.place = unquote(", ".join(segs[:-1])), segs[-1]
    elif segs:
        joined = ", ".join(segs)
        if looks_like_publisher(joined) and not JOURNAL_HINT.search(joined):
            ref.publisher = unquote(joined)
        else:
            ref.container = clean(joined)
    read_numbers(rest, ref)
