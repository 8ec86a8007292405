"""Where a paper was published — journal or proceedings, volume, issue, year, pages — read from
what its pages print: a citation line, running headers and footers, the first-page masthead,
and for a proceedings volume its title page.

Nothing is inferred: a field that no line states stays None. Lines that only repeat the
paper's own title or authors (running heads) or a rubric are never taken for the container.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache

from kb.ingest.persons import byline_names

FIELDS = ("container", "volume", "issue", "publisher", "place")

_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_VOLUME = re.compile(r"(?<![\w.])(?:vol(?:ume)?\.?|т(?:ом)?\.|том|t\.|band|bd\.)\s*(\d{1,4}[A-Za-z]?)\b", re.IGNORECASE)
_ISSUE = re.compile(r"(?<![\w.])(?:no\.?|nos\.?|number|num\.|issue|iss\.|№|n°|вып(?:уск)?\.?|выпуск|issue\s+no\.?)"
                    r"\s*(\d{1,4}(?:\s*[-–/]\s*\d{1,4})?(?:\s*\(\d{1,4}\))?)", re.IGNORECASE)
_VOL_ISSUE = re.compile(r"(?<![\w./-])(\d{1,4})\s?\((\d{1,4}(?:[-–]\d{1,4})?)\)\s*[:,]\s*(e?\d+(?:\s*[-–]\s*e?\d+)?)")
# a journal's own citation line: "(2014), 26:1, 147–154", "(2014) 126, 305–313", "2010;86(2):272-278"
_YEAR_VOLUME = re.compile(rf"(?:\((?P<y1>{_YEAR})\),?\s*|(?<![\w.])(?P<y2>{_YEAR})\s*;\s*)(?P<vol>\d{{1,4}})"
                          r"(?:\s*(?::|\()\s*(?P<iss>\d{1,3})\)?)?"
                          r"(?:\s*[,:]\s*(?P<pages>\d{1,5}\s*[-–—]\s*\d{1,5}))?(?![\w.])")
_ISSUE_YEAR = re.compile(rf"(?<![\w./-])(\d{{1,2}})\s*/\s*({_YEAR})\b")
_PAGES = re.compile(r"(?:(?<![\w.])(?:pp?\.|с\.|c\.|s\.|стр\.|pages?)\s*)(\d{1,5})(?:\s*[-–—]\s*(\d{1,5}))?", re.IGNORECASE)
_BARE_RANGE = re.compile(r"(?<![\w.\-–/])(\d{1,5})\s*[-–—]\s*(\d{1,5})(?![\w\-–/])")
_YEAR_RE = re.compile(rf"(?<![\w./-]){_YEAR}(?![\w/-])")
_SERIES = re.compile(r"(?<![\w.])(?:сер(?:ия)?\.|ser(?:ies)?\.|series|серия)\s*\d{1,3}\b", re.IGNORECASE)
_COPYRIGHT = re.compile(rf"(?:©|\(c\)|c⃝|copyright\s*:?\s*©?)\s*(?:{_YEAR})?[,.]?\s*(?:by\s+)?"
                        r"([A-ZА-ЯЁ«\"][^.;©]{2,80}?)(?:[.;]|,\s*(?:19|20)\d\d|$)", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>\]]+)")
_URL = re.compile(r"https?://\S+|www\.\S+")
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|январ[ья]|феврал[ья]|март[а]?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|"
           r"август[а]?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])\.?")
_CITATION = re.compile(
    r"^\s*(?:please\s+)?(?:cite\s+this\s+(?:article|paper)(?:\s+as)?|to\s+cite\s+this\s+(?:article|paper)|"
    r"citation|for\s+citation|how\s+to\s+cite(?:\s+this\s+article)?|для\s+цитирования|цитирование|"
    r"ссылка\s+для\s+цитирования|образец\s+цитирования|как\s+цитировать(?:\s+статью)?|для\s+цитування|"
    r"цитування)\s*[:.]\s*", re.IGNORECASE)
# A container names a kind of publication; a rubric ("Экономика и гуманитарные науки") does not.
_SERIAL = re.compile(
    r"(вестник|весник|вісник|журнал|журн\.|известия|ізвестія|доклады|труды|праці|записки|сборник|збірник|материалы|"
    r"матеріали|тезисы|тези|конференц|симпозиум|семинар|форум|конгресс|бюллетень|обозрение|альманах|летопись|"
    r"проблемы|вопросы|информатика|экономика\s+и\s+управление|"
    r"journal|j\.|proceedings|proc\.|transactions|trans\.|letters|bulletin|review|annals|conference|symposium|"
    r"workshop|congress|magazine|quarterly|plos|acta|archives|reports|studies|forum|"
    r"\bieee\b|\bacm\b|\bacl\b|nature|science)", re.IGNORECASE)
_FOOTNOTE = re.compile(r"(?:^|(?<=\s))(?:(?:proceedings|proc\.)\s+of|transactions\s+on|journal\s+of|вестник|вісник|"
                       r"известия|труды|праці|материалы|матеріали|сборник|збірник|доклады)\b", re.IGNORECASE)
_RUBRIC = re.compile(r"^(?:секция|секція|section|раздел|розділ|рубрика|part|часть|том)\b", re.IGNORECASE)
_ACRONYMS = {"ieee", "acm", "acl", "plos", "siam", "aaai", "spie", "iet", "asme", "bmc", "emnlp", "naacl", "ijcai",
             "icml", "nips", "neurips", "cvpr", "iccv", "eccv", "sigir", "kdd", "www", "isbn", "issn", "mdpi",
             "ссср", "рф", "ран", "снг", "тусур", "улгту", "сгау", "мгу", "спбгу", "нгу", "it"}
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with", "und", "der"}


@dataclass
class Venue:
    """What the pages say about where a paper appeared; None where they say nothing."""

    container: str | None = None
    volume: str | None = None
    issue: str | None = None
    publisher: str | None = None
    place: str | None = None
    year: int | None = None
    pages: str | None = None
    doi: str | None = None

    def fill(self, other: Venue | None) -> Venue:
        """Fields still unknown here, taken from a less direct source; a container known only as an
        abbreviation ('Матем. просв.') gives way to its full form ('Математическое просвещение')."""
        if other is not None:
            for f in fields(self):
                if getattr(self, f.name) is None and getattr(other, f.name) is not None:
                    setattr(self, f.name, getattr(other, f.name))
            if self.container and other.container and abbreviates(self.container, other.container):
                self.container = other.container
        return self

    def fields_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k in FIELDS}


def abbreviates(short: str, full: str) -> bool:
    """'Матем. просв.' abbreviates 'Математическое просвещение': word by word, each a prefix."""
    a = re.findall(r"\w+\.?", short.casefold())
    b = re.findall(r"\w+", full.casefold())
    if "." not in short or len(a) != len(b) or short.casefold() == full.casefold():
        return False
    return all(w.rstrip(".") == x if not w.endswith(".") else x.startswith(w[:-1]) for w, x in zip(a, b, strict=True))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def normal_case(text: str) -> str:
    """A container printed in capitals, as a reference list prints it: 'ПРИКЛАДНАЯ ИНФОРМАТИКА' ->
    'Прикладная информатика', 'IEEE TRANSACTIONS ON ...' -> 'IEEE Transactions on ...'."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text
    cyrillic = bool(re.search("[А-Яа-яЁёІіЇїЄє]", text))
    out = []
    for i, word in enumerate(text.split()):
        bare = re.sub(r"\W", "", word).lower()
        if bare in _ACRONYMS or (len(bare) <= 4 and not re.search("[aeiouyаеёиоуыэюяіїє]", bare)):
            out.append(word)
        elif cyrillic:
            out.append(word.capitalize() if i == 0 else word.lower())
        elif bare in _SMALL and i > 0:
            out.append(word.lower())
        else:
            out.append("-".join(p.capitalize() for p in word.split("-")))
    return " ".join(out)


