"""A reference section -> its entries, numbered ("1.", "[1]", "- 1.", "10.Ванкевич") or not.

Numbered lists are split where the expected next number starts an entry, so a number inside an
entry ("№ 4. С. 45") never splits it, and entries wrapped over lines, columns and pages stay
whole. A label may be missing once in a run (a PDF that lost it); an IEEE "———" rule that the
PDF text lost (the entry then starts with ', “Title,”') is put back. Unnumbered lists are split
at paragraphs that start an entry; a paragraph that continues the one before (a lower-case
start, an unfinished previous line, a short tail such as "Detroit, MI.") is joined back. In
author-year lists (APA, ACL) an entry starts where a paragraph starts with authors and a year.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kb.ingest.model import Paragraph
from kb.ingest.segment import is_reference_heading
from kb.refs import names as nm
from kb.refs.parse import parse_reference, starts_publication_area

_LABEL = re.compile(
    r"(?:^|(?<=\n)|(?<=[.\]»)”\"]\s)|(?<=\d\.\s)|(?<=[a-zа-яё]\s)|(?<=,\s))[ \t]*(?:[-–•]\s*)?"
    r"(?:\[(\d{1,3})\]|(\d{1,3})[.)](?!\d))[ \t]*(?=[^\W\d_]|[«\"“\[(]|[—–_-]{2,}|\n?\s*,\s*[“\"])")
_LOST_DITTO = re.compile(r"\s*,\s*[“\"]")  # the '———' of an IEEE list, drawn as a line and lost
_DITTO = "———"
_CONTINUATION = re.compile(r"(?!www\.)(?:[a-zа-яё(\[]|[-–—]\s|\d|Vol\.|vol\.|(?:P|С|C|pp|Т|S)\.\s?\d|№|//|URL\b|"
                           r"Режим\b|DOI\b|doi\b|https?://|\[Accessed|\(дата|[Дд]ата\s+(?:доступа|обращения))")
_LAST_URL = re.compile(r"\s*(?:[–—-]\s*)?(?:URL|Режим\s+доступа|Available(?:\s+at|\s+from)?)?\s*:?\s*"
                       r"(?:https?://|www\.)\S+$", re.I)
_OPEN_END = re.compile(rf"(?:[-,:/;–—&]|//|\b(?:and|и|in|In|of|the)|(?:^|[\s.])[{nm.UP}][{nm.LO}]?\.)\s*$")
_LAST_ABBREV = re.compile(r"(?:^|\s)([а-яёa-z]{1,5})\.\s*$")
_CLOSING_ABBREV = {"г", "гг", "с", "c", "p", "pp", "стр", "л", "etc", "al"}
_YEAR = re.compile(r"\b(?:1[6-9]|20)\d\d[a-z]?\b")
_AUTHOR_YEAR = re.compile(r"^(.{2,250}?)(?:\s?(\()(?:1[6-9]|20)\d\d[a-z]?(?:,[^)]*)?\)|[.,]\s(?:1[6-9]|20)\d\d[a-z]?\.\s)")
_EDITOR_HEAD = re.compile(r",?\s*\(?eds?\.?\)?$", re.I)
_URL_BEFORE_NOTE = re.compile(r"(?<=\S)(?=[(\[](?:дата|Дата|Accessed|accessed|visited|Visited|viewed)\b)")
_URL_BROKEN = re.compile(r"(https?://\S*[A-Za-z0-9_\-])\s([a-z0-9][\w\-]*\.(?:html?|php|aspx?|pdf|shtml|jsp)\b)")


@dataclass
class Entry:
    n: str | None
    raw: str
    start: int = 0  # offset in the section text, for its page


def _clean(text: str) -> str:
    """One line, single spaces; URLs that line breaks tore apart (or glued to a note) mended."""
    text = " ".join(text.split())
    if "http" in text:
        text = _URL_BROKEN.sub(r"\1\2", _URL_BEFORE_NOTE.sub(" ", text))
    return text


# --- numbered lists --------------------------------------------------------------------------------


def numbered_starts(text: str) -> list[tuple[int, int, str]]:
    """(label start, entry start, number) for the longest run 1, 2, 3, ... of entry labels.

    One missing number is tolerated between two found ones (a label lost by the PDF text)."""
    cands = [(m.start(), m.end(), int(m.group(1) or m.group(2))) for m in _LABEL.finditer(text)]
    by_number: dict[int, list[int]] = {}
    for s, _, n in cands:
        by_number.setdefault(n, []).append(s)
    best: list[tuple[int, int, str]] = []
    for i, (s0, e0, n0) in enumerate(cands):
        if n0 > 3 or (best and n0 != 1):
            continue
        run = [(s0, e0, str(n0))]
        last_n, last_end = n0, e0
        for s, e, n in cands[i + 1:]:
            if s < last_end or n not in (last_n + 1, last_n + 2):
                continue
            if n == last_n + 2 and _later(by_number.get(last_n + 1, []), last_end):
                continue  # the proper next number comes later
            run.append((s, e, str(n)))
            last_n, last_end = n, e
        if len(run) > len(best):
            best = run
    return best if len(best) >= 2 else []


def _later(positions: list[int], pos: int) -> bool:
    """Whether a position in the sorted list lies at or after pos."""
    return bisect.bisect_left(positions, pos) < len(positions)


def _numbered(text: str, starts: list[tuple[int, int, str]]) -> list[Entry]:
    out = []
    for k, (_, start, n) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        out.append(Entry(n, text[start:end], start))
    _move_displaced_labels(text, starts, out)
    if out:
        last = out[-1]
        last.raw, extra = _trailing(last.raw)
        out.extend(Entry(None, raw, last.start + off) for raw, off in extra)
    for e in out:
        e.raw = _clean(e.raw)
        if _LOST_DITTO.match(e.raw):
            e.raw = _DITTO + e.raw
    return [e for e in out if e.raw]


def _move_displaced_labels(text: str, starts: list[tuple[int, int, str]], out: list[Entry]) -> None:
    """', “Title,” [2] in Proc. ...': the label printed after the start of its own entry.

    When a label sits inside a paragraph that begins with a lost IEEE ditto, the paragraph start
    belongs to the labelled entry, not to the entry above."""
    for k in range(1, len(out)):
        label_start = starts[k][0]
        para_start = text.rfind("\n", 0, label_start) + 1
        prefix = text[para_start:label_start]
        if para_start <= starts[k - 1][1] or not _LOST_DITTO.match(prefix):
            continue
        prev_cut = para_start - out[k - 1].start
        out[k - 1].raw = out[k - 1].raw[:prev_cut]
        out[k].raw = prefix.rstrip() + " " + out[k].raw
        out[k].start = para_start


def _trailing(body: str) -> tuple[str, list[tuple[str, int]]]:
    """The last numbered entry ends where the paragraphs stop continuing it: an unnumbered entry
    that follows is kept as its own entry; an author note, a biography or a date ends the list."""
    paras = body.split("\n")
    kept, extra = [paras[0]], []
    offset = len(paras[0]) + 1
    for p in paras[1:]:
        s = p.strip()
        current = " ".join(kept) if not extra else extra[-1][0]
        if s and (_continues(current, s) or (not _complete(current) and not _starts_with_name(s) and len(s) < 200)):
            if extra:
                extra[-1] = (extra[-1][0] + " " + s, extra[-1][1])
            else:
                kept.append(p)
        elif s and len(s) < 400 and _looks_like_entry(s):
            extra.append((s, offset))
        elif s:
            break
        offset += len(p) + 1
    return "\n".join(kept), extra


def _complete(text: str) -> bool:
    """An entry that could end here: it has a year or a URL, and its last sentence is closed."""
    t = text.strip()
    return bool(_YEAR.search(t) or "http" in t or "www." in t) and not _open_end(t)


def _continues(prev: str, para: str) -> bool:
    """The paragraph surely goes on with the text above: a lower-case or numbering start, an area
    of the description ('М.: Наука, 1986', 'Санкт-Петербург, 2011'), a short tail ('Detroit, MI.'),
    or the text above stopped mid-sentence."""
    return bool(_CONTINUATION.match(para)) or starts_publication_area(para) or _is_tail(para) or _open_end(prev)


def _is_tail(para: str) -> bool:
    return len(para) < 30 and para.endswith(".") and ":" not in para and not _YEAR.search(para) and \
        "http" not in para and not _starts_with_name(para)


def _open_end(text: str) -> bool:
    """The text stops mid-sentence: a comma, a dash, 'and', an initial, an abbreviation ('проф.');
    a URL's final '/' does not count."""
    stripped = _LAST_URL.sub("", " " + text.strip())
    if stripped != " " + text.strip():
        return bool(_OPEN_END.search(stripped)) and not stripped.rstrip().endswith(":")  # ends with a URL
    text = stripped
    if _OPEN_END.search(text) or text[-1:].isalpha():  # an entry ends with a period, a number or a bracket
        return True
    m = _LAST_ABBREV.search(text)
    return bool(m) and m.group(1) not in _CLOSING_ABBREV


