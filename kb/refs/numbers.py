"""The numbers of an entry: volume ('Т. 4', 'Vol. 12'), issue ('№ 2', 'no. 3') and pages ('С. 45–52',
'pp. 1–9') from its publication areas, and its year: the first one in a text, or, when a style's own
reading found none, one anywhere outside the title and the access date that is not the date of a
dated act ('от 2 июня 2016 г.'). YEAR_RE is a year that is no part of a range, a date or a page
count ('2005 с.')."""

from __future__ import annotations

import re

from kb.refs.identifiers import MONTH
from kb.refs.reference import Reference
from kb.refs.text import YEAR, dash

YEAR_RE = re.compile(rf"(?<![\d/.–\-])({YEAR})[a-zа-я]?(?![\d–\-]|\.\d|\s*(?:с|c|p|pp|стр)\.)")
_VOLUME = re.compile(r"(?:\b[ТT]\.|(?<![А-Яа-я])т\.|\bТом|\bVol\.?|\bvol\.|\bVolume|\bv\.|\bВып\.(?=\s*\d+\s*,\s*№))"
                     r"\s*(\d+[A-Za-zА-Яа-я]?(?:\s*\(\d+\))?|[A-Z]+-\d+)(?!\d|\.\d)")
_ISSUE = re.compile(r"(?:№\s*\.?|\bNo\.|(?<!Art\.\s)\bno\.|\bNr\.|\b[Ii]ssue|\bIss\.|\b[Вв]ып\.|\bN\s?(?=\d))"
                    r"\s*(\d+(?:\s*[-–/]\s*\d+)?(?:\s*\(\d+\))?)")
_PAGES = re.compile(r"(?:\b[СCс]\.|\bP\s?\.|\bp\.|\bpp\.|\bPp\.|\bPP\.|\bS\.|\bстр\.|\bArt\.\s*no\.|\bArticle)\s*"
                    r"(\d+\s*[-–—]\s*\d+|[A-Za-z]?\d+)(?![\d.]*\s*(?:с|c|p|pp|стр|S)\.(?:\s|$))")
TOTAL_PAGES = re.compile(r"\b\d+\s*(?:с|c|p|pp|стр|S|л)\.(?=\s|$|[;,)–—-])")
_DAY_MONTH = re.compile(rf"(?:\d{{1,2}}\s+(?:{MONTH})|\d{{1,2}}\.\d{{1,2}}\.)\s*$", re.I)


def read_numbers(text: str, ref: Reference) -> None:
    """Volume, issue and pages from the publication areas of an entry (what is not set yet)."""
    if ref.volume is None and (m := _VOLUME.search(text)):
        ref.volume = m.group(1).strip()
    if ref.issue is None and (m := _ISSUE.search(text)):
        ref.issue = m.group(1).strip()
    if ref.pages is None and (m := _PAGES.search(text)):
        ref.pages = dash(m.group(1))


def first_year(text: str) -> str | None:
    m = YEAR_RE.search(text)
    return m.group(1) if m else None


def fallback_year(s: str, ref: Reference) -> str | None:
    """A year anywhere outside the title and the access date; not a dated act ('от 2 июня 2016 г.')."""
    text = s.replace(ref.title, " ") if ref.title else s
    for y in YEAR_RE.finditer(text):
        if not (ref.accessed and y.group(1) in ref.accessed) and \
                not _DAY_MONTH.search(text, max(0, y.start() - 20), y.start()):
            return y.group(1)
    return None