def _clean_container(text: str) -> str | None:
    text = _URL.sub(" ", _DOI.sub(" ", text))
    text = re.sub(r"\b(?:doi|issn|e-issn|isbn)\b\s*:?.*$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[\s(\[]+$", "", text)  # "Clinical Science (" before "(2014)"
    text = re.sub(r"^\s*(?:appearing\s+)?in:?\s+(?=(?:the\s+)?(?:proc\w*|workshop|conference|annual|transactions)\b)", "",
                  text, flags=re.IGNORECASE)  # "In Proceedings of ...": the venue, not the word before it
    trimmed = re.sub(r"[\s,;:|/–—-]+$", "", text)
    abbreviated = re.search(r"\b\w{1,6}\.$", trimmed) and trimmed.count(".") >= 2
    text = re.sub(r"[\s,.;:|/–—-]+$", "", _norm(text)) + ("." if abbreviated else "")
    text = re.sub(r"^[\s,.;:|/–—-]+", "", text)
    text = re.sub(r"[«»\"“”]", "", text).strip()
    if sum(c.isalpha() for c in text) < 3 or len(text) > 200:
        return None
    words = text.split()
    if len(words) <= 2 and re.sub(r"\W", "", words[0]).lower() in _ACRONYMS or (len(words) == 1 and len(text) <= 6):
        return text  # PLOS ONE, IEEE ACCESS, OSDI: a name printed in capitals
    return normal_case(text)


