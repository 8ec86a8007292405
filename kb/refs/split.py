"""A reference section -> its entries, numbered ("1.", "[1]", "- 1.", "10.Ванкевич") or not.

Numbered lists are split where the expected next number starts an entry, so a number inside an
entry ("№ 4. С. 45") never splits it, and entries wrapped over lines, columns and pages stay
whole. A label may be missing once in a run (a PDF that lost it); an IEEE "———" rule that the
PDF text lost (the entry then starts with ', “Title,”') is put back. Unnumbered lists are split
at paragraphs that start an entry; a paragraph that continues the one before (a lower-case
start, an unfinished previous line, a short tail such as "Detroit, MI.") is joined back. In
author-year lists (APA, ACL) an entry starts where a paragraph starts with authors and a year.

From a PDF the places of the lines are known too (`section_entries`): a number alone on its line
(Word's automatic numbering, a label in the margin) is put back in front of its entry, and a
hanging indent (first lines out, the rest in) or a first-line indent marks where entries start.
An unnumbered list ends at the first paragraph that is set apart from it (another size, bold, an
abstract) and does not read as an entry.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from kb.ingest.model import LineBox, Paragraph
from kb.ingest.segment import is_reference_heading
from kb.refs import names as nm
from kb.refs.parse import parse_reference
from kb.refs.rules.areas import starts_publication_area

_LABEL = re.compile(
    r"(?:^|(?<=\n)|(?<=[.\]»)”\"/]\s)|(?<=\d\.\s)|(?<=\d\s)|(?<=[^\W\d_]\s)|(?<=,\s))[ \t]*(?:[-–•]\s*)?"
    r"(?:\[(\d{1,3})\]|(\d{1,3})[.)](?!\d))[ \t]*(?=[^\W\d_]|[«\"“\[(]|[—–_-]{2,}|\n?\s*,\s*[“\"])")
_LOST_DITTO = re.compile(r"\s*,\s*[“\"]")  # the '———' of an IEEE list, drawn as a line and lost
_DITTO = "———"
_GLUE = "\u200b"  # put where a line end joined two pieces of one word: a URL, a page range
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
    text = " ".join(text.split()).replace(_GLUE, "")
    if "http" in text:
        text = _URL_BROKEN.sub(r"\1\2", _URL_BEFORE_NOTE.sub(" ", text))
    return text


# --- numbered lists --------------------------------------------------------------------------------


def numbered_starts(text: str) -> list[tuple[int, int, str]]:
    """(label start, entry start, number) for the longest run 1, 2, 3, ... of entry labels.

    One missing number is tolerated between two found ones (a label lost by the PDF text). A
    number inside a paragraph ('вып. 2. С. 1–13') gives way to the same number starting a later
    paragraph, when the number after it does not come between."""
    cands = [(m.start(), m.end(), int(m.group(1) or m.group(2))) for m in _LABEL.finditer(text)]
    by_number: dict[int, list[int]] = {}
    opening: dict[int, list[int]] = {}  # positions of labels that start a paragraph
    for s, _, n in cands:
        by_number.setdefault(n, []).append(s)
        if s == 0 or text[s - 1] == "\n":
            opening.setdefault(n, []).append(s)
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
            if opening.get(n) and s not in opening[n] and _opens_later(opening[n], by_number.get(n + 1, []), s):
                continue
            run.append((s, e, str(n)))
            last_n, last_end = n, e
        if len(run) > len(best):
            best = run
    return best if len(best) >= 2 else []


def _opens_later(opening: list[int], following: list[int], pos: int) -> bool:
    """Whether the number also starts a paragraph after pos, with no next number in between."""
    k = bisect.bisect_right(opening, pos)
    if k == len(opening):
        return False
    j = bisect.bisect_right(following, pos)
    return j == len(following) or following[j] > opening[k]


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
    a container line that ends in its numbers with no year of its own ('Frontiers in Business,
    13(2), 10–14.'), or the text above stopped mid-sentence."""
    return bool(_CONTINUATION.match(para)) or starts_publication_area(para) or _is_tail(para) or \
        _numbers_tail(para) or _open_end(prev)


_NUMBERS_END = re.compile(r"(?:\d+\s*\(\d+\)|\d+\s*[–-]\s*\d+|\b[Pp]p?\.\s*\d+)\s*\.?$")