def _closed(text: str) -> bool:
    return _LAST_URL.sub("", " " + text.strip()).rstrip().endswith((".", ")", "]", "»", "”"))


def _looks_like_entry(para: str) -> bool:
    ref = parse_reference(para)
    return ref.parsed_ok and bool(ref.title or ref.authors) and bool(ref.year or ref.url or ref.container)


def _starts_with_name(para: str) -> bool:
    return bool(nm.read_authors(para, 0, styles=("si", "is", "v"))[0])


# --- unnumbered lists --------------------------------------------------------------------------------


def _unnumbered(text: str) -> list[Entry]:
    paras: list[tuple[int, str]] = []
    offset = 0
    for para in text.split("\n"):
        if para.strip():
            paras.append((offset, para.strip()))
        offset += len(para) + 1
    author_year = _author_year_list([p for _, p in paras])
    out: list[Entry] = []
    for k, (start, p) in enumerate(paras):
        following = paras[k + 1][1] if k + 1 < len(paras) else ""
        if out and _joins(out[-1].raw, p, author_year, following):
            out[-1].raw = out[-1].raw + " " + p
        else:
            out.append(Entry(None, p, start))
    for e in out:
        e.raw = _clean(e.raw)
    return out


def _author_year_list(paras: list[str]) -> bool:
    """APA/ACL lists: most paragraphs that start with a name go on with the year."""
    named = [p for p in paras if _starts_with_name(p) or _starts_author_year(p)]
    with_year = sum(1 for p in named if _starts_author_year(p))
    return with_year >= 2 and with_year >= 0.6 * len(named)