def numbering(text: str) -> Venue:
    """Volume, issue, year and pages stated in one line ('Vol. 7, No. 5, October 1997', '№ 1 (32) 2012 г.',
    a masthead's '(2014), 26:1, 147–154' or '2010;86(2):272-278')."""
    v = Venue()
    text = _DOI.sub(" ", text)
    if m := _YEAR_VOLUME.search(text):
        v.year, v.volume, v.issue = int(m["y1"] or m["y2"]), m["vol"], m["iss"]
        v.pages = _dash(m["pages"]) if m["pages"] else None
    if m := _VOL_ISSUE.search(text):
        v.volume, v.issue, v.pages = m[1], m[2], _dash(m[3])
    if m := _VOLUME.search(text):
        v.volume = m[1]
    if m := _ISSUE.search(text):
        v.issue = _norm(m[1])
    if v.issue is None and (m := _ISSUE_YEAR.search(text)):
        v.issue, v.year = m[1], int(m[2])
    if v.pages is None and (m := _PAGES.search(text)):
        v.pages = _dash(f"{m[1]}–{m[2]}" if m[2] else m[1])
    if v.year is None and (m := _YEAR_RE.search(text)):
        v.year = int(m[0])
    return v


def _dash(pages: str) -> str:
    return re.sub(r"\s*[-–—]\s*", "–", pages.strip())


def _first_numbering(text: str) -> int:
    """Where the numbering part of a line starts (the container is what comes before)."""
    starts = [m.start() for rx in (_VOLUME, _ISSUE, _VOL_ISSUE, _YEAR_VOLUME, _ISSUE_YEAR, _PAGES, _YEAR_RE, _SERIES)
              if (m := rx.search(text))]
    month = re.search(rf"\b{_MONTHS}\s+(?:\d{{1,2}},?\s+)?{_YEAR}", text, re.IGNORECASE)
    if month:
        starts.append(month.start())
    return min(starts) if starts else len(text)


def from_line(text: str) -> Venue | None:
    """A running header/footer or masthead line naming the publication, or None.

    'IEEE TRANSACTIONS ON ..., VOL. 7, NO. 5, OCTOBER 1997', 'Вестник УлГТУ 3/2016', 'PLOS ONE | doi'.
    (Cached, since every paper of a volume reads the same running lines; callers get a copy.)
    """
    found = _from_line(text)
    return replace(found) if found is not None else None


