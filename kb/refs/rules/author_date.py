"""Author-date styles (APA, Harvard, ACL, Chicago): the authors up to the year ('(2019).',
'. 2019. '), the title up to its sentence end (or its quotes, or a bracketed translation), and
after it a journal with its numbers ('Journal, 39(1), 61–74'), a part of a book 'In A. Editor
(Ed.), Book (pp. 1–2). Publisher.', a thesis, or a book's publisher and place. author_block,
title_and_rest, journal_numbers and in_book serve the IEEE and Vancouver parsers too."""

from __future__ import annotations

import re

from kb.refs import names as nm
from kb.refs.identifiers import GMD
from kb.refs.kinds import JOURNAL_HINT
from kb.refs.numbers import read_numbers
from kb.refs.places import (
    PUBLISHER_WORDS,
    STATE_RE,
    find_place_publisher,
    looks_like_place,
    looks_like_publisher,
    trailing_place,
)
from kb.refs.reference import Reference
from kb.refs.text import COMMAS, YEAR, clean, dash, sentence_end

APA_YEAR = re.compile(rf"\s*\(({YEAR})[a-z]?(?:,\s*[^)]{{1,30}})?\)\.?,?\s*|\s*\((?:n\.d\.|б\.\s*г\.)\)\.?\s*")
ACL_YEAR = re.compile(rf"[.,]\s+({YEAR})[a-z]?\.\s+")
EDITED_BY = re.compile(r"(?:^|[,\s(])(?:eds?|editors?|ред)\.?\)?\.?\s*$", re.I)
_HAS_QUOTES = re.compile(r"[“”\"]")


def author_block(head: str) -> list[str]:
    """Authors of a block whose end is known; an organisation when it reads as no person."""
    head = head.strip().rstrip(",")
    if not head or EDITED_BY.search(head):
        return []  # 'C. Fellbaum, ed.': an editor heads the entry
    found = nm.names_from_block(head)
    if found:
        return found
    people, end = nm.read_authors(head, 0, styles=("si", "is", "v"))
    if people and not head[end:].strip(" .,;&"):
        return people
    if len(head) <= 120 and not _HAS_QUOTES.search(head):
        return [clean(head.rstrip("."))]
    return []


_QUOTED_TITLE = re.compile(r"[“\"'‘«](.+?)[,.]?[”\"'’»][,.]?\s*(.*)$")
_BRACKETED = re.compile(r"\s*\[(?!Internet\]|Online\])([^\]]{8,})\]([.:]?)\s*")
_BEFORE_BRACKET_NUMBERS = re.compile(r",\s*\d|\(\d{4}\)|\bIn\s")
THESIS_WORDS = re.compile(r"dissertation|thesis|дис", re.I)


def title_and_rest(text: str) -> tuple[str, str]:
    """'Title. Journal, 12(3), 4–5.' -> ('Title', 'Journal, 12(3), 4–5.'); quotes and a bracketed
    translation ('Title [English title]. Journal') mark the end of the title when present."""
    text = text.strip()
    q = _QUOTED_TITLE.match(text)
    if q and (q.group(2) == "" or not q.group(2)[:1].isalpha() or q.group(2)[:1].isupper() or
              q.group(2).startswith(("in ", "In "))):
        return q.group(1), q.group(2)
    b = _BRACKETED.search(text)
    end = sentence_end(text)
    if b and (end < 0 or b.start() <= end + 1 or not _BEFORE_BRACKET_NUMBERS.search(text, 0, b.start())):
        rest = text[b.end():]
        if THESIS_WORDS.search(b.group(1)):  # '[Doctoral dissertation, Ural Federal University]'
            rest = b.group(1) + ". " + rest
        elif b.group(2) == ":":
            rest = ": " + rest
        return text[:b.start()], rest
    if end < 0:
        return text, ""
    return text[:end + (1 if text[end] in "?!" else 0)], text[end:].lstrip(" .")


