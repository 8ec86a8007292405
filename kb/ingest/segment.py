"""Document -> papers: where each paper starts, its front matter, and its sections.

A volume is split at УДК/UDC lines (every Russian-tradition paper starts with one). A file
without them is one paper. Text before the first start continues a paper from before the
volume's first page: it becomes a fragment with no title. Metadata is only ever read from
the text; whatever is not found stays None.
"""

from __future__ import annotations

import re
import statistics
from functools import lru_cache

from kb.ingest import lang as langid
from kb.ingest import papermeta, titles
from kb.ingest.bylines import grid_authors, paragraph_names
from kb.ingest.model import Document, Paper, Paragraph, Section
from kb.ingest.persons import byline_names, is_name, strip_affiliation
from kb.ingest.text import REF_HEADING

_UP = "A-ZА-ЯЁІЇЄҐЎ"
_LO = "a-zа-яёіїєґўʼ'’"
UDC_START = re.compile(r"^(?:УДК|UDC|UDK|ӘОЖ)\s*:?\s*(?=\d)", re.IGNORECASE)
_UDC_CODE = re.compile(r"(?:УДК|UDC|UDK|ӘОЖ)\s*:?\s*([0-9][0-9.:/()+\-–\"' ]*[0-9)])", re.IGNORECASE)
DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>\]]+)")
_ABSTRACT = re.compile(r"^(?:abstract|аннотация|анотація|annotation|резюме|summary)\s*[.:—–-]?\s*",
                       re.IGNORECASE)
_KEYWORDS = re.compile(r"^(?:key\s*words|keywords|index\s+terms|ключевые\s+слова|ключові\s+слова)"
                       r"\s*[.:—–-]\s*", re.IGNORECASE)