def _numbers_tail(para: str) -> bool:
    """A journal's name with its volume, issue or pages and nothing else an entry starts with."""
    return len(para) < 160 and bool(_NUMBERS_END.search(para)) and not _YEAR.search(para) and \
        "http" not in para and not _starts_with_name(para)


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


_BIO = re.compile(
    r"^(?:[A-ZА-ЯЁ][\w.'’-]*\s+){1,4}(?:\([A-Z]['’]\d\d[^)]{0,40}\)\s*)?,?\s*"
    r"(?:received|is\s+(?:a|an|the|currently|now|with|working)|was\s+born|joined|graduated|has\s+been|"
    r"works|holds|окончил[аи]?|родил(?:ся|ась)|работает|является|в\s+\d{4}\s+г(?:оду|\.)?\s+окончил)\b")


def _looks_like_entry(para: str) -> bool:
    if _BIO.match(para):
        return False  # 'Ed Chang received the B.S. degree ...': an author's biography
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


def split_entries(text: str, *, breaks_are_entries: bool = False) -> list[Entry]:
    """Split a list's text (paragraphs separated by newlines) into entries.

    `breaks_are_entries`: the line breaks come from the layout (`relayout`), so in an unnumbered
    list each paragraph is one entry."""
    starts = numbered_starts(text)
    if starts:
        return _numbered(text, starts)
    if breaks_are_entries:
        return _paragraph_entries(text)
    return _unnumbered(text)


def _paragraph_entries(text: str) -> list[Entry]:
    out, offset = [], 0
    for para in text.split("\n"):
        if para.strip():
            out.append(Entry(None, _clean(para), offset))
        offset += len(para) + 1
    return _bare_number_labels(out)


_BARE_NUMBER = re.compile(r"^(\d{1,3})\s+(?=\S)")


def _bare_number_labels(entries: list[Entry]) -> list[Entry]:
    """Entries set apart by the layout that begin '1 ', '2 ', '3 ' ...: numbers without a full
    stop or brackets, standing in the margin. When nearly all entries carry them, counting up from
    1, they are the labels."""
    numbers = [m.group(1) if (m := _BARE_NUMBER.match(e.raw)) else None for e in entries]
    counted = sum(n is not None and int(n) == k for k, n in enumerate(numbers, 1))
    if len(entries) < 3 or numbers[0] != "1" or counted < 0.8 * len(entries):
        return entries
    for e, n in zip(entries, numbers, strict=True):
        if n is not None:
            e.n, e.raw = n, e.raw[len(n):].lstrip()
    return entries


def section_entries(paragraphs: list[Paragraph]) -> list[Entry]:
    """Entries of a stored references section (its heading paragraph is skipped)."""
    paras = [p for p in paragraphs if not is_reference_heading(p)]
    text = "\n".join(p.text for p in paras)
    text, layout = relayout(paras, text)
    entries = split_entries(text, breaks_are_entries=layout is not None)
    if entries and entries[0].n is None:
        entries = _list_end(entries, paras)
    return entries


# --- layout: where the lines stood on the page ---------------------------------------------------

_RANGE_CUT = re.compile(r"\d\s*[–—-]\s*$")
_BARE_LABEL = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)]?)\s*$")
_LABEL_AT_START = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}[.)])\s*\S")
_SHORT_END = tuple(".)]»”\"")


@dataclass
class _Row:
    """One line of the section: where it starts in the section text and where it stood."""

    start: int
    box: LineBox
    para: int
    text: str


def _rows(paras: list[Paragraph]) -> list[_Row] | None:
    rows: list[_Row] = []
    offset = 0
    for i, p in enumerate(paras):
        if not p.lines:
            return None
        for k, box in enumerate(p.lines):
            end = p.lines[k + 1].start if k + 1 < len(p.lines) else len(p.text)
            rows.append(_Row(offset + box.start, box, i, p.text[box.start:end]))
        offset += len(p.text) + 1
    return rows