_JOURNAL_NUMBERS = re.compile(
    r"[,.;]?\s*(?:vol\.\s*)?(\d+)\s*(?:\(([\w\-–/ ]+)\))?\s*[:,;]\s*(?:pp?\.\s*|Art\.\s*no\.\s*)?"
    r"([A-Za-z]?\d+(?:\s*[-–—]\s*\d+)?)\s*\.?\s*$")
_VOLUME_ISSUE_END = re.compile(r"[,.]?\s*(\d+)\s*\((\d+)\)\s*\.?\s*$")
_VOLUME_END = re.compile(r",\s*(abs/[\d.]+|\d+)\s*\.?\s*$")
_YEAR_ONLY = re.compile(YEAR)


def journal_numbers(rest: str, ref: Reference) -> str:
    """'Journal, 39(1), 61–74' / 'Journal 19(2): 263-311' / 'Journal, 9, 140–142' -> 'Journal'."""
    m = _JOURNAL_NUMBERS.search(rest)
    if m and not _YEAR_ONLY.fullmatch(m.group(1)):
        ref.volume = ref.volume or m.group(1)
        if m.group(2):
            ref.issue = ref.issue or m.group(2).strip()
        ref.pages = ref.pages or dash(m.group(3))
        return rest[:m.start()]
    m = _VOLUME_ISSUE_END.search(rest)
    if m:
        ref.volume, ref.issue = ref.volume or m.group(1), ref.issue or m.group(2)
        return rest[:m.start()]
    m = _VOLUME_END.search(rest)
    if m:
        ref.volume = ref.volume or m.group(1)
        return rest[:m.start()]
    return rest


_IN_PREFIX = re.compile(r"^(?:To appear in|In:?)\s+", re.I)
_EDS_BEFORE = re.compile(r"(.{0,200}?)\s*\((?:Eds?|eds?|Hrsg)\.?\)[,.]?\s*")
_EDITORS_BEFORE = re.compile(r"(.{0,200}?),?\s*(?:editors?|eds?)\.\s*")
_PAGES_PAREN = re.compile(r"\s*\((?:pp?\.\s*)([\d\-–—]+)\)")
_PAGES_PP = re.compile(r"(?:,\s*|\.\s+)(?:pp?\.|pages)\s*(\d+\s*[-–—]\s*\d+|\d+)\.?")
_PAGES_COLON = re.compile(r":\s*(\d+\s*[-–—]\s*\d+)")
_VOLUME_BEFORE_COLON = re.compile(r"\s(\d{1,3})$")


def in_book(rest: str, ref: Reference, style: str = "") -> None:
    """'In A. Editor (Ed.), Book (pp. 1–2). Publisher.' / 'in X and Y (eds) Book. Place: Pub, pp. 1–2.' /
    'In Proceedings of X: 181-184. Detroit, MI.'"""
    body = _IN_PREFIX.sub("", rest.strip())
    for editors in (_EDS_BEFORE, _EDITORS_BEFORE):
        em = editors.match(body)
        if em and author_block(em.group(1)):
            body = body[em.end():]
    for pages in (_PAGES_PAREN, _PAGES_PP):
        pm = pages.search(body)
        if pm:
            ref.pages = ref.pages or dash(pm.group(1))
            body = body[:pm.start()] + body[pm.end():]
    cm = _PAGES_COLON.search(body)
    if cm:
        ref.pages = ref.pages or dash(cm.group(1))
        vm = _VOLUME_BEFORE_COLON.search(body, 0, cm.start())
        if vm:  # '... Signal Processing 1: 705-708'
            ref.volume = ref.volume or vm.group(1)
            body = body[:vm.start()] + body[vm.end():]
            cm = _PAGES_COLON.search(body)
        body = body[:cm.start()] + "." + body[cm.end():]
    pp = find_place_publisher(body)
    if pp:
        ref.place, ref.publisher = pp.place, pp.publisher
        ref.year = ref.year or pp.year
        body = body[:pp.start]
    end = sentence_end(body)
    container = body if end < 0 else body[:end]
    after = "" if end < 0 else body[end:].strip(" .")
    tp = trailing_place(container)
    if tp:
        ref.place = ref.place or tp[0]
        container = tp[1]
    elif after and not ref.place:
        _book_trailer(after, ref, style)
    ref.container = clean(container)


