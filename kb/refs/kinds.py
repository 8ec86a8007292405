"""The kind of publication an entry describes (article, book, chapter, conference, report, thesis
or web), inferred from what was read (a container, numbering, editors, a URL) and from the words
that name kinds ('Proceedings', 'конференция', 'дис.', 'Tech. Rep.'). The style parsers use two of
its hints too, JOURNAL_HINT and CONF, to tell a journal or proceedings from a town or a publisher."""

from __future__ import annotations

import re

from kb.refs import names as nm
from kb.refs.reference import Reference

JOURNAL_HINT = re.compile(r"журнал|вестник|вісник|journal|review|изв\.|известия|letters|transactions|"
                          r"bulletin|quarterly|доклады|записки|труды|annals|magazine|vestnik|visnyk|"
                          r"\bj\.|\btrans\.|proc\.\s+ieee|science|nature|физика|математика|экономика", re.I)
CONF = re.compile(r"конф|conf\.|conference|proceedings|\bproc\.|symposium|symp\.|workshop|симпозиум|congress|"
                  r"конгресс|colloquium|коллоквиум", re.I)
_CONF_WEAK = re.compile(r"форум|forum|summit|meeting", re.I)
_THESIS = re.compile(r"\bдис\.|диссертац|автореф|\bthesis\b|\bdissertation\b", re.I)
_REPORT = re.compile(r"\b(?:tech\.|final|technical|annual)\s*rep|стат\.\s*сб|white paper|working paper", re.I)
_REPORT_TITLE = re.compile(r"\breport\b|отч[её]т", re.I)
_EDITORS = re.compile(r"\b(?:eds?\.|editors?)(?!\w)|\(eds?\)|\(ред\.\)|под ред\.|ed\. by", re.I)
_EDS_PAREN = re.compile(r"\((?:eds?|editors?)\.?\)", re.I)
_IN_PART = re.compile(r"(?:^|[.,”]\s*)In:?\s(.*)")
_IN_LOWER = re.compile(r"(?:^|[.,”]\s*)in\s", re.I)
_IEEE_IN = re.compile(r"[,”]\s*in\s")
_BOOK_IN = re.compile(r"(?:^|\.\s)In:?\s")


_THESIS_HINTS = ("дис", "автореф", "thesis", "dissertation")
_REPORT_HINTS = ("rep", "стат", "paper")


def infer_type(ref: Reference, s: str, style: str) -> str:
    """article / book / chapter / conference / report / thesis / web, from what was read."""
    low = s.lower()
    if any(h in low for h in _THESIS_HINTS) and _THESIS.search(s):
        return "thesis"
    if any(h in low for h in _REPORT_HINTS) and _REPORT.search(s) and not ref.volume:
        return "report"
    org = bool(ref.authors) and not all(nm.is_person(a) for a in ref.authors)
    if "//" in s and not ref.container and not ref.url:
        return "chapter"  # '// / ed. by ...': a part of something, even when its name is missing
    if ref.container:
        return _component_type(ref, s, style)
    if org:
        if ref.url and (not ref.url.lower().endswith(".pdf")) and not (ref.publisher or ref.place):
            return "web"
        return "report"
    if _REPORT_TITLE.search(ref.title or ""):
        return "report"
    return "web" if ref.url else "book"


def _component_type(ref: Reference, s: str, style: str) -> str:
    """The type of an entry that names a container (journal, book, proceedings, site)."""
    numbered = bool(ref.volume or ref.issue)
    if style == "ieee" and not _IEEE_IN.search(s):
        if CONF.search(ref.container):
            return "conference"
        return "web" if ref.url and not (numbered or ref.pages) else "article"
    in_part = _IN_PART.search(s) if "In" in s else None
    if in_part and style in ("apa", "harvard", "vancouver") and CONF.search(in_part.group(1)):
        return "conference"
    if ref.url and not numbered and not CONF.search(ref.container):
        return "web"
    if CONF.search(ref.container) or CONF.search(_container_area(s)) or \
            (_CONF_WEAK.search(ref.container) and not numbered) or \
            (style in ("other", "ieee") and _IN_LOWER.search(s) and not _EDS_PAREN.search(s)):
        return "conference"
    if _EDITORS.search(s) and not numbered:
        return "chapter"
    if numbered:
        return "article"
    if _BOOK_IN.search(s) and style in ("apa", "harvard", "vancouver"):
        return "chapter"
    if ref.publisher or ref.place:
        return "chapter"
    if "//" in s and not JOURNAL_HINT.search(ref.container):
        return "chapter"
    return "article"


_AREA_DASH = re.compile(r"\.\s*[–—]\s")


def _container_area(s: str) -> str:
    """The raw text after '//' up to the next area (its form words tell a conference)."""
    if "//" not in s:
        return ""
    return _AREA_DASH.split(s.split("//", 1)[1])[0]
