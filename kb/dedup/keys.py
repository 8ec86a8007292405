"""The bibliographic key of a work: normalised title, first author's family name and year.

Two copies of one paper print the same title, authors and year, whatever their layout; the key
folds what extraction and OCR vary (case, ё, punctuation, spacing, hyphens) and nothing else, so
a similar title ("… Part 1" and "… Part 2") is another key. A title too short to tell works
apart ("Введение") gives no key.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_TITLE_WORDS = 3


def norm_text(text: str | None) -> str:
    """Letters and digits only, case- and ё-folded, single spaces."""
    if not text:
        return ""
    return " ".join(_WORD.findall(text.casefold().replace("ё", "е")))


def work_key(title: str | None, authors_parsed: list[dict] | None, year: int | str | None) -> str | None:
    """`title|family|year`, or None when any part is unknown (no key is better than a loose one)."""
    words = norm_text(title)
    if len(words.split()) < MIN_TITLE_WORDS or not year:
        return None
    family = next((norm_text(a.get("family")) for a in authors_parsed or [] if a.get("family")), "")
    if not family:
        return None
    return f"{words}|{family}|{year}"