def _starts_author_year(para: str) -> bool:
    """'Surname, I. (2019).' / 'OECD. (2021).' / 'I. Surname and J. Doe. 2019.': authors, then the year."""
    m = _AUTHOR_YEAR.match(para)
    if not m:
        return False
    head = _EDITOR_HEAD.sub("", m.group(1).strip(" .,"))
    if not head or "//" in head:
        return False
    if nm.names_from_block(head):
        return True
    return bool(m.group(2)) and len(head.split()) <= 12 and not _YEAR.search(head)  # an organisation


def _joins(prev: str, para: str, author_year: bool, following: str = "") -> bool:
    """Does this paragraph continue the entry above it? (`following` is the paragraph after it:
    an author block may run over two lines before its year.)"""
    if _continues(prev, para):
        return True
    if author_year:
        return not (_starts_author_year(para) or (_complete(prev) and (
            _starts_with_name(para) or (not para.endswith(".") and _starts_author_year(f"{para} {following}")))))
    if _complete(prev):
        return False
    return not (_closed(prev) and _starts_with_name(para))  # a date-less entry ends at a new heading


def split_entries(text: str) -> list[Entry]:
    """Split a list's text (paragraphs separated by newlines) into entries."""
    starts = numbered_starts(text)
    return _numbered(text, starts) if starts else _unnumbered(text)


def section_entries(paragraphs: list[Paragraph]) -> list[Entry]:
    """Entries of a stored references section (its heading paragraph is skipped)."""
    paras = [p for p in paragraphs if not is_reference_heading(p)]
    return split_entries("\n".join(p.text for p in paras))
