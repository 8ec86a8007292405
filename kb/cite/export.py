"""Bibliographies in the formats reference managers and LaTeX read: BibTeX, RIS and CSL-JSON.

Works are the dicts described in `kb.cite.bibliography`; empty fields are left out, and an access
date that reads two ways ("09/02/2024") is kept as printed in a note instead of being guessed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from kb.cite.bibliography import (
    PAGE_COUNTED,
    Work,
    access_date,
    doi,
    kind,
    language,
    names,
    page_range,
    render,
    text,
    url,
)
from kb.cite.names import Name

FORMATS = ("gost", "apa", "bibtex", "ris", "csl-json")

BIBTEX_TYPES = {"article": "article", "book": "book", "chapter": "incollection",
                "conference": "inproceedings", "report": "techreport", "thesis": "phdthesis",
                "web": "misc", "misc": "misc"}
RIS_TYPES = {"article": "JOUR", "book": "BOOK", "chapter": "CHAP", "conference": "CONF",
             "report": "RPRT", "thesis": "THES", "web": "ELEC", "misc": "GEN"}
CSL_TYPES = {"article": "article-journal", "book": "book", "chapter": "chapter",
             "conference": "paper-conference", "report": "report", "thesis": "thesis",
             "web": "webpage", "misc": "document"}
# babel names for BibTeX, English names for RIS (as Scopus and Web of Science write them)
_LANGUAGES = {"ru": "russian", "uk": "ukrainian", "be": "belarusian", "en": "english",
              "de": "german", "fr": "french", "es": "spanish", "it": "italian", "pl": "polish"}

# Keys must be ASCII: Cyrillic goes through a GOST 7.79-B-like table ("х" -> "kh" reads better than "x").
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "cz", "ч": "ch", "ш": "sh", "щ": "shh",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye",
    "ґ": "g", "ў": "u", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d",
})
_STOPWORDS = {"a", "an", "the", "on", "of", "in", "to", "for", "and", "at", "by", "from", "with",
              "и", "в", "во", "на", "о", "об", "к", "по", "с", "со", "у", "для", "из", "от"}
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                   "_": r"\_", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                   "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_PAIRED = {**_BIBTEX_SPECIAL, "{": r"\{", "}": r"\}"}


def ascii_slug(value: str) -> str:
    """'Гилева' -> 'gileva', 'Gawęł' -> 'gawel': lower-case ASCII letters and digits only."""
    value = value.casefold().translate(_TRANSLIT)
    value = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", value)


def _year(work: Work) -> str:
    m = re.search(r"\d{4}", text(work, "year"))
    return m[0] if m else ""


def _base_key(work: Work) -> str:
    words = [ascii_slug(w) for w in re.split(r"[\s\-–—/:]+", text(work, "title"))
             if w.casefold() not in _STOPWORDS]
    words = [w for w in words if w]
    people = names(work)
    who = ascii_slug(people[0].surname.split()[0]) if people and people[0].surname else ""
    if who:
        return who + _year(work) + (words[0] if words else "")
    if words:
        return words[0] + _year(work) + (words[1] if len(words) > 1 else "")
    return "ref" + _year(work)


def bibtex_keys(works: Iterable[Work]) -> list[str]:
    """'gileva2024vykhod'; clashing keys all get a, b, c ... in the order given."""
    bases = [_base_key(w) for w in works]
    counts, seen, used, keys = Counter(bases), Counter(), set(), []
    for base in bases:
        key = base
        if counts[base] > 1 or base in used:
            while key in used or key == base:
                key = base + _suffix(seen[base])
                seen[base] += 1
        used.add(key)
        keys.append(key)
    return keys


def _suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: enough letters for any number of clashes."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def _balanced(value: str) -> bool:
    depth = 0
    for c in value:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def bibtex_escape(value: str) -> str:
    r"""Escape TeX specials so they print as themselves.

    BibTeX counts '\{' as a brace too, so lone braces become \textbraceleft{} (the value stays
    balanced); paired braces become \{ \}, which every BibTeX reader understands.
    """
    special = _BIBTEX_PAIRED if _balanced(value) else _BIBTEX_SPECIAL
    return "".join(special.get(c, c) for c in value)


def _bibtex_name(name: Name) -> str:
    if name.literal:
        return "{" + bibtex_escape(name.surname) + "}"  # braces keep an organisation as one name
    if not name.initials:
        return bibtex_escape(name.surname)
    family = name.surname if " " not in name.surname else "{" + name.surname + "}"  # "de Veciana" stays whole
    return f"{bibtex_escape(family)}, {bibtex_escape(name.given) if name.given else name.initials_dotted()}"


def _verbatim(value: str) -> str:
    """DOIs and URLs are read verbatim by biblatex and the url package: only braces must go."""
    return value.replace("{", "%7B").replace("}", "%7D")


def _bibtex_entry(work: Work, key: str) -> str:
    what = kind(work)
    fields: list[tuple[str, str]] = []
    people = names(work)
    if people:
        fields.append(("author", " and ".join(_bibtex_name(n) for n in people)))
    if title := text(work, "title"):
        fields.append(("title", "{" + bibtex_escape(title) + "}"))  # inner braces keep the case
    container = bibtex_escape(text(work, "container"))
    container_field = {"article": "journal", "chapter": "booktitle", "conference": "booktitle",
                       "web": "howpublished"}.get(what, "series")
    publisher_field = {"report": "institution", "thesis": "school"}.get(what, "publisher")
    first, last = page_range(work)
    page_count = what in PAGE_COUNTED and not last
    accessed = access_date(work)
    lang = language(work)
    fields += [
        (container_field, container),
        ("year", bibtex_escape(text(work, "year"))),
        ("volume", bibtex_escape(text(work, "volume"))),
        ("number", bibtex_escape(text(work, "issue"))),
        ("pagetotal" if page_count else "pages", bibtex_escape(f"{first}--{last}" if last else first)),
        (publisher_field, bibtex_escape(text(work, "publisher"))),
        ("address", bibtex_escape(text(work, "place"))),
        ("doi", _verbatim(doi(work))),
        ("url", _verbatim(url(work))),
        ("urldate", accessed.isoformat() if accessed else ""),
        ("note", "" if accessed or not text(work, "accessed")
         else bibtex_escape(f"Accessed {text(work, 'accessed')}")),
        ("language", _LANGUAGES.get(lang, lang) if lang else ""),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{BIBTEX_TYPES[what]}{{{key},\n{body}\n}}"


def to_bibtex(works: Iterable[Work]) -> str:
    works = list(works)
    entries = [_bibtex_entry(w, k) for w, k in zip(works, bibtex_keys(works), strict=True)]
    return "\n\n".join(entries) + "\n" if entries else ""


def _ris_name(name: Name) -> str:
    if name.literal or not name.initials:
        return name.surname  # no comma: read as a single-field (corporate) name
    return f"{name.surname}, {name.given or name.initials_dotted()}"


def _ris_entry(work: Work) -> str:
    what = kind(work)
    container = text(work, "container")
    first, last = page_range(work)
    accessed = access_date(work)
    lang = language(work)
    tags = [("TY", RIS_TYPES[what])]
    tags += [("AU", _ris_name(n)) for n in names(work)]
    tags += [
        ("TI", text(work, "title")),
        ("T2", container),
        ("JO", container if what == "article" else ""),
        ("PY", text(work, "year")),
        ("VL", text(work, "volume")),
        ("IS", text(work, "issue")),
        ("SP", first),
        ("EP", last),
        ("PB", text(work, "publisher")),
        ("CY", text(work, "place")),
        ("DO", doi(work)),
        ("UR", url(work)),
        ("Y2", accessed.strftime("%Y/%m/%d") if accessed else ""),
        ("N1", "" if accessed or not text(work, "accessed") else f"Accessed {text(work, 'accessed')}"),
        ("LA", _LANGUAGES.get(lang, lang).capitalize() if lang else ""),
    ]
    lines = [f"{tag}  - {value}" for tag, value in tags if value]
    return "\n".join([*lines, "ER  - "])


def to_ris(works: Iterable[Work]) -> str:
    entries = [_ris_entry(w) for w in works]
    return "\n\n".join(entries) + "\n" if entries else ""


def _csl_name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.surname}
    given = name.given or name.initials_dotted()
    return {"family": name.surname, "given": given} if given else {"family": name.surname}


def _csl_item(work: Work, key: str) -> dict:
    what = kind(work)
    item: dict = {"id": str(work["id"]) if work.get("id") is not None else key, "type": CSL_TYPES[what]}
    people = names(work)
    if people:
        item["author"] = [_csl_name(n) for n in people]
    year = text(work, "year")
    first, last = page_range(work)
    page_count = what in PAGE_COUNTED and first and not last
    accessed = access_date(work)
    values = {
        "title": text(work, "title"),
        "container-title": text(work, "container"),
        "issued": ({"date-parts": [[int(_year(work))]]} if _year(work) == year else {"literal": year})
        if year else None,
        "volume": text(work, "volume"),
        "issue": text(work, "issue"),
        "page": "" if page_count else (f"{first}-{last}" if last else first),
        "number-of-pages": first if page_count else "",
        "publisher": text(work, "publisher"),
        "publisher-place": text(work, "place"),
        "DOI": doi(work),
        "URL": url(work),
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]} if accessed else None,
        "note": "" if accessed or not text(work, "accessed") else f"Accessed {text(work, 'accessed')}",
        "language": language(work),
    }
    item.update((k, v) for k, v in values.items() if v)
    return item


def to_csl_json(works: Iterable[Work]) -> list[dict]:
    works = list(works)
    return [_csl_item(w, k) for w, k in zip(works, bibtex_keys(works), strict=True)]


def export(works: Iterable[Work], fmt: str) -> str:
    """One of FORMATS as text; GOST and APA lists keep the order given."""
    fmt = fmt.strip().lower()
    if fmt in ("gost", "apa"):
        return render(works, fmt)
    if fmt == "bibtex":
        return to_bibtex(works)
    if fmt == "ris":
        return to_ris(works)
    if fmt == "csl-json":
        return json.dumps(to_csl_json(works), ensure_ascii=False, indent=2)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