_EMAIL = re.compile(r"(?:e-?mail|эл\.\s*почта)\s*:|[\w.+-]+@[\w-]+\.[\w.]+", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^©\s*((?:19|20)\d\d)?\s*")
_AFFIL = re.compile(
    r"(университет|університет|інститут|институт|академи|академі|universit|institut|academy|college|колледж|"
    r"school|лаборатор|laborator|faculty|факультет|кафедр|department|министерств|ministry|"
    r"school|УО\s*«|ГТУ|НИУ|РАН\b)", re.IGNORECASE)
_STRONG_AFFIL = re.compile(r"(университет|університет|інститут|институт|академи|академі|universit|institut|academy|"
                           r"college)",
                           re.IGNORECASE)
_INITIALS = rf"[{_UP}]\.\s?(?:[{_UP}]\.)?"
_SURNAME = rf"[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?"
_NAME_PATTERNS = [
    re.compile(rf"^{_SURNAME},?\s+{_INITIALS}$"),                 # Иванов И. И. / Aliakseyeva A.
    re.compile(rf"^{_INITIALS}\s?{_SURNAME}$"),                   # И. И. Иванов
    re.compile(rf"^[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?\s+[{_UP}][{_LO}]+$"),  # ZHOU Xinghong
    re.compile(rf"^[{_UP}]{{2,}}\s+{_INITIALS}$"),                # ИВАНОВ И. И.
    re.compile(rf"^{_INITIALS}\s?[{_UP}][{_UP}’']+(?:-[{_UP}’']{{2,}})?$"),  # В.К. СЛОБОДЯНЮК
    re.compile(rf"^{_SURNAME}\s+[{_UP}][{_LO}]+\s+[{_UP}][{_LO}]+(?:вич|вна|ична|ичем|ович|евич|івна)$"),
]
# "Andrii Butenko": only trusted in a short line made of such names (an author line).
_GIVEN_SURNAME = re.compile(rf"^[{_UP}][{_LO}]+\s+{_SURNAME}$")
_MARKS = r"\d+|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]"
_ROLE_SPLIT = re.compile(rf"(?<=[.,])\s*(?=[{_UP}][{_LO}]+\s)")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def find_names(text: str) -> list[str]:
    """Person names in an author line; role and degree words between them are skipped."""
    return list(_find_names(text))


@lru_cache(maxsize=8192)
def _find_names(text: str) -> tuple[str, ...]:
    pieces = re.split(rf"[,;]|\s+и\s+|\s+and\s+|\s+&\s+|(?<=[{_LO}])(?:{_MARKS})+(?:\s|$)", text)
    parts = [p.strip(" .;:") + ("." if p.strip().endswith(".") else "") for p in pieces if p and p.strip()]
    parts = [re.sub(rf"(?:{_MARKS})+$", "", p) for p in parts]
    names: list[str] = []
    i = 0
    while i < len(parts):
        part = re.sub(r"\s+", " ", parts[i]).strip()
        if i + 1 < len(parts) and re.fullmatch(_SURNAME, part) and re.fullmatch(_INITIALS, parts[i + 1].strip()):
            part = f"{part} {parts[i + 1].strip()}"  # "Морозова, И. В."
            i += 1
        if any(p.match(part) for p in _NAME_PATTERNS):
            names.append(part)
        i += 1
    if not names and len(text.split()) <= 12:
        loose = [p.strip() for p in parts if _GIVEN_SURNAME.match(p.strip()) and is_name(p.strip())]
        if loose and sum(len(n.split()) for n in loose) >= 0.7 * len(re.findall(rf"[{_UP}{_LO}]+", text)):
            names = loose
    return tuple(names)


def _is_title_like(p: Paragraph, body_size: float) -> bool:
    words = p.text.split()
    if not words or len(words) > 40:
        return False
    if p.bold or p.size > body_size + 0.9:
        return True
    n_letters = sum(map(str.isalpha, p.text))
    return sum(map(str.isupper, p.text)) > 0.7 * max(1, n_letters)


def is_reference_heading(p: Paragraph) -> bool:
    return len(p.text) < 70 and not p.table and bool(REF_HEADING.match(p.text.strip()))


_BACK_MATTER = re.compile(
    r"^(?:(?:сведения|информация|данные)\s+об?\s+автор(?:ах|е)|об\s+автор(?:ах|е)|"
    r"(?:відомості|інформація)\s+про\s+автор(?:ів|а)|"
    r"(?:information\s+)?about\s+the\s+authors?|authors?['’]?\s+(?:information|details|profiles?|biograph(?:y|ies))|"
    r"(?:author\s+)?biograph(?:y|ies)|notes\s+on\s+contributors|благодарност[иь]|acknowledge?ments?|"
    r"финансирование|funding|конфликт\s+интересов|conflicts?\s+of\s+interests?|competing\s+interests?|"
    r"disclosure\s+statement|declaration\s+of\s+(?:competing\s+)?interests?|data\s+availability(?:\s+statement)?|"
    r"author\s+contributions?|вклад\s+авторов|orcid|"
    r"приложени[ея](?:\s+[А-ЯA-Z0-9]{1,2})?|appendix(?:\s+[A-Z0-9]{1,2})?)\s*[.:]?\s*$",
    re.IGNORECASE)
# "Поступила в редакцию 12.03.2024", "Received 19 July 2013; accepted ...": dates, at any length
_RECEIVED = re.compile(
    r"^(?:(?:статья|рукопись|материал)\s+)?(?:поступил[аи]?|надійшла)\s+(?:в\s+редакцию\s*|до\s+редакції\s*)?"
    r"[:.]?\s*[«\"]?\d"
    r"|^(?:дата\s+поступления(?:\s+статьи)?|received|manuscript\s+received|article\s+received|submitted)"
    r"\b[\s:]*(?:\d|[A-Z][a-z]+\s+\d|on\b)",
    re.IGNORECASE)


_LIST_LABEL = re.compile(r"^\s*\[?(\d{1,3})[.)\]]\s*\S")


def _list_label(p: Paragraph) -> int | None:
    m = _LIST_LABEL.match(p.text)
    return int(m.group(1)) if m else None


_APPENDIX = re.compile(r"^(?:[A-ZА-Я]\.?\s+)?(?:appendix|appendices|приложени[еяи])\b", re.IGNORECASE)


_NAME_WORD = r"(?:[A-Z][a-z'’-]+|[A-Z]\.(?:-?[A-Z]\.)?|\([A-Z][\w ]{0,20}\))"
_BIOGRAPHY = re.compile(
    rf"^(?!The\s)(?:(?:Dr|Prof)\.?\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}(?:\s*\([^)]{{1,30}}\))?,?\s+"
    r"(?:is|was|has\s+been|received|joined|holds|earned|graduated|obtained)\b"
    r"(?=.{0,200}?\b(?:professor|student|scientist|researcher|engineer|director|lecturer|fellow|"
    r"degree|Ph\.?\s?D|[BM]\.?\s?Sc?\b|candidate|postdoc|head|manager|consultant|member|chair|major))"
    r"|^[А-ЯЁ][а-яё-]+\s+(?:[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+|[А-ЯЁ]\.\s?[А-ЯЁ]\.)\s*[,–—-]\s*"
    r"(?:кандидат|доктор|канд\.|д-р|аспирант|магистрант|студент|доцент|профессор|(?:старший\s+)?преподаватель|"
    r"научный\s+сотрудник|заведующ)",
    re.DOTALL)


def is_biography(text: str) -> bool:
    """A note about an author ("Jane Roe is a professor of ...", "Иванова Анна Сергеевна, кандидат
    экономических наук ..."), as journals print them after the references, headed or not."""
    return bool(_BIOGRAPHY.match(text.strip()))


# "Cite this article as: ...", after the paper's own DOI on the line before it or not.
_CITE_THIS = re.compile(
    r"^(?:(?:doi\s*:?\s*)?10\.\d{4,9}/\S+\s+)?(?:для\s+цитирования|for\s+citation|"
    r"cite\s+this\s+article(?:\s+as)?|how\s+to\s+cite(?:\s+this\s+article)?)\s*:", re.IGNORECASE)


def is_back_matter(p: Paragraph) -> bool:
    """A paragraph that ends a reference list: author notes, a received date, an appendix heading,
    an author's biography, the paper's own citation line."""
    text = p.text.strip()
    if is_biography(text) or _CITE_THIS.match(text) or _RECEIVED.match(text):
        return True
    if len(text) >= 150:
        return False
    return bool(_BACK_MATTER.match(text)) or (bool(_APPENDIX.match(text)) and (p.bold or len(text) < 40)
                                               and not _YEAR.search(text))


def is_heading(p: Paragraph, body_size: float) -> bool:
    words = p.text.split()
    if not words or len(words) > 16 or p.text.endswith((",", ";")):
        return False
    if p.bold or (p.size > body_size + 0.9):
        return not p.text.endswith(".") or bool(re.match(r"^\d+(\.\d+)*\.?\s", p.text))
    letters = [c for c in p.text if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters) and len(words) <= 12


class _Front:
    """Front-matter fields collected while walking the first paragraphs of a paper."""

    def __init__(self):
        self.udc: str | None = None
        self.doi: str | None = None
        self.title: str | None = None
        self.authors: list[str] = []
        self.affiliation: str | None = None
        self.keywords: list[str] = []
        self.abstract: str | None = None
        self.abstract_para: Paragraph | None = None
        self.year: int | None = None
        self.title_at: tuple[int, int] | None = None  # paragraph indexes [first, end) of the title


def names_in(text: str) -> list[str]:
    """Printed author names of a line: the volume patterns, or a general author-line reading when
    that finds more ('Кр.Л. Глуско, С.С. Титов')."""
    found, general = find_names(text), byline_names(text) or byline_names(strip_affiliation(text))
    return general if len(general) > len(found) else found


def _byline_part(text: str) -> list[str]:
    """Names of an author line that may end in its affiliation."""
    return names_in(_split_author_affiliation(text)[0])


def _split_author_affiliation(text: str) -> tuple[str, str | None]:
    """'Иванов И. И., студ.Витебский университет' -> authors part, affiliation part."""
    m = _STRONG_AFFIL.search(text)
    if not m:
        return text, None
    cut = None
    for sep in _ROLE_SPLIT.finditer(text, 0, m.start()):
        cut = sep.start()
    if cut is None:
        return text, None
    return text[:cut].rstrip(" ,"), text[cut:].strip(" ,")


def parse_front(paras: list[Paragraph], body_size: float, running: frozenset[str] = frozenset()) -> tuple[_Front, int]:
    """Read the front matter at the top of a paper; returns it and where the body starts.

    The paragraphs are walked in order; then the title is checked against the page layout
    (`titles.layout_title`): a banner or a side box read first gives way to the largest type.
    """
    f, i = _walk_front(paras, body_size, running)
    span = titles.layout_title(paras, body_size, running)
    if span is not None and span != f.title_at:
        current = paras[f.title_at[0]].size if f.title_at else 0.0
        if f.title is None or paras[span[0]].size >= current + 1.5 or titles.is_banner(f.title, running):
            f.title = " ".join(paras[j].text.strip() for j in range(*span))
            f.title_at = span
            end = span[1]
            if not f.authors:
                for j in range(max(0, span[0] - 1), min(len(paras), end + 2)):
                    if j not in range(*span) and (names := names_in(paras[j].text)):
                        f.authors = names
                        end = max(end, j + 1)
                        break
            i = max(i, end)
    f.authors = grid_authors(paras, f.authors, _byline_part)
    return f, i


def _walk_front(paras: list[Paragraph], body_size: float, running: frozenset[str]) -> tuple[_Front, int]:
    f = _Front()
    i = 0
    while i < len(paras) and i < 14:
        p = paras[i]
        text = p.text.strip()
        n_words = len(text.split())
        if UDC_START.match(text):
            m = _UDC_CODE.match(text)
            f.udc = m.group(1).strip() if m else None
            d = DOI.search(text)
            f.doi = f.doi or (d.group(1).rstrip(".,;") if d else None)
            rest = DOI.sub("", text[m.end():] if m else "").replace("DOI:", "").strip(" ,;")
            names_part, affil = _split_author_affiliation(rest)
            if find_names(names_part):  # УДК 622.271 В.К. СЛОБОДЯНЮК, канд. техн. наук, ...
                f.authors = find_names(names_part)
                f.affiliation = affil
        elif (re.match(r"^(?:DOI|ББК|BBK|ISSN|ISBN)\b", text, re.IGNORECASE) and n_words < 12) \
                or sum(c.isalpha() for c in text) < 3:
            d = DOI.search(text)
            f.doi = f.doi or (d.group(1).rstrip(".,;") if d else None)
        elif _KEYWORDS.match(text):
            f.keywords = [k.strip(" .") for k in re.split(r"[;,]", _KEYWORDS.sub("", text)) if k.strip(" .")]
        elif _ABSTRACT.match(text) and n_words > 8:
            f.abstract, f.abstract_para = _ABSTRACT.sub("", text), p
        elif f.title is not None and not f.authors and n_words < 40 and (names := paragraph_names(p, _byline_part)):
            f.authors = names
            f.affiliation = f.affiliation or _split_author_affiliation(text)[1]
        elif _EMAIL.search(text) and n_words < 12:
            pass
        elif _COPYRIGHT.match(text) and n_words < 15:
            year = _COPYRIGHT.match(text).group(1)
            f.year = int(year) if year else f.year
            f.authors += names_in(_COPYRIGHT.sub("", text))
        elif titles.is_banner(text, running) and n_words <= 6 and not names_in(text):
            pass  # RESEARCH ARTICLE, Open Access, Научная статья, a rubric
        elif f.title is None and _is_title_like(p, body_size) and not names_in(text) \
                and sum(c.isalpha() for c in text) >= 3:
            f.title = text
            f.title_at = (i, i + 1)
        elif f.title_at is not None and f.title_at[1] == i and _is_title_like(p, body_size) \
                and not names_in(text) and not _AFFIL.search(text) and p.bold == paras[i - 1].bold \
                and abs(p.size - paras[i - 1].size) < 0.6 and len(f.title.split()) + n_words <= 45:
            f.title = f"{f.title} {text}"  # a title broken over several paragraphs
            f.title_at = (f.title_at[0], i + 1)
        elif f.title is None and not f.authors and names_in(text) and n_words < 30:
            f.authors = names_in(text)  # authors above the title
        elif _AFFIL.search(text) and n_words < 40 and not text.endswith(":"):
            if f.affiliation is None or (_STRONG_AFFIL.search(text) and not _STRONG_AFFIL.search(f.affiliation)):
                f.affiliation = text
        elif f.keywords and f.abstract is None and n_words > 30:
            f.abstract, f.abstract_para = text, p  # keywords first, then an unlabelled abstract
            i += 1
            break
        elif n_words < 25 and f.title is not None and not f.authors and not is_reference_heading(p) \
                and i <= 4 and not p.bold and re.search(r"(доцент|профессор|наук|student|professor|PhD)", text):
            pass  # position and degree lines
        else:
            break
        i += 1
    return f, i


def _body_size(doc: Document) -> float:
    sizes = [p.size for p in doc.paragraphs if p.size and len(p.text) > 200]
    return statistics.median(sizes) if sizes else 10.0


def _year_from_margins(doc: Document) -> int | None:
    for text in doc.margin_texts:
        m = _YEAR.search(text)
        if m:
            return int(m.group(1))
    return None


_DOT_LEADER = re.compile(r"\.{5,}|…{2,}")
_SEPARATOR = re.compile(r"^\s*(?:[*⁂•·~–—-]\s*){1,5}$")
_ENTRY_LABEL = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}\.)\s")  # '2. NoSQL. …' opens a list entry, never a paper
_NUMBERED_HEADING = re.compile(r"^(?:[IVXLC]+|\d{1,2})\.\s+[A-ZА-ЯЁ]{4,}")  # "I. INTRODUCTION" is not an author


