"""Reference-list entries in GOST R 7.0.100-2018 and APA 7 for parsed references and papers.

A work is a plain dict (see the fields read by `text`). Only fields that hold a value are printed:
a missing place, page count or access date is left out, never filled in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

from kb.cite.names import Name, from_parts, parse_name
from kb.cite.styles import sentence_case

Work = Mapping[str, object]
KINDS = ("article", "book", "chapter", "conference", "report", "thesis", "web")
STYLES = ("gost", "apa")
MONOGRAPHS = ("book", "report", "thesis", "misc")  # the work is the whole publication: no "//"
PAGE_COUNTED = ("book", "report", "thesis")  # a single number in "pages" is the page count

_CYR = re.compile("[а-яёіїєґў]", re.IGNORECASE)
_RANGE = re.compile(r"^\s*(\S+?)\s*[-‐‑‒–—]+\s*(\S+)\s*$")
_END = (".", "?", "!", "…")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def text(work: Work, field: str) -> str:
    """A field as one line of text; None, empty and blank values all read as ''."""
    value = work.get(field)
    return "" if value is None else re.sub(r"\s+", " ", str(value)).strip()


def kind(work: Work) -> str:
    """The work's type; when a parsed reference has none, the fields it has decide."""
    declared = text(work, "type").lower()
    if declared in KINDS:
        return declared
    if text(work, "container"):
        return "article" if text(work, "volume") or text(work, "issue") else "chapter"
    if text(work, "url") and not text(work, "publisher"):
        return "web"
    return "book" if text(work, "publisher") else "misc"


_ORG_WORDS = re.compile(
    r"\b(?:bank|universit\w*|institut\w*|organi[sz]ation|association|ministry|agency|council|group|"
    r"compan\w*|corporation|inc|ltd|llc|gmbh|plc|committee|commission|cent(?:re|er)|foundation|office|"
    r"forum|fund|union|society|department|government|"
    r"министерств\w*|университет\w*|институт\w*|банк\w*|служб\w*|агентств\w*|ассоциаци\w*|"
    r"центр\w*|комитет\w*|фонд\w*|союз\w*|палат\w*|компани\w*|групп\w*|правительств\w*|"
    r"администраци\w*|ооо|оао|пао|зао|ао)\b",
    re.IGNORECASE)


def author_name(printed: str) -> Name:
    """parse_name, except that organisations stay whole: 'World Bank & Partners' is not 'Partners, W. B.'."""
    name = parse_name(printed)
    if name.literal or re.search(r"[A-ZА-ЯЁ]\.", printed):
        return name
    if re.search(r"[&\d«»\"]", printed) or _ORG_WORDS.search(printed) or len(printed.split()) > 3:
        return Name(re.sub(r"\s+", " ", printed).strip(), (), literal=True)
    return name


def names(work: Work) -> list[Name]:
    """The work's authors; each is a printed name, or a {family, given} dict already split."""
    out = []
    for a in work.get("authors") or []:
        if isinstance(a, Mapping):
            if a.get("family"):
                out.append(from_parts(str(a["family"]), a.get("given")))
        elif a and str(a).strip():
            out.append(author_name(str(a)))
    return out


def is_russian(work: Work) -> bool:
    """Russian-style labels (Т., №, С., [и др.]) for ru/uk/be works and Cyrillic titles."""
    lang = text(work, "lang").lower()
    if lang in ("ru", "uk", "be") or _CYR.search(text(work, "title")):
        return True
    if lang or text(work, "title"):
        return False
    others = " ".join([text(work, "container"), *(str(a.get("family", "")) if isinstance(a, Mapping) else str(a)
                                                  for a in work.get("authors") or [])])
    return bool(_CYR.search(others))


def language(work: Work) -> str | None:
    """A language code: the declared one, else ru for Cyrillic and en for a Latin title."""
    lang = text(work, "lang").lower()
    if lang:
        return lang
    if is_russian(work):
        return "ru"
    return "en" if text(work, "title") else None


def access_date(work: Work) -> date | None:
    """The access date, when it reads only one way.

    DD.MM.YYYY and YYYY-MM-DD are unambiguous; a slashed date is read only when one part is over
    12 or both are equal ("09/02/2024" may be 9 February or 2 September, so it stays as printed).
    """
    raw = text(work, "accessed")
    try:
        if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw):
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            if a == b or a > 12:
                return date(year, b, a)
            if b > 12:
                return date(year, a, b)
    except ValueError:  # 31.02.2024 and the like
        return None
    return None


