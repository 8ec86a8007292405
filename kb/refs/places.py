"""Places and publishers, shared by every style: 'М.: Наука, 1986', 'Cham : Springer, 2023',
'Paris: OECD Publishing; 2019' (find_place_publisher); whether a phrase reads as a town ('Москва',
'New York, NY, USA', 'Ростов н/Д', 'St. Louis') or as a publisher ('... Press', 'Изд-во ...', an
acronym); and a place that ends a comma list ('..., New Orleans, Louisiana, USA'). The patterns
know the US states, some Canadian provinces and a list of countries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.refs import names as nm
from kb.refs.kinds import CONF
from kb.refs.text import LO, NAME_EDGE, UP, YEAR, clean, sentence_end, unquote

_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
           "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC DF ON BC QC").split()
_COUNTRIES = ("USA|UK|U\\.S\\.A\\.|England|Germany|France|Italy|Spain|Japan|China|Canada|Russia|Brazil|Mexico|"
              "Netherlands|Switzerland|Austria|Sweden|Norway|Denmark|Finland|Poland|Ukraine|Belarus|India|"
              "Australia|Korea|Singapore|Israel|Belgium|Portugal|Greece|Turkey|Czech Republic|Hungary|Ireland|"
              "Scotland|Россия|Украина|Беларусь|Казахстан")
STATE_RE = re.compile("|".join(_STATES))
_COUNTRY_RE = re.compile(_COUNTRIES)
STATE_OR_COUNTRY = re.compile(f"{'|'.join(_STATES)}|{_COUNTRIES}")
_PW_FULL = rf"[{UP}][{LO}’']+(?:-[{UP}]?[{LO}’']+)*(?:/[{UP}][{LO}]+)?"  # Москва, Kamyanets-Podilsky, Frankfurt/Main
_PW_ABBR = rf"[{UP}][{UP}{LO}]{{0,4}}\."  # М., СПб., Л.
# 'М.', 'СПб.', 'New York, NY, USA', 'Thousand Oaks (CA)', 'М.-Воронеж', 'Ростов н/Д', 'St. Louis'
PLACE = (rf"(?:St\.\s|Ст\.\s)?(?:{_PW_FULL}\s){{0,2}}(?:{_PW_FULL}|{_PW_ABBR})(?:-(?:{_PW_FULL}|{_PW_ABBR}))?"
         rf"(?:\sн/Д|\sна-Дону|\sam\sMain|\s\([A-Z]{{2}}\))?"
         rf"(?:,?\s(?:{'|'.join(_STATES)}|{_COUNTRIES})\b\.?){{0,2}}")
_PLACE_RE = re.compile(PLACE)
PUBLISHER_WORDS = re.compile(
    r"\b(?:press|publish\w*|verlag|books?|inc\.?|ltd\.?|llc|gmbh|co\.|springer|wiley|elsevier|routledge|pearson|"
    r"sage|macmillan|palgrave|mcgraw|addison|prentice|o’reilly|o'reilly|acm|ieee|spie|mit|университет\w*|"
    r"изд\w*|издательство|наука|мир|питер|academic|university|editions?|media)\b|[«»\"]|\w & [A-Z]", re.I)
ACRONYM = re.compile(rf"[{UP}]{{2,}}(?:[\s\-][{UP}]{{2,}})*")
_PLACE_PUB = re.compile(
    rf"(?:^|(?<=[.–—:;,])\s*|(?<=\s))(?P<place>{PLACE})\s?:\s?(?P<pub>(?!\s*//)[^:;]{{1,120}}?)"
    rf"(?:,\s*(?P<year>{YEAR})\b|\s*;\s*(?P<year2>{YEAR})\b|"
    rf"(?=\.\s*[–—]|\.?\s*$|\s[–—]\s|\.\s+{YEAR}\b|,\s*pp?\.|,\s*\d))")
_NOT_PLACE = re.compile(r"(?:URL|DOI|Текст|In|Eds?|Retrieved|Available|Vol|Т|С|P|Режим|Серия|Сер|Series|Вып|Part|"
                        r"Ч|Note|Аннотация|Abstract|Keywords)\b")
_BAD_PUB_START = re.compile(r"\s*(?:\d|//|http)")


@dataclass
class PlacePub:
    place: str | None
    publisher: str | None
    year: str | None
    start: int
    end: int


def find_place_publisher(text: str) -> PlacePub | None:
    """'М.: Наука, 1986' / 'Cham : Springer, 2023' / 'Paris: OECD Publishing; 2019' / 'Boston: X Press.'"""
    if ":" not in text:
        return None
    for m in _PLACE_PUB.finditer(text):
        place, pub = m.group("place"), m.group("pub")
        if _NOT_PLACE.match(place) or CONF.search(place) or _BAD_PUB_START.match(pub) or len(pub) > 90 or \
                sentence_end(pub + " x") not in (-1, len(pub)):
            continue
        return PlacePub(clean(place, NAME_EDGE), clean(unquote(clean(pub))), m.group("year") or m.group("year2"),
                        m.start("place"), m.end())
    return None


def looks_like_place(text: str) -> bool:
    t = text.strip(" .,")
    return bool(t) and bool(_PLACE_RE.fullmatch(text.strip(" ,"))) and not PUBLISHER_WORDS.search(t) and \
        len(t.split()) <= 4 and not nm.ORG_WORDS.search(t)


def looks_like_publisher(text: str) -> bool:
    return bool(PUBLISHER_WORDS.search(text)) or bool(ACRONYM.fullmatch(text.strip()))


def trailing_place(text: str) -> tuple[str, str] | None:
    """'..., New Orleans, Louisiana, USA' -> ('New Orleans, Louisiana, USA', '...')."""
    segs = text.split(", ")
    if len(segs) < 2:
        return None
    last = segs[-1].strip(" .")
    if STATE_RE.fullmatch(last):
        take = 2
    elif _COUNTRY_RE.fullmatch(last):
        take = 1
        while take < 3 and len(segs) - take > 1:
            prev = segs[-1 - take].strip()
            if not (STATE_RE.fullmatch(prev) or looks_like_place(prev)) or len(prev.split()) > 3:
                break
            take += 1
    elif len(segs) >= 3 and all(looks_like_place(x) and len(x.split()) <= 2 for x in segs[-2:]):
        take = 2  # 'Proceedings of EMNLP, Doha, Qatar': a town and a country
    else:
        return None
    if len(segs) - take < 1:
        return None
    return ", ".join(x.strip(" .") for x in segs[-take:]), ", ".join(segs[:-take])
