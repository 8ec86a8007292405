"""Which style family an entry belongs to, from its punctuation: a year in brackets after the
authors (APA, Harvard), a quoted title (IEEE, MLA), '. 2019. ' after the names (ACL, Chicago),
'Surname AB' with 'Year;' (Vancouver), initials-first authors separated by commas (comma lists), and
else GOST; and, for GOST, which edition of the standard, from the markers each edition has."""

from __future__ import annotations

import re

from kb.refs import names as nm
from kb.refs.identifiers import GMD
from kb.refs.rules.author_date import ACL_YEAR, APA_YEAR, EDITED_BY
from kb.refs.rules.quoted import QUOTED
from kb.refs.rules.vancouver import BMC_NUMBERS
from kb.refs.text import LO, UP, YEAR

_GOST_MARKERS = re.compile(r"//|\s[–—]\s|\b[СC]\.\s*\d|№\s*\d|\bТ\.\s*\d|\[Текст\]|\[Электронный|"
                           r"\bМ\.\s?:|\bСПб\.\s?:|Режим доступа|дата обращения|Дата доступа")
_VANC_START = re.compile(rf"{nm.SURNAME}(?:\s{nm.SURNAME})?\s[A-Z]{{1,3}}(?:,\s|\.\s|:\s|\s\()")
_VANC_INITIALS = re.compile(r"\s[A-Z]{1,3}[,.]\s")
_COMMA_SPACE = re.compile(r"[^(]*,\s")
_RU_PAGES_OR_ISSUE = re.compile(r"[СC]\.\s*\d|№")
_SPACED_DASH = re.compile(r"\s[–—]\s")
_SURNAME_GIVEN = re.compile(rf"{nm.SURNAME},\s[{UP}][{LO}]+")
# 'Year;' (NLM), or 'Year, 28:118-44' (BMC)
_VANC_YEAR_SEMI = re.compile(rf"\b{YEAR}[a-z]?\s*(?:[A-Z][a-z]{{2}}\s*(?:\d+\s*)?)?;|\s{YEAR},\s*{BMC_NUMBERS}")
_PUB_SEMI_YEAR = re.compile(rf":\s*[^:;]+;\s*{YEAR}")
_PUB_SEMI_YEAR_NODOT = re.compile(rf":\s*[^:;.]+;\s*{YEAR}")
_IN_AFTER_SENTENCE = re.compile(r"\.\s+In:?\s")
_ORG_FIRST_SENTENCE = re.compile(rf"[{UP}][^.]{{1,120}}\.\s")
_DOT_YEAR_SEMI = re.compile(rf"\.\s*{YEAR};")
_NUMBERS_BEFORE_YEAR = re.compile(r"\s\d{1,4}[A-Za-z]?\s*(?:\([\w\-–]{1,12}\))?\s*$")
_COMMA_LIST = re.compile(rf"(?:{nm.INITIALS}\s?{nm.SURNAME}[,.]?\s)+[^.]+,\s[^.]+,\s*{YEAR}\b")
_COMMA_AUTHORS = re.compile(rf"{nm.INITIALS}\s?{nm.SURNAME}(?:(?:,\s(?:and\s)?|\sand\s){nm.INITIALS}\s?{nm.SURNAME})*"
                            rf",\s(?![{UP}][{LO}]?\.)")


def recognise(s: str) -> tuple[str, re.Match | None]:
    """Style family of an entry from its punctuation: (style, the match that anchors its parse)."""
    m = APA_YEAR.search(s)
    if m and _NUMBERS_BEFORE_YEAR.search(s, 0, m.start()) and (_COMMA_LIST.match(s) or _COMMA_AUTHORS.match(s)):
        return "comma", None  # 'A. Name, Title, Journal 20 (1) (2010) 70–97': the year closes the numbering
    if m and m.start() < 250 and "//" not in s[:m.start()] and s[:m.start()].strip():
        head = s[:m.start()]
        if not _VANC_START.match(s) or (_COMMA_SPACE.match(head) and not _VANC_INITIALS.search(head)):
            return ("apa" if s[m.start():m.end()].rstrip().endswith(".") else "harvard"), m
    q = QUOTED.search(s)
    if q and q.start() < 300 and not _GOST_MARKERS.search(s, 0, q.start()) and "//" not in s:
        return "ieee", q
    am = ACL_YEAR.search(s)
    if am and am.start() < 600 and "//" not in s and not _RU_PAGES_OR_ISSUE.search(s) and \
            not _SPACED_DASH.search(s, 0, am.start()):
        head = s[:am.start()]
        if nm.names_from_block(head) or nm.names_from_block(head.rstrip(".")) or EDITED_BY.search(head) or \
                _SURNAME_GIVEN.fullmatch(head):
            return "other", am
    if "//" not in s:
        if _VANC_START.match(s) and (_VANC_YEAR_SEMI.search(s) or _PUB_SEMI_YEAR.search(s) or
                                     _IN_AFTER_SENTENCE.search(s)):
            return "vancouver", None
        if _ORG_FIRST_SENTENCE.match(s) and (_DOT_YEAR_SEMI.search(s) or _PUB_SEMI_YEAR_NODOT.search(s)):
            return "vancouver", None
        if _COMMA_LIST.match(s) or _COMMA_AUTHORS.match(s):
            return "comma", None
    elif _COMMA_LIST.match(s):
        return "comma", None
    return "gost", None


_GOST2018 = re.compile(r"Текст\s*:\s*(?:непосредственный|электронный)|\s:\s.*\s[–—]\s|[–—]\s*(?:URL|DOI):")
_GOST2003 = re.compile(r"Режим доступа", re.I)


_CYRILLIC_LETTER = re.compile(r"[А-Яа-яЁё]")


def gost_variant(s: str) -> str:
    """gost2003 / gost2018 / gost2008 from the markers each edition of the standard has (a GMD such
    as '[Текст]' went away in 2018); a Latin entry without GOST separators is an informal 'other'."""
    if GMD.search(s) or _GOST2003.search(s):
        return "gost2003"
    if _GOST2018.search(s):
        return "gost2018"
    if not _CYRILLIC_LETTER.search(s) and " – " not in s and " — " not in s:
        return "other"
    return "gost2008"