def page_range(work: Work) -> tuple[str, str]:
    """('260', '269') for '260–269' or '260-269'; ('101662', '') for a single page or article number."""
    pages = text(work, "pages")
    if m := _RANGE.match(pages):
        return m[1], m[2]
    return pages, ""


def doi(work: Work) -> str:
    """A bare DOI, whether printed as 10.x/y, doi:10.x/y or https://doi.org/10.x/y."""
    value = text(work, "doi")
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.IGNORECASE)


def url(work: Work) -> str:
    """The URL, unless it only points at the DOI that is printed anyway."""
    link = text(work, "url")
    return "" if doi(work) and re.search(r"doi\.org/", link, re.IGNORECASE) else link


def _title(work: Work, ru: bool) -> str:
    title = sentence_case(text(work, "title")).rstrip(" .")
    return title or ("[Без названия]" if ru else "[Untitled]")


def _pages(work: Work, ru: bool) -> str:
    first, last = page_range(work)
    if not first:
        return ""
    if last:
        return f"{'С.' if ru else 'P.'} {first}–{last}"
    if kind(work) in PAGE_COUNTED:
        return f"{first} {'с.' if ru else 'p.'}"
    return f"{'С.' if ru else 'P.'} {first}"


# --- GOST R 7.0.100-2018 -------------------------------------------------------------------------

def _gost_heading(people: list[Name]) -> bool:
    """A heading (first author inverted) is used for one to three authors, if the first is a person."""
    return 0 < len(people) <= 3 and not people[0].literal


def _gost_name(name: Name, inverted: bool) -> str:
    if name.literal or not name.initials:
        return name.surname
    initials = name.initials_dotted()
    return f"{name.surname}, {initials}" if inverted else f"{initials} {name.surname}"


def _gost_areas(areas: list[str]) -> str:
    """Areas are separated by '. – '; an area that already ends with a period or '?' keeps only its own."""
    out = areas[0]
    for area in areas[1:]:
        out += (" – " if out.endswith(_END) else ". – ") + area
    return out if out.endswith(_END) else out + "."


def gost(work: Work) -> str:
    """'Гилева, Т. А. Заглавие / Т. А. Гилева // Журнал. – 2024. – Т. 15, № 3. – С. 260–269. – DOI 10.x.'"""
    ru = is_russian(work)
    what = kind(work)
    people = names(work)
    title = _title(work, ru)
    head = f"{_gost_name(people[0], True)} {title}" if _gost_heading(people) else title
    shown = people if len(people) <= 4 else people[:3]
    responsibility = ", ".join(_gost_name(n, False) for n in shown)
    if len(people) > 4:
        responsibility += " [и др.]" if ru else " [et al.]"
    if responsibility:
        head += f" / {responsibility}"
    container = text(work, "container").rstrip(" .")
    monograph = what in MONOGRAPHS
    if container and not monograph:
        head += f" // {container}"

    areas = [head]
    year = text(work, "year")
    if what in ("article", "web"):
        areas.append(year)
    else:
        where = " : ".join(p for p in (text(work, "place"), text(work, "publisher")) if p)
        areas.append(", ".join(p for p in (where, year) if p))
    volume, issue = text(work, "volume"), text(work, "issue")
    numbered_volume = re.match(r"^[\dIVXLC]", volume or "") is not None  # "Part I" is printed as it is
    numbering = [(f"{'Т.' if ru else 'Vol.'} {volume}" if numbered_volume else volume) if volume else "",
                 f"{'№' if ru else 'no.'} {issue}" if issue else ""]
    areas.append(", ".join(p for p in numbering if p))
    areas.append(_pages(work, ru))
    if container and monograph:
        areas.append(f"({container})")  # series area
    if link := url(work):
        accessed = text(work, "accessed")
        note = f" ({'дата обращения' if ru else 'accessed'}: {accessed})" if accessed else ""
        areas.append(f"URL: {link}{note}")
    if identifier := doi(work):
        areas.append(f"DOI {identifier}")
    return _gost_areas([a for a in areas if a])


# --- APA 7 ---------------------------------------------------------------------------------------

def _apa_name(name: Name) -> str:
    if name.literal or not name.initials:
        return name.surname
    return f"{name.surname}, {name.initials_dotted()}"


