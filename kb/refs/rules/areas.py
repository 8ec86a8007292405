"""The areas of a GOST entry (title and responsibility, edition, publication, numbering, ...) cut
at their separators: '. – ', a ' – ' before what may open an area (a year, numbering, an edition,
'Place : Publisher', 'Publisher, 2005'), ' / ' before a statement of responsibility and '. ' at a
sentence end. starts_publication_area asks the same of the start of a paragraph, which tells the
splitter (kb.refs.split) that the paragraph continues an entry rather than starts one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.refs.places import PLACE, find_place_publisher
from kb.refs.text import YEAR, is_initial, is_sentence_end, word_before

_EDITION = (r"\d+\s*-?\s*(?:е|й|th|nd|rd|st)?\.?\s*(?:изд|ed|edn)\b\.?|Изд\.\s*\d|[\w\-]+\s+издание\b|"
            r"(?:изд|ed)\.\s*\d|Reprint|Перепеч\.|Repr\.")
_NUMBER_START = (r"[ТT]\.\s*\d|Том\s+\d|т\.\s*\d|Vol\.|vol\.|Volume\s+\d|№|No\.\s*\d|[Вв]ып\.|Сер\.\s*\d|"
                 r"Iss(?:ue|\.)\s*\d|[СCс]\.\s*\d|P\s?\.\s*\d|PP\.\s*\d|pp?\.\s*\d|S\.\s*\d|\d+\s*(?:с|c|p|pp|стр|S)\.")
_PUB_YEAR = rf"[^.,:;–—/]{{2,60}}(?:\.?,\s*[^.,:;–—/\d]{{2,40}}){{0,2}}\.?\"?,\s*{YEAR}\b"
# What may begin an area after the title: a year, numbering, an edition, 'Place : Publisher', 'Publisher, 2005'.
_AREA_START = re.compile(
    rf"(?:{YEAR}\b(?!\s*:)|{_NUMBER_START}|URL|Режим|DOI|Текст\s*:|ISBN|В\s+\d+\s+(?:т|ч)\.|Ч\.\s*\d|"
    rf"{_EDITION}|(?!Сер|Серия|Series)(?:{PLACE})\s?:\s?[^\s\d/]|[«\"]?{_PUB_YEAR})")
_STRONG_START = re.compile(rf"{YEAR}\b(?!\s*:)|{_NUMBER_START}")
_BOUNDARY = re.compile(r"\.?\s+/\s*|(?<=\S)/\s|\s*\.\s*[–—]\s*|\s+[–—]\s*|[–—]\s+|\.\s*-\s+|\s+-\s+|"
                       r"\.-(?=\s|[А-ЯA-Z]\.)|\s?\.\s+(?=\S)")
_HAS_DASH = re.compile("[–—-]")
_LEAD_SLASH = re.compile(r"\s*/\s*")
_PUBLISHER_PREFIX = ("изд", "изд-во", "издат", "publ", "им")


@dataclass
class Area:
    start: int
    end: int
    text: str
    after_dash: bool  # follows '. – ' (a new area for sure), not just a sentence end
    after_slash: bool = False  # follows ' / ': a statement of responsibility


def split_areas(s: str) -> list[Area]:
    """Cut s at area separators: '. – ', ' – ' before an area, '. ' at a sentence end, ' / '."""
    cuts: list[tuple[int, int, str]] = []
    for m in _BOUNDARY.finditer(s):
        sep = m.group(0)
        after = s[m.end():m.end() + 1]
        if not after:
            continue
        if "/" in sep:
            cuts.append((m.start(), m.end(), "/"))
        elif _HAS_DASH.search(sep):
            if "." in sep or _AREA_START.match(s, m.end()):  # not 'From Capex to Opex – new models'
                cuts.append((m.start(), m.end(), "–"))
        elif not (after.islower() or after in ",;:)") and _period_cut(s, m, sep):
            cuts.append((m.start(), m.end(), "."))
    areas, pos, kind = [], 0, ""
    for a, b, k in cuts:
        if a >= pos:
            areas.append(Area(pos, a, s[pos:a], kind == "–", kind == "/"))
            pos, kind = b, k
    areas.append(Area(pos, len(s), s[pos:], kind == "–", kind == "/"))
    for x in areas:
        lead = _LEAD_SLASH.match(x.text) if x.text.lstrip().startswith("/") else None
        if lead:  # '. / А. Иванов': a sentence end right before the '/'
            x.start, x.text, x.after_slash = x.start + lead.end(), x.text[lead.end():], True
    return [x for x in areas if x.text.strip(" .")]


def _period_cut(s: str, m: re.Match, sep: str) -> bool:
    """A '. ' ends an area at a sentence end, or before a year/numbers/publisher (not after an initial)."""
    if is_sentence_end(s, m.start() + sep.index(".")):
        return True
    word = word_before(s, m.start())
    if is_initial(word):
        return False
    if _STRONG_START.match(s, m.end()):
        return True
    return bool(_AREA_START.match(s, m.end())) and word.casefold() not in _PUBLISHER_PREFIX


def is_area_start(text: str) -> bool:
    return bool(_AREA_START.match(text.lstrip(" «\"")))


_LABELLED_AREA = re.compile(rf"{_EDITION}|URL\b|Режим\b|DOI\b|ISBN\b|В\s+\d+\s+(?:т|ч)\.")
_SHORT_PUB_YEAR = re.compile(rf"[«\"]?[^.,:;–—/]{{2,40}}\.?[»\"]?,\s*{YEAR}\b")


def starts_publication_area(text: str) -> bool:
    """Whether text opens with a date, numbering, an edition or an imprint ('М.: Наука, 1986',
    'Санкт-Петербург, 2011'): what continues an entry, never what starts one."""
    if _STRONG_START.match(text) or _LABELLED_AREA.match(text) or _SHORT_PUB_YEAR.match(text):
        return True
    pp = find_place_publisher(text[:150])
    return bool(pp and pp.start == 0 and (pp.year or len(text) < 60))