def _book_trailer(after: str, ref: Reference, style: str) -> None:
    """What follows the book title: a place ('Sapporo, Japan', 'Copenhagen Denmark') or a publisher."""
    tp = trailing_place(", " + after)
    if tp and not tp[1].strip(" ,"):
        ref.place = tp[0]
    elif style == "apa" and not ref.publisher:
        ref.publisher = clean(after)  # APA names no place: 'In X (Ed.), Book (pp. 1–2). Edward Elgar.'
    elif looks_like_place(after):
        ref.place = clean(after)
    elif looks_like_publisher(after) and not ref.publisher and len(after.split()) <= 6:
        ref.publisher = clean(after)


_ONLINE_MARK = re.compile(r"^(?:\[Internet\]|\[Online\])\.?\s*")
_TRAILING_NOTE = re.compile(r"\.\s*\((?:[^()]|\([^()]*\))*\)?\.?$")  # '. (Web of Science (Emerging ...)'
_IN_START = re.compile(r"(?:In[:\s]|To appear in\s|in\s+(?=[A-Z]))")
_THESIS_REST = re.compile(r"(?:Ph\.?\s?D\.?|Master(?:'s)?|Doctoral|Candidate)?[^.,]*?(?:thesis|dissertation)"
                          r"[^.,]*[.,]\s*(.*)$", re.I)
_SPECIALITY = re.compile(r"^\s*\d[\d.]*\s*«[^»]*»\.?\s*")
_VOL_P = re.compile(r"\bVol\.\s*\d|\bP\.\s*\d")
_VOL_BRACKET = re.compile(r"\bVol\.\s*(\d+)\s*\((\d+)\)")
_NOT_CONTAINER = re.compile(r"(?:Software|Available|Retrieved)\b")
_STARTS_DIGIT = re.compile(r"\d")
_CODE_OR_NUMBER = re.compile(r"(?:[A-Z]+\(\d{4}\)|\d)")
_CAPS_WORD = re.compile(r"[A-Z]{2,}")


_PAGES_ONLY = re.compile(r",\s*(\d+\s*[-–—]\s*\d+)\s*$")


def after_title(rest: str, ref: Reference, style: str) -> None:
    """Container, numbers, publisher and place after the title of an author-date entry."""
    rest = _TRAILING_NOTE.sub("", _ONLINE_MARK.sub("", rest.strip(" .,")))
    if not rest:
        return
    if _IN_START.match(rest):
        in_book(rest, ref, style)
        return
    thesis = _THESIS_REST.search(rest)
    if thesis:
        _thesis_trailer(thesis.group(1), ref)
        return
    pp = find_place_publisher(rest)
    if pp:
        ref.place, ref.publisher = pp.place, pp.publisher
        ref.year = ref.year or pp.year
        before, after = rest[:pp.start].strip(" .,"), rest[pp.end:].strip(" .,")
        if after and _STARTS_DIGIT.match(after):
            journal_numbers(", " + after, ref)  # 'Kamyanets-Podilsky : Abetka, 9, 140–142'
        if before and not _CODE_OR_NUMBER.match(before) and (ref.volume or JOURNAL_HINT.search(before)):
            ref.container = clean(before)
        return
    numbered = _VOL_P.search(rest)
    if numbered:  # 'Bulletin of X. Vol. 1 (5). P. 44–48.'
        read_numbers(rest, ref)
        vm = _VOL_BRACKET.search(rest)
        if vm:
            ref.volume, ref.issue = vm.group(1), vm.group(2)
        ref.container = clean(rest[:numbered.start()])
        return
    container = journal_numbers(rest, ref).strip(" .,")
    pm = _PAGES_ONLY.search(container) if not (ref.volume or ref.pages) else None
    if pm:  # 'Proceedings of X (FSKD), 2147–2152.'
        ref.pages, container = dash(pm.group(1)), container[:pm.start()]
    if ref.volume or ref.pages:
        ref.container = clean(container)
        return
    _unnumbered_trailer(container, ref, style)