def _apa_authors(people: list[Name]) -> str:
    """Up to 20 authors in full; from 21 on, the first 19, an ellipsis and the last one."""
    shown = [_apa_name(n) for n in people]
    if len(shown) > 20:
        return ", ".join(shown[:19]) + ", . . . " + shown[-1]
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + ", & " + shown[-1]
    return shown[0] if shown else ""


def _sentence(part: str) -> str:
    return part if part.endswith(_END) else part + "."


def apa(work: Work, markdown: bool = False) -> str:
    """'Audretsch, D. B., & Guenther, C. (2023). Title. Journal, 93(2), 1213–1229. https://doi.org/10.x'"""
    def it(value: str) -> str:
        return f"*{value}*" if markdown and value else value

    what = kind(work)
    title = sentence_case(text(work, "title")).rstrip(" .") or "[Untitled]"
    container = text(work, "container").rstrip(" .")
    volume, issue = text(work, "volume"), text(work, "issue")
    first, last = page_range(work)
    pages = f"{first}–{last}" if last else first
    publisher = text(work, "publisher")

    standalone = what in (*MONOGRAPHS, "web")
    if standalone:
        described = it(title)
        if volume and what != "web":
            described += f" (Vol. {volume})"
        if what == "thesis":
            described += f" [Thesis, {publisher}]" if publisher else " [Thesis]"
        described = _sentence(described)
    else:
        described = _sentence(title)

    authors = _apa_authors(names(work))
    year = f"({text(work, 'year')})." if text(work, "year") else "(n.d.)."
    parts = [_sentence(authors), year, described] if authors else [described, year]

    if what == "article" and container:
        source = it(container)
        if volume:
            source += f", {it(volume)}"
        if issue:
            source += f"({issue})" if volume else f", ({issue})"
        if pages:
            source += f", {pages}"
        parts.append(source + ".")
    elif what in ("chapter", "conference") and container:
        where = ", ".join(p for p in (f"Vol. {volume}" if volume else "",
                                      (f"pp. {pages}" if last else f"p. {pages}") if pages else "") if p)
        parts.append(f"In {it(container)}" + (f" ({where})." if where else "."))
    elif what == "web" and container:
        parts.append(_sentence(container))
    if publisher and what in ("book", "report", "misc", "chapter", "conference") \
            and publisher != authors.rstrip("."):
        parts.append(_sentence(publisher))

    if identifier := doi(work):
        parts.append(f"https://doi.org/{identifier}")
    elif link := url(work):
        seen = access_date(work) if what == "web" else None
        when = f"{_MONTHS[seen.month - 1]} {seen.day}, {seen.year}" if seen else ""
        parts.append(f"Retrieved {when}, from {link}" if when else link)
    return " ".join(parts)


# --- lists ---------------------------------------------------------------------------------------

def render(works: Iterable[Work], style: str, numbered: bool = True, *, markdown: bool = False) -> str:
    """A reference list in the order given (sort with `sort_key` first for an alphabetical list)."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    entries = [gost(w) if style == "gost" else apa(w, markdown=markdown) for w in works]
    return "\n".join(f"{i}. {e}" if numbered else e for i, e in enumerate(entries, 1))


def _collate(value: str) -> str:
    """Case, accents and punctuation do not order entries; ё sorts with е and й stays a letter."""
    out = []
    for ch in value.casefold().replace("ё", "е"):
        if not _CYR.match(ch):
            ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            ch = {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d"}.get(ch, ch)
        if ch.isalnum() or ch == " ":
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def sort_key(work: Work, style: str) -> tuple:
    """GOST: Cyrillic entries, then Latin, each by the first element printed (heading or title).

    APA: by author names (title, without a leading article, when there are none), then year.
    """
    people = names(work)
    title = text(work, "title")
    year = text(work, "year")
    if style == "gost":
        lead = people[0].surname if _gost_heading(people) else title
        return (0 if _CYR.search(lead) else 1, _collate(lead), year, _collate(title))
    if style == "apa":
        if people:
            authors = tuple(_collate(f"{n.surname} {''.join(n.initials)}") for n in people)
        else:
            authors = (_collate(re.sub(r"^(the|an?)\s+", "", title, flags=re.IGNORECASE)),)
        return (authors, year, _collate(title))
    raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