_ISSN = re.compile(r"(?<!\w)(?:[ep]-?)?ISSN(?:\s*\([^)]{1,12}\))?\s*:?\s*\d{4}\s?[-–]\s?\d{3}[\dXxХх]\b\.?",
                   re.IGNORECASE)  # 'ISSN 2410-681X. Медична та клінічна хімія. 2019. Т. 21. № 2'
_TO_APPEAR = re.compile(r"^(?:to\s+appear\s+in|appear(?:s|ed)\s+in|published\s+in|accepted\s+(?:for\s+publication\s+)?"
                        r"(?:in|at|by))\s+", re.IGNORECASE)  # a preprint names its venue: "To appear in OSDI 2006"


@lru_cache(maxsize=4096)
def _from_line(text: str) -> Venue | None:
    text = _ISSN.sub(" ", _norm(text)).strip(" .,;|")
    if _RUBRIC.match(text) or re.match(r"(?:©|\(c\)|copyright\b)", text, re.IGNORECASE):
        return None  # a rubric, or a copyright line ("© The Authors Journal compilation © 2014 ...")
    announced = _TO_APPEAR.match(text)
    text = text[announced.end():] if announced else text
    parts = [p for p in re.split(r"\s+\|\s+", text) if p]
    head = parts[0] if len(parts) > 1 else text
    v = numbering(text)
    cut = _first_numbering(head)
    container = _clean_container(head[:cut])
    if m := _DOI.search(text):
        v.doi = m[1].rstrip(".,;")
    if container and (_SERIAL.search(container) or v.volume or v.issue or announced):
        v.container = container
    if v.container is None and not (v.volume or v.issue):
        return None
    return v


def from_citation(text: str, title: str | None) -> Venue | None:
    """A 'Cite this article as: ...' / 'Для цитирования: ...' line, or a portal cover's citation.

    The container is what follows the paper's own title, up to the year or the numbering.
    """
    body = _CITATION.sub("", _norm(text), count=1)
    body = re.sub(r"(10\.\d{4,9}/\S*[./])\s+(?=[a-z0-9])", r"\1", body)  # a DOI broken at a line end
    if not title:
        return None
    at = _find_title(body, title)
    if at is None:
        return None
    rest = body[at:].lstrip(" .,/:")
    rest = re.sub(r"^\[[^\]]{0,30}\]\s*", "", rest)  # [Электронный ресурс], [Text]
    rest = re.sub(r"^/[^/]*//", "", rest).lstrip(" /")  # GOST: "/ И. С. Петрова // Журнал"
    rest = rest.lstrip("/ ")
    v = numbering(rest)
    # a bare page range at the end ("2011, выпуск 15, 138–153")
    if v.pages is None:
        ranges = list(_BARE_RANGE.finditer(rest))
        if ranges and not _YEAR_RE.fullmatch(ranges[-1][1]):
            v.pages = _dash(ranges[-1][0])
    cut = _first_numbering(rest)
    v.container = _clean_container(re.sub(r"\(\s*$", "", rest[:cut]))
    if m := _DOI.search(body):
        v.doi = m[1].rstrip(".,;")
    return v if v.container or v.volume or v.issue else None


def _find_title(text: str, title: str) -> int | None:
    """End offset of the paper's title inside a citation, comparing letters only (case, hyphens and
    line breaks differ between the two)."""
    def letters(s: str) -> tuple[str, list[int]]:
        chars, where = [], []
        for i, c in enumerate(s):
            if c.isalnum():
                chars.append(c.casefold())
                where.append(i)
        return "".join(chars), where

    hay, where = letters(text)
    needle, _ = letters(title)
    if len(needle) < 8:
        return None
    pos = hay.find(needle)
    if pos < 0:
        pos = hay.find(needle[:40])
        if pos < 0:
            return None
        end = pos + 40
    else:
        end = pos + len(needle)
    return where[end - 1] + 1