def _thesis_trailer(after: str, ref: Reference) -> None:
    """'PhD thesis. Kazan Federal University.' -> publisher; '... «Plant production». Nizhniy Novgorod.' -> place."""
    after = clean(_SPECIALITY.sub("", after).strip(" ."))
    if not after:
        return
    if nm.ORG_WORDS.search(after) or looks_like_publisher(after) or _CAPS_WORD.fullmatch(after):
        ref.publisher = after
    else:
        ref.place = after


def _unnumbered_trailer(text: str, ref: Reference, style: str) -> None:
    """'MIT Press, Cambridge, MA' / 'NNTs IAE, Kyiv' / 'Free Press' / 'Оdessa' / 'TACL' / 'ACM Trans. Inf. Syst.'."""
    segs = [x.strip() for x in COMMAS.split(text) if x.strip()]
    if len(segs) >= 2 and looks_like_publisher(segs[0]) and \
            all(looks_like_place(x) or STATE_RE.fullmatch(x) for x in segs[1:]):
        ref.publisher, ref.place = segs[0], ", ".join(segs[1:])
    elif len(segs) == 2 and looks_like_place(segs[1]) and not JOURNAL_HINT.search(segs[0]) and style != "acl":
        ref.publisher, ref.place = segs[0], segs[1]
    elif style == "apa" and text and not JOURNAL_HINT.search(text) and not ref.url:
        if len(text.split()) == 1 and looks_like_place(text) and not looks_like_publisher(text):
            ref.place = clean(text)
        else:
            ref.publisher = clean(text)  # APA 7: a journal always has numbers; a bare name is the publisher
    elif (looks_like_publisher(text) if style != "acl" else PUBLISHER_WORDS.search(text)) and \
            not JOURNAL_HINT.search(text) and len(text.split()) <= 6:
        ref.publisher = clean(text)
    elif looks_like_place(text) and style != "acl" and not _CAPS_WORD.fullmatch(text):
        ref.place = clean(text)
    elif not _NOT_CONTAINER.match(text):
        ref.container = clean(text)


_EDITION_PAREN = re.compile(r"\s*\((?:\d+(?:st|nd|rd|th)\s+ed|Rev(?:ised)?\.?\s+ed|Vol\.\s*(\d+))\.?\)\s*$", re.I)


def parse_author_date(s: str, ref: Reference, m: re.Match, style: str) -> None:
    """APA / Harvard / ACL / Chicago: authors, year, title, then the rest."""
    ref.authors = author_block(s[:m.start()])
    ref.year = m.group(1) if m.lastindex else None
    title, rest = title_and_rest(s[m.end():])
    if title.endswith(("?", "!")) and _JOURNAL_NUMBERS.search(rest):
        more = sentence_end(rest)
        if more > 0 and _JOURNAL_NUMBERS.search(rest[more:]):  # 'Why ...? The history of ... . Journal, 29(3), 3–30.'
            title, rest = f"{title} {rest[:more]}", rest[more:].lstrip(" .")
    em = _EDITION_PAREN.search(title)
    if em:  # 'Title (5th ed.).' / 'Title (Vol. 2).'
        title = title[:em.start()]
        if em.group(1):
            ref.volume = em.group(1)
    ref.title = clean(GMD.sub(" ", title))
    after_title(rest, ref, style)