def relayout(paras: list[Paragraph], text: str) -> tuple[str, str | None]:
    """The section text with its line breaks set from the layout, and the layout found.

    Only separators change (a space becomes a newline or back), so offsets stay those of
    "\n".join(paragraph texts). A bare label ("1.", "[3]") is joined to the line it labels. In an
    unnumbered list, when the lines show a hanging indent ("hanging") or a first-line indent
    ("indent") that the text agrees with, a newline is put before every first line of an entry
    and nowhere else. Where a line end cut a URL or a page range, the pieces are glued (`_GLUE`)."""
    rows = _rows(paras)
    if not rows:
        return text, None
    chars = list(text)
    labels = _join_labels(rows, chars)
    joined = set(labels.values())
    layout = None
    if not numbered_starts("".join(chars)):  # numbered: the labels mark the entries, paragraphs the list's end
        layout, roles = _indent_layout([r for k, r in enumerate(rows) if k not in labels])
        for r, is_start in roles:
            sep = r.start - 1
            if sep >= 0 and chars[sep] in " \n" and sep not in joined:
                chars[sep] = "\n" if is_start else " "
    in_url = False  # the line before ends inside a URL that an earlier line end cut
    for prev, r in zip(rows, rows[1:], strict=False):
        sep = r.start - 1
        glued = sep >= 0 and chars[sep] in " \n" and sep not in joined and _one_word(prev.text, r.text, in_url)
        if glued:
            chars[sep] = _GLUE
        no_space = sep >= 0 and chars[sep] not in (" ", "\n", _GLUE)  # joined by the paragraph's own line joining
        url_before = in_url or bool(_URL_END.search(prev.text.rstrip()))
        in_url = (glued or (no_space and url_before)) and len(r.text.split()) == 1
    return "".join(chars), layout


_URL_END = re.compile(r"(?:https?://|www\.)\S*$")
_URL_REST = re.compile(r"^(?:-(?=\w))?[a-z0-9_%~][\w\-.~%/?=&#+:]*")  # xurl may break before a '-'
_URL_INNER = re.compile(r"[/._=&?#%\-]\w")


def _one_word(line: str, following: str, in_url: bool = False) -> bool:
    """The line end cut one URL ('https://www.belstat.' + 'gov.by/…', 'https:' + '//www2…') or one
    page range ('387–' + '405'), which go on without a space. `in_url`: the line is itself the
    middle of a URL cut at both ends."""
    line, following = line.rstrip(), following.lstrip()
    if re.search(r"\d[–—-]$", line) and following[:1].isdigit():
        return True
    if re.search(r"\bhttps?:$", line) and following.startswith("//"):
        return True
    if not (in_url or _URL_END.search(line)) or line.endswith((")", "]", ",", ";")):
        return False
    m = _URL_REST.match(following)
    rest = m.group(0).rstrip(".,;:") if m else ""
    return len(rest) > 4 and bool(_URL_INNER.search(rest)) and not rest.startswith(("http", "www."))


def _join_labels(rows: list[_Row], chars: list[str]) -> dict[int, int]:
    """Rows that are only a label, joined to the row they label (beside it or below): {row: separator}."""
    out: dict[int, int] = {}
    for k in range(len(rows) - 1):
        r, nxt = rows[k], rows[k + 1]
        label = r.text.strip()
        if not _BARE_LABEL.match(label) or _BARE_LABEL.match(nxt.text.strip()):
            continue
        if k and _RANGE_CUT.search(rows[k - 1].text):
            continue  # '31–' + '71.': the end of a page range that a line end cut, not a label
        a, b = r.box, nxt.box
        beside = a.page == b.page and a.x1 <= b.x0 + 1 and a.y0 < b.y1 and b.y0 < a.y1
        below = a.page == b.page and 0 < b.y0 - a.y0 < 2.5 * a.size and abs(a.x0 - b.x0) < 8 * a.size
        broken = a.page != b.page or b.y0 < a.y0 - a.size  # the label ended a page or column, its entry begins the next
        if not (beside or ((below or broken) and label[-1:] in ".)]")):
            continue
        sep = nxt.start - 1
        if sep >= 0 and chars[sep] in " \n":
            chars[sep] = " "
            out[k] = sep
    return out