def self_citation(text: str, families: list[str]) -> Venue | None:
    """A running line that cites the paper itself, led by its first author ('Datta et al. Journal of
    Trauma Management & Outcomes 2010, 4:1', 'Webb et al. (2017), PeerJ Comput. Sci., DOI ...'),
    read by the reference parser. An article number ('4:1') is not a page range."""
    text = _norm(text)
    if not families or not families[0] or not text.casefold().startswith(families[0].casefold()):
        return None
    if len(text) > 250 or not _YEAR_RE.search(text):
        return None
    # imported here, not at the top: search imports this module and never parses a reference
    from kb.refs.parse import parse_reference

    ref = parse_reference(text)
    container = _clean_container(ref.container) if ref.container else None
    if not container:
        return None
    year = int(ref.year) if ref.year and ref.year.isdigit() else None
    pages = ref.pages if ref.pages and "–" in ref.pages else None
    return Venue(container=container, volume=ref.volume, issue=ref.issue, year=year, pages=pages, doi=ref.doi)


def is_citation(text: str) -> bool:
    return bool(_CITATION.match(text))


def is_running_head(text: str, title: str | None, families: list[str]) -> bool:
    """A running head repeats the paper's title or its authors; it names no publication."""
    words = set(re.findall(r"\w{3,}", text.casefold()))
    if not words:
        return True
    if title:
        title_words = set(re.findall(r"\w{3,}", title.casefold()))
        if len(words & title_words) >= 0.5 * len(words):
            return True
    return any(f and f.casefold() in text.casefold() for f in families)


_PUBLISHER = r"(?:publish\w*|press|verlag|editions?|издательство|изд-во|видавництво|выдавецтва|наука|ун-та|academic)"


def imprint(text: str) -> Venue | None:
    """Place, publisher and year of a volume's imprint: '– Самара : ПГСГА, 2012', 'Riga, Latvia: Baltija Publishing'."""
    text = _norm(text)
    m = re.search(rf"[–—]\s*([A-ZА-ЯЁІЇЄ][\w.\- ]{{1,30}}?)\s+:\s+([^,;:–—]{{2,60}}?),\s*({_YEAR})", text)
    if m:
        return Venue(place=m[1].strip(), publisher=m[2].strip(" .«»\"“”"), year=int(m[3]))
    m = re.search(rf"([A-ZА-ЯЁ][a-zа-яё]+(?:,\s*[A-ZА-ЯЁ][a-zа-яё]+)?)\s?:\s?([^.,;:]*?{_PUBLISHER}[^.,;:]*)",
                  text, re.IGNORECASE)
    if m and m[1][0].isupper():
        return Venue(place=m[1].strip(), publisher=m[2].strip(" .«»\"“”"))
    return None


def title_page_year(texts: list[str]) -> int | None:
    """The year a volume's title page prints on a line of its own ('Самара 2012', 'Кривий Ріг- 2015')."""
    for text in texts:
        if len(text) < 40 and (m := _YEAR_RE.search(text)):
            return int(m[0])
    return None


# --- one paper ------------------------------------------------------------------------------------

def running_lines(margins: list[list[dict]], first: int, last: int) -> list[str]:
    """Distinct running-header/footer texts of pages first..last, most frequent first."""
    counts: dict[str, int] = {}
    for page in margins[first:last + 1]:
        for m in page:
            counts[m["text"]] = counts.get(m["text"], 0) + 1
    return sorted(counts, key=lambda t: -counts[t])