def _title_block_starts(paras: list[Paragraph], body_size: float) -> list[int]:
    """Paper starts in a volume without УДК lines: a title run directly followed by an author line."""
    starts = []
    i = 0
    while i < len(paras):
        p = paras[i]
        if not _is_title_candidate(p, body_size):
            i += 1
            continue
        j = i + 1
        while j < len(paras) and _is_title_candidate(paras[j], body_size) and paras[j].size == p.size \
                and not find_names(paras[j].text):
            j += 1
        if j < len(paras) and len(paras[j].text.split()) <= 25 and find_names(paras[j].text) \
                and not _DOT_LEADER.search(paras[j].text) and not _NUMBERED_HEADING.match(paras[j].text):
            starts.append(i)
        i = j
    return starts


def _is_title_candidate(p: Paragraph, body_size: float) -> bool:
    text = p.text.strip()
    return (_is_title_like(p, body_size) and sum(c.isalpha() for c in text) >= 10
            and not _DOT_LEADER.search(text) and not is_reference_heading(p) and not find_names(text)
            and not _ENTRY_LABEL.match(text))


def split_papers(doc: Document) -> list[Paper]:
    paras = doc.paragraphs
    if not paras:
        return []
    body_size = _body_size(doc)
    udc = [i for i, p in enumerate(paras) if UDC_START.match(p.text.strip())]
    blocks = [i for i in _title_block_starts(paras, body_size) if not any(-3 <= i - u <= 4 for u in udc)]
    starts = sorted(udc + blocks) if len(udc) + len(blocks) >= 2 else udc
    if not starts:
        starts = [0]
    def opening(s: int) -> int:  # "* * *" set between two papers opens the next one
        sep = s > 0 and _SEPARATOR.match(paras[s - 1].text) and paras[s - 1].last_page == paras[s].first_page
        return s - 1 if sep else s

    starts = [opening(s) for s in starts]
    udc = [opening(u) for u in udc]
    running = frozenset(t.casefold() for t in doc.margin_texts)
    papers = _papers_at(paras, starts, body_size, doc, running)
    translated = [k for k in range(1, len(papers)) if papermeta.same_authors(papers[k - 1], papers[k])
                  and (starts[k - (len(papers) - len(starts))] not in udc or _summary_of(papers[k], papers[k - 1]))]
    if translated:  # an English title, authors and abstract at the end of a Russian paper: not a new paper
        drop = {starts[k - (len(papers) - len(starts))] for k in translated}
        papers = _papers_at(paras, [s for s in starts if s not in drop], body_size, doc, running)
    papermeta.demote_covers(papers)
    papermeta.annotate(doc, papers, _year_from_margins(doc))
    return papers