def _indent_layout(rows: list[_Row]) -> tuple[str | None, list[tuple[_Row, bool]]]:
    """'hanging' or 'indent' with each row's role (True: it starts an entry), or None.

    Rows are compared with the leftmost line of their column on their page; only rows in the
    list's own type size count. A layout is taken when the rows it calls first lines read as
    starts and the rows it calls continuations read as continuations, clearly better than the
    other reading."""
    if len(rows) < 3:
        return None, []
    sizes = Counter(round(r.box.size) for r in rows)
    size = sizes.most_common(1)[0][0]
    rows = [r for r in rows if abs(r.box.size - size) <= 0.8]
    groups: dict[tuple[int, int], list[_Row]] = {}
    for r in rows:
        groups.setdefault((r.box.page, round(r.box.col_left / 4)), []).append(r)
    levels: list[tuple[_Row, str | None, _Row | None]] = []  # row, 'm' (margin) / 'i' (indented), row above
    for group in groups.values():
        left = min(r.box.x0 for r in group)
        prev = None
        for r in group:
            rel, em = r.box.x0 - left, r.box.size
            # right-aligned labels start a one-digit number half an em after a two-digit one
            level = "m" if rel < 0.7 * em else "i" if 0.8 * em <= rel <= 6 * em else None
            above = prev if prev is not None and 0 < r.box.y0 - prev.box.y0 < 2.5 * em else None
            levels.append((r, level, above))
            prev = r
    if sum(lv == "m" for _, lv, _ in levels) < 2 or sum(lv == "i" for _, lv, _ in levels) < 2:
        return None, []
    bad = {}
    for name, start_level in (("hanging", "m"), ("indent", "i")):
        bad[name] = (0.0 if levels[0][1] == start_level else 2.0) + sum(
            _misfit(r, lv == start_level, above) for r, lv, above in levels if lv is not None)
    best, other = sorted(bad, key=bad.get)
    if bad[best] > max(1.0, 0.08 * len(levels)) or bad[other] < 2 * bad[best] + 2:
        return None, []
    start_level = "m" if best == "hanging" else "i"
    return best, [(r, lv == start_level) for r, lv, _ in levels if lv is not None]


def _misfit(r: _Row, is_start: bool, above: _Row | None) -> float:
    """How badly a row fits the role a layout gives it."""
    text = r.text.strip()
    if not text:
        return 0.0
    if is_start:
        bad = 1.0 if text[0].islower() or text.startswith(("//", "–", "—")) else 0.0
        if above is not None and _full(above) and not above.text.rstrip().endswith(_SHORT_END):
            bad += 0.5  # the line above ran to the margin mid-sentence
        return bad
    bad = 1.0 if _LABEL_AT_START.match(text) else 0.0
    if above is not None and not _full(above) and above.text.rstrip().endswith(_SHORT_END):
        bad += 1.0  # the line above ended short with a full stop: an entry ended there
    return bad


def _full(r: _Row) -> bool:
    return r.box.x1 > r.box.col_right - 2.5 * r.box.size


# --- the end of an unnumbered list -------------------------------------------------------------------

_NOT_ENTRY = re.compile(r"^(?:Keywords|Key\s+words|Ключевые\s+слова|Abstract|Аннотация|Summary|Резюме|"
                        r"E-?mail|©)", re.IGNORECASE)


def _list_end(entries: list[Entry], paras: list[Paragraph]) -> list[Entry]:
    """Drop what follows the list: the first paragraph set apart from the entries (another type
    size, bold, centred, an abstract) that does not read as an entry ends it, unless entries in
    the list's style follow it (a subheading inside the list is then dropped alone)."""
    bounds, offset = [], 0
    for p in paras:
        bounds.append(offset)
        offset += len(p.text) + 1

    def para_of(e: Entry) -> Paragraph:
        return paras[max(0, bisect.bisect_right(bounds, e.start) - 1)]

    size = statistics.median(para_of(e).size for e in entries)

    def in_style(e: Entry) -> bool:
        p = para_of(e)
        return abs(p.size - size) <= 0.6 and not p.bold and not p.centered

    kept: list[Entry] = []
    for k, e in enumerate(entries):
        if kept and (not in_style(e) or len(e.raw) > 1200 or _NOT_ENTRY.match(e.raw)) \
                and (_NOT_ENTRY.match(e.raw) or not _looks_like_entry(e.raw)):
            later = entries[k + 1:k + 3]
            if later and all(in_style(x) and _looks_like_entry(x.raw) for x in later) and not _NOT_ENTRY.match(e.raw):
                continue  # a subheading inside the list
            break
        kept.append(e)
    return kept
