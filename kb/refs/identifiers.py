"""What looks the same in every style, taken out of an entry before its style is recognised:
the access date ('дата обращения: 12.03.2021', 'accessed May 3, 2020'), the DOI, the URL (with its
'Режим доступа:' / 'Available at' label, and a URL that PDF text broke after a period glued back)
and catalogue numbers (ISBN, PMID, ...) that no field keeps. Also GOST's general material
designations ('[Текст]', '[Электронный ресурс]') and content form ('Текст : электронный'), which
titles shed and the edition of the standard is told by, and MONTH, the month names date patterns
elsewhere use."""

from __future__ import annotations

import re

from kb.refs.reference import Reference
from kb.refs.text import YEAR, clean, strip_unbalanced

MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?|"
         r"(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*")
_DATE = (rf"\d{{1,2}}\s*[./]\s*\d{{1,2}}\s*[./]\s*\d{{2,4}}|\d{{1,2}}\s*-?\s*(?:{MONTH})\s*-?\s*,?\s*{YEAR}|"
         rf"(?:{MONTH})\s+\d{{1,2}},?\s+{YEAR}|{YEAR}\s+(?:{MONTH})\s+\d{{1,2}}|{YEAR}-\d\d-\d\d")
_ACCESS = re.compile(
    r"[(\[]?\s*(?:дата\s+обращения|дата\s+доступа|дата\s+звернення|последнее\s+обращение|"
    r"accessed(?:\s+on)?|visited\s+on|retrieved(?:\s+on)?|cited|viewed|last\s+accessed)"
    rf"\s*:?\s*({_DATE})(?:\s*г\.?)?\s*(?:[)\]]|,\s*from\b)?\.?", re.I)
_DOI = re.compile(r"(?:\bdoi\s*:?\s*)?(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)", re.I)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+")
_URL_GLUE = re.compile(r"\s([a-z][\w\-.~%]*(?:/[^\s<>\"]*)+)")  # 'http://tldp. org/LDP/...' printed so
_URL_LABEL = re.compile(
    r"(?:[–—-]\s*)?(?:\[Online\]\.?\s*)?(?:Режим\s+доступа|URL|Available(?:\s+(?:at|from|online))?|"
    r"Retrieved\s+from|Software\s+available\s+at|from|Доступно|Access\s+mode)\s*:?\s*$", re.I)
_LEFT_LABEL = re.compile(r"(?:[–—-]\s*)?\b(?:Режим\s+доступа|URL|Available\s+(?:at|from))\s*:?\s*(?=$|[–—.(])", re.I)
_JUNK_IDS = re.compile(r"\s*\b(?:PMID|PMCID|ISBN|ISSN|EDN|eISSN)\s*:?\s*[\dX\-–]+\.?|\s*\[Online\]\.?", re.I)
_EMPTY_BRACKETS = re.compile(r"\s*[\[(]\s*[)\]]")
GMD = re.compile(r"\s*\[(?:Текст|Text|Электронный\s+ресурс|Electronic\s+resource|Електронний\s+ресурс|"
                 r"Internet|Рукопись|Мультимедиа)\]\s*", re.I)
CONTENT_FORM = re.compile(r"(?:\s?[.–—-]){0,3}\s?Текст\s?:\s?(?:непосредственный|электронный)\s*", re.I)


_ACCESS_WORDS = ("обращ", "доступ", "зверн", "access", "visited", "retriev", "cited", "viewed")
_ID_WORDS = ("pmid", "pmcid", "isbn", "issn", "edn", "[online]")
_LABEL_WORDS = ("url", "режим", "available")


def take_identifiers(s: str, ref: Reference) -> str:
    """Access date, DOI, URL and catalogue numbers: into ref, out of the text."""
    low = s.lower()
    m = _ACCESS.search(s) if any(w in low for w in _ACCESS_WORDS) else None
    if m:
        ref.accessed = clean(m.group(1))
        s = s[:m.start()] + " " + s[m.end():]
    m = _DOI.search(s) if "10." in s else None
    if m:
        doi = strip_unbalanced(m.group(1), ".,;")
        ref.doi = doi
        s = s[:m.start()] + " " + s[m.start(1) + len(doi):]
    m = _URL.search(s) if "http" in low or "www." in low else None
    if m:
        url = m.group(0)
        glue = _URL_GLUE.match(s, m.end()) if url.endswith((".", "/")) else None
        if glue and not (glue.group(1)[:1].isupper() or "а" <= glue.group(1)[:1] <= "я"):
            url = url + " " + glue.group(1)
        url = strip_unbalanced(url)
        ref.url = url
        before = _URL_LABEL.sub("", s[:m.start()].rstrip())
        s = before + " " + s[m.start() + len(url):]
    if any(w in low for w in _ID_WORDS):
        s = _JUNK_IDS.sub(" ", s)
    if any(w in low for w in _LABEL_WORDS):
        s = _LEFT_LABEL.sub(" ", s)
    if "(" in s or "[" in s:
        s = _EMPTY_BRACKETS.sub(" ", s)
    return " ".join(s.split())
