"""Paper -> passages of about 60-250 words that respect paragraphs, sentences and headings.

A passage never crosses a paper, section or heading boundary, so its citation (page range,
section) is exact. Reference lists are not chunked: they are stored apart for parsing.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.ingest import lang as langid
from kb.ingest.model import Paper, Paragraph, Passage
from kb.ingest.text import split_sentences, word_count

MIN_WORDS = 60
MAX_WORDS = 250
INDEXED_SECTIONS = ("abstract", "body")


@dataclass
class _Unit:
    """A whole paragraph, or a run of its sentences when the paragraph is too long."""

    para: Paragraph
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.para.text[self.start:self.end].strip()

    @property
    def words(self) -> int:
        return word_count(self.text)


def _units(para: Paragraph) -> list[_Unit]:
    if word_count(para.text) <= MAX_WORDS:
        return [_Unit(para, 0, len(para.text))]
    units: list[_Unit] = []
    cur_start, cur_end, cur_words = None, 0, 0
    for s, e in split_sentences(para.text):
        w = word_count(para.text[s:e])
        if cur_start is not None and cur_words + w > MAX_WORDS and cur_words >= MIN_WORDS:
            units.append(_Unit(para, cur_start, cur_end))
            cur_start, cur_words = None, 0
        if cur_start is None:
            cur_start = s
        cur_end, cur_words = e, cur_words + w
    if cur_start is not None:
        units.append(_Unit(para, cur_start, cur_end))
    return units


def _group(units: list[_Unit]) -> list[list[_Unit]]:
    groups: list[list[_Unit]] = []
    words = 0
    for u in units:
        if groups and words + u.words <= MAX_WORDS:
            groups[-1].append(u)
            words += u.words
        elif groups and words < MIN_WORDS and words + u.words <= MAX_WORDS * 1.2:
            groups[-1].append(u)
            words += u.words
        else:
            groups.append([u])
            words = u.words
    if len(groups) > 1:
        tail_words = sum(u.words for u in groups[-1])
        head_words = sum(u.words for u in groups[-2])
        if tail_words < MIN_WORDS and head_words + tail_words <= MAX_WORDS * 1.2:
            groups[-2].extend(groups.pop())
    return groups


def _passage(units: list[_Unit], section: str, heading: str | None, paper_lang: str | None) -> Passage:
    texts = [u.text for u in units]
    text = "\n".join(texts)
    sentences: list[tuple[int, int]] = []
    marks: list[tuple[int, int]] = []
    offset = 0
    for u, t in zip(units, texts, strict=True):
        sentences += [(offset + s, offset + e) for s, e in split_sentences(t)]
        begin = u.start + len(u.para.text[u.start:u.end]) - len(u.para.text[u.start:u.end].lstrip())
        unit_marks: list[tuple[int, int]] = []
        for o, page in u.para.page_marks:
            if o >= begin + len(t):
                break
            rel = max(0, o - begin)
            if unit_marks and unit_marks[-1][0] == rel:
                unit_marks[-1] = (rel, page)
            else:
                unit_marks.append((rel, page))
        marks += [(offset + rel, page) for rel, page in unit_marks if not marks or marks[-1][1] != page]
        offset += len(t) + 1
    first = units[0].para.pages_of(units[0].start, units[0].end)[0]
    last = units[-1].para.pages_of(units[-1].start, units[-1].end)[1]
    return Passage(text=text, section=section, heading=heading, first_page=first, last_page=last,
                   lang=langid.passage_lang(text, paper_lang), sentences=sentences, page_marks=marks)


def chunk_paper(paper: Paper) -> list[Passage]:
    passages: list[Passage] = []
    for section in paper.sections:
        if section.kind not in INDEXED_SECTIONS:
            continue
        runs: list[tuple[str | None, list[_Unit]]] = []
        for para in section.paragraphs:
            heading = paper.headings.get(id(para))
            if heading is not None and para.text.strip() == heading:
                runs.append((heading, []))  # the heading itself opens a new run
                continue
            if not runs or runs[-1][0] != heading:
                runs.append((heading, []))
            runs[-1][1].extend(_units(para))
        for heading, units in runs:
            for group in _group(units):
                passages.append(_passage(group, section.kind, heading, paper.lang))
    return passages
