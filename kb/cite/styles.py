"""Citation lines for a paper and page: GOST R 7.0.100-2018 (default) and APA 7.

Only what the knowledge base knows is printed; a missing year or title is left out, never
made up.
"""

from __future__ import annotations

import re

from kb.cite.names import Name, parse_name

STYLES = ("gost", "apa")


def sentence_case(title: str) -> str:
    """Titles printed in capitals are cited in sentence case; others as printed."""
    letters = [c for c in title if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) / len(letters) < 0.8:
        return title
    lowered = title.lower()
    return lowered[:1].upper() + lowered[1:]


def _is_cyrillic(text: str) -> bool:
    return bool(re.search("[а-яё]", (text or "").lower()))


def pages_text(first: str, last: str, lang_ru: bool) -> str:
    prefix = "С." if lang_ru else "P."
    return f"{prefix} {first}" if first == last else f"{prefix} {first}–{last}"


def gost_author(name: Name) -> str:
    return name.surname if name.literal else f"{name.surname} {name.initials_dotted()}".strip()


def apa_author(name: Name) -> str:
    return name.surname if name.literal else f"{name.surname}, {name.initials_dotted()}".strip(", ")


def gost(paper: dict, first: str, last: str) -> str:
    """'Иванов И. И., Петров П. П. Заглавие. – 2025. – С. 143–145.'"""
    names = [parse_name(a) for a in paper.get("authors") or []]
    ru = _is_cyrillic(paper.get("title") or "") or paper.get("lang") in ("ru", "uk", "be")
    parts = []
    lead = ", ".join(gost_author(n) for n in names[:3])
    if len(names) > 3:
        lead += " [и др.]" if ru else " [et al.]"
    title = sentence_case(paper.get("title") or "") or ("[Без названия]" if ru else "[Untitled]")
    parts.append(f"{lead} {title}".strip() if lead else title)
    if paper.get("year"):
        parts.append(str(paper["year"]))
    parts.append(pages_text(first, last, ru))
    return ". – ".join(p.rstrip(".") for p in parts) + "."


def apa(paper: dict, first: str, last: str) -> str:
    """'Zhou, X., & Aliakseyeva, A. (2025). Smart cooperation ... (pp. 143–145).'"""
    names = [apa_author(parse_name(a)) for a in paper.get("authors") or []]
    if len(names) > 1:
        lead = ", ".join(names[:-1]) + ", & " + names[-1]
    else:
        lead = names[0] if names else ""
    year = f"({paper['year']})" if paper.get("year") else "(n.d.)"
    title = sentence_case(paper.get("title") or "") or "[Untitled]"
    where = f"p. {first}" if first == last else f"pp. {first}–{last}"
    return f"{lead} {year}. {title.rstrip('.')} ({where}).".strip()


def cite(paper: dict, first: str, last: str, style: str = "gost") -> str:
    if style == "apa":
        return apa(paper, first, last)
    return gost(paper, first, last)
