"""A reference section -> its entries, numbered ("1.", "[1]", "- 1.", "10.Ванкевич") or not.

Numbered lists are split where the expected next number starts an entry, so a number inside
an entry ("№ 4. С. 45") never splits it and entries wrapped over lines, columns and pages stay
whole. Unnumbered lists are split at paragraph starts that look like the start of an entry
(an author or an organisation), and continuation paragraphs are joined back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.ingest.model import Paragraph
from kb.ingest.segment import is_reference_heading
from kb.refs import names as nm

_LABEL = re.compile(r"(?:(?<=\n)|^|(?<=[.\]»)]\s)|(?<=\d\.\s)|(?<=[a-zа-я]\s))\s*(?:[-–•]\s*)?"
                    r"(?:\[(\d{1,3})\]|(\d{1,3})[.)](?!\d))\s*(?=[^\W\d_]|[«\"“\[(])")
_ENTRY_START = re.compile(
    rf"^(?:{nm.SURNAME},?\s+{nm.INIT}|{nm.INIT}\s?(?:{nm.INIT}\s?)?{nm.SURNAME}|{nm.SURNAME}\s[A-Z]{{1,3}}[,.]"
    rf"|{nm.SURNAME},\s[{nm.UP}][{nm.LO}]+|[{nm.UP}][\w\-]+(?:\s[\w\-]+){{0,6}}\.\s|[{nm.UP}][{nm.UP}\s]+\b)")
_CONTINUATION = re.compile(r"^(?:[a-zа-яё(]|[-–—]\s|Vol\.|vol\.|P\.\s|С\.\s|C\.\s|pp\.|№|Т\.\s|\d)")


@dataclass
class Entry:
    n: str | None
    raw: str
    start: int = 0  # offset in the section text, for its page


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def numbered_starts(text: str) -> list[tuple[int, int, str]]:
    """(label start, entry start, number) for the longest run 1, 2, 3, ... of entry labels."""
    cands = []
    for m in _LABEL.finditer(text):
        cands.append((m.start(), m.end(), int(m.group(1) or m.group(2))))
    best: list[tuple[int, int, str]] = []
    for i, (s0, e0, n0) in enumerate(cands):
        if n0 > 3 or (best and n0 != 1):
            continue
        run = [(s0, e0, str(n0))]
        expected, last = n0 + 1, e0
        for s, e, n in cands[i + 1:]:
            if n == expected and s >= last:
                run.append((s, e, str(n)))
                expected, last = n + 1, e
        if len(run) > len(best):
            best = run
    return best if len(best) >= 2 else []


def split_entries(text: str) -> list[Entry]:
    """Split a list's text (paragraphs separated by newlines) into entries."""
    text = text.strip("\n")
    starts = numbered_starts(text)
    if starts:
        out = []
        for k, (label_start, start, n) in enumerate(starts):
            end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
            body = text[start:end]
            if k + 1 == len(starts):
                body = _drop_trailing(body)
            out.append(Entry(n, _clean(body), start))
        return [e for e in out if e.raw]
    return _unnumbered(text)


def _drop_trailing(body: str) -> str:
    """The last entry ends at a paragraph that is clearly no reference (an author note, a date)."""
    paras = body.split("\n")
    kept = [paras[0]]
    for p in paras[1:]:
        if _CONTINUATION.match(p.strip()) and len(p) < 200:
            kept.append(p)
        else:
            break
    return "\n".join(kept)


def _unnumbered(text: str) -> list[Entry]:
    out: list[Entry] = []
    offset = 0
    for para in text.split("\n"):
        start = offset
        offset += len(para) + 1
        p = para.strip()
        if not p:
            continue
        joins_previous = out and (_CONTINUATION.match(p) or not _ENTRY_START.match(p)
                                  or out[-1].raw.endswith(("-", ",", "/", "//", ":")))
        if joins_previous:
            out[-1].raw = _clean(out[-1].raw + " " + p)
        else:
            out.append(Entry(None, _clean(p), start))
    return out


def section_entries(paragraphs: list[Paragraph]) -> list[Entry]:
    """Entries of a stored references section (its heading paragraph is skipped)."""
    paras = [p for p in paragraphs if not is_reference_heading(p)]
    return split_entries("\n".join(p.text for p in paras))