def for_paper(texts_before_title: list[str], front_texts: list[str], margin_texts: list[str],
              title: str | None, families: list[str], volume: Venue | None = None) -> Venue:
    """The venue of one paper from its sources, the most direct first.

    texts_before_title: first-page paragraphs above the title (masthead, a cover's citation);
    front_texts: the rest of the front matter (a side box's "Citation: ..."); margin_texts: its
    running headers and footers; volume: what a proceedings volume's title page says.
    """
    v = Venue()
    for text in [*texts_before_title, *front_texts]:
        if is_citation(text) or (text in texts_before_title and title and _find_title(text, title) is not None):
            v.fill(from_citation(text, title))
    for text in margin_texts:
        if cited := self_citation(text, families):
            v.fill(cited)
            continue
        if is_running_head(text, title, families) and not numbering(text).issue and not numbering(text).volume:
            continue
        v.fill(from_line(text))
    for text in texts_before_title:
        text = text.split("©")[0] if len(text.split()) > 25 else text  # a masthead run on into its licence
        if len(text.split()) <= 25:
            line = from_line(text)
            if line is not None and line.container and (line.volume or line.issue or _SERIAL.search(text)):
                v.fill(line)
    if volume is None:  # a journal article's first-page footnote: "Proceedings of ..., pages 2270–2282"
        for k, text in enumerate(front_texts):
            m = _FOOTNOTE.search(text) if len(text) < 600 else None
            line = from_line(text[m.start():] if m else text) if m or len(text) < 200 else None
            if line is None or not line.container:
                continue
            stated = [x for x in (line.pages, line.volume, line.issue, line.year) if x]
            if (m and stated) or len(stated) >= 2:
                following = front_texts[k + 1] if k + 1 < len(front_texts) else ""
                if len(following) < 150:  # "July 5 - 10, 2020. ©2020 Association for Computational Linguistics"
                    line.fill(numbering(following))
                v.fill(line)
        for text in front_texts:
            if v.publisher is None and (pub := copyright_holder(text, families)):
                v.publisher = pub
    return v.fill(volume)


def copyright_holder(text: str, families: list[str]) -> str | None:
    """The organisation of a copyright line ('©2020 Association for Computational Linguistics'),
    not the authors ('© 2018 Thomason et al.', '© 2012 А. У Ибрагимов, ...')."""
    m = _COPYRIGHT.search(text)
    if not m:
        return None
    holder = _norm(m[1]).strip(" ,«»\"")
    if re.search(r"\bet\s+al\b|author|автор|\bcc\b|creative|licen[cs]e", holder, re.IGNORECASE):
        return None
    if any(f.casefold() in holder.casefold() for f in families if len(f) > 2) or byline_names(holder):
        return None
    return holder if 1 <= len(holder.split()) <= 8 else None


def for_volume(title_page: list[tuple[str, float]], imprint_texts: list[str], margins: list[list[dict]],
               n_pages: int) -> Venue:
    """A proceedings volume's own title (the container of its papers), place, publisher and year.

    A running line on most pages of the volume names it in the printed case; else the largest
    type on the title page does.
    """
    v = Venue()
    counts: dict[str, int] = {}
    for page in margins:
        for text in {m["text"] for m in page}:
            counts[text] = counts.get(text, 0) + 1
    for text, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n < 0.3 * n_pages:
            break
        if _RUBRIC.match(text) or re.search(_MONTHS, text, re.IGNORECASE) or sum(c.isalpha() for c in text) < 12:
            continue
        line = from_line(text)
        v.container = (line.container if line and line.container else _clean_container(text))
        if line:
            v.fill(line)
        break
    if v.container is None and title_page:
        top = max(size for _, size in title_page)
        big = [t for t, size in title_page if size >= top - 0.5]
        if big:
            v.container = _clean_container(" ".join(big))
    for text in imprint_texts:
        if found := imprint(text):
            v.fill(found)
            break
    v.year = v.year or title_page_year([t for t, _ in title_page])
    for text, _ in title_page:
        if m := _VOLUME_LINE.match(unspaced(text)):
            v.volume = v.volume or (m[2] if m[1].lower().startswith(("т", "vol", "tom", "band")) else _norm(text))
            break
    return v


_VOLUME_LINE = re.compile(r"^(том|т\.|volume|vol\.|tome|band|part|часть|ч\.|частина)\s*([IVXLC]+|\d{1,3})\s*$",
                          re.IGNORECASE)


def unspaced(text: str) -> str:
    """'Т о м 1' -> 'Том 1': letters spaced out for emphasis, joined again."""
    if re.fullmatch(r"(?:\w\s){2,}\w*(?:\s+\w+)*", text.strip()):
        return re.sub(r"(?<=\b[^\W\d]) (?=[^\W\d]\b)", "", text.strip())
    return text
