"""Whether a parse is a reference at all: its text reads as words (not symbol soup: scripts mixed
inside words, case flipping, symbols between letters), and the parse found a year, an identifier, a
container, a publisher or pages, or at least authors and a title in a short entry. The rules' parse
and the model's both have to pass; what fails keeps only its raw text (and a URL or DOI)."""

from __future__ import annotations

import re

from kb.refs.reference import Reference

_MIXED_SCRIPT = re.compile(r"[A-Za-z][А-Яа-яЁё]|[А-Яа-яЁё][A-Za-z]")
_CASE_FLIP = re.compile(r"[a-zа-яё][A-ZА-ЯЁ]")
_SYMBOL_INSIDE = re.compile(r"[^\W\d_][()\[\]«»\"“”;,!?№*=<>{}|~^$#@]+[^\W\d_]")


def reads_as_text(s: str) -> bool:
    """Words, initials, numbers and URLs make up a reference; random symbol soup (scripts mixed
    inside words, case flipping, symbols between letters) is no reference."""
    s = s[:1500]
    tokens = s.count(" ") + 1
    odd = len(_MIXED_SCRIPT.findall(s)) + len(_SYMBOL_INSIDE.findall(s))
    return odd <= 0.2 * tokens and len(_CASE_FLIP.findall(s)) <= 0.5 * tokens


def plausible(ref: Reference) -> bool:
    """Reject 'parses' of text that is no reference (a paragraph, noise)."""
    if not reads_as_text(ref.raw):
        return False
    if ref.year or ref.url or ref.doi or ref.container or ref.publisher or ref.pages:
        return True
    return bool(ref.authors) and bool(ref.title) and len(ref.raw) < 400