SUMMARY_WORDS = 400


def _summary_of(block: Paper, paper: Paper) -> bool:
    """A title block with its own УДК that is a summary of the paper before it, not a paper: short
    (SUMMARY_WORDS) and set in a smaller type than that paper's text."""
    def paras(p: Paper) -> list[Paragraph]:
        return [q for section in p.sections for q in section.paragraphs]

    mine, theirs = paras(block), paras(paper)
    if not mine or not theirs or sum(len(q.text.split()) for q in mine) >= SUMMARY_WORDS:
        return False
    return statistics.median(q.size for q in mine) < statistics.median(q.size for q in theirs) - 0.5


def _papers_at(paras: list[Paragraph], starts: list[int], body_size: float, doc: Document,
               running: frozenset[str]) -> list[Paper]:
    papers: list[Paper] = []
    if starts[0] > 0:
        lead = paras[:starts[0]]
        if sum(len(p.text.split()) for p in lead) >= 15:
            papers.append(_make_paper(lead, body_size, fragment=True))
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(paras)
        papers.append(_make_paper(paras[s:end], body_size, fragment=False, doc=doc, running=running))
    return papers


def _make_paper(paras: list[Paragraph], body_size: float, *, fragment: bool,
                doc: Document | None = None, running: frozenset[str] = frozenset()) -> Paper:
    if fragment:
        front, body_start = _Front(), 0
    else:
        front, body_start = parse_front(paras, body_size, running)
        if front.title is None and doc is not None and doc.metadata.get("title") and len(paras) == len(doc.paragraphs):
            front.title = doc.metadata["title"].strip() or None
    front_paras = [p for p in paras[:body_start] if p is not front.abstract_para]
    sections = [Section("front", front_paras)] if front_paras else []
    if front.abstract_para is not None:
        sections.append(Section("abstract", [front.abstract_para]))
    body: list[Paragraph] = []
    refs: list[Paragraph] = []
    headings: dict[int, str] = {}
    current_heading: str | None = None
    in_refs = False
    lists: list[list[Paragraph]] = []  # each reference list, from its heading; then the back matter
    back: list[Paragraph] = []
    last_label = 0  # the number of the last numbered entry of the current list
    for p in paras[body_start:]:
        if is_reference_heading(p) and (not in_refs or len(refs) > 1 or back):
            refs = [p]  # a list, or a second one (the transliterated References after Список литературы)
            lists.append(refs)
            in_refs, back, last_label = True, [], 0
            continue
        if in_refs and not back and is_back_matter(p):
            back = [p]  # Сведения об авторах, Поступила в редакцию ...: the list has ended
            lists.append(back)
            continue
        if back and last_label and _list_label(p) == last_label + 1:
            back = []  # the list goes on after a note set beside it (another column): not its end
        if in_refs:
            (back or refs).append(p)
            if not back:
                last_label = _list_label(p) or last_label
            continue
        if is_heading(p, body_size):
            current_heading = p.text.strip()
            headings[id(p)] = current_heading
            body.append(p)
            continue
        if current_heading:
            headings[id(p)] = current_heading
        body.append(p)
    if body:
        sections.append(Section("body", body))
    sections += [Section("references" if is_reference_heading(group[0]) else "back", group) for group in lists]
    text_for_lang = " ".join(p.text for p in body)[:4000] or " ".join(p.text for p in paras)[:4000]
    lang = langid.detect(text_for_lang)
    return Paper(
        title=front.title, authors=front.authors, affiliation=front.affiliation,
        year=front.year, lang=lang, udc=front.udc, doi=front.doi,
        keywords=front.keywords, abstract=front.abstract, fragment=fragment,
        first_page=paras[0].first_page, last_page=max(p.last_page for p in paras),
        sections=sections, headings=headings,
    )
