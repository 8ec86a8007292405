"""GOST entries: the heading (an author, or an organisation named by its head noun), the title
[: form words] [/ responsibility] [// container] and the areas after them. A '//' marks a component
(an article in a journal, a chapter, a paper in proceedings); without one the entry is a book, or
an article whose '//' went missing ('Title. Journal, 3. 1922.'). The authors are the persons after
'/' when they include the heading author, else the heading. clean_title and clean_container (GMDs,
form words, site and series marks out) are the cleaning conventions the comma lists and the model's
fields (kb.refs.fields) follow too."""

from __future__ import annotations

import re

from kb.refs import names as nm
from kb.refs.identifiers import CONTENT_FORM, GMD
from kb.refs.kinds import CONF, JOURNAL_HINT
from kb.refs.numbers import TOTAL_PAGES, YEAR_RE, first_year, read_numbers
from kb.refs.places import STATE_OR_COUNTRY, find_place_publisher, looks_like_place, looks_like_publisher
from kb.refs.reference import Reference
from kb.refs.rules.areas import is_area_start, split_areas
from kb.refs.text import LO, UP, YEAR, clean, is_sentence_end, sentence_end, unquote

_FORM = re.compile(
    r"\s*:\s*(?:(?:[а-яё]+(?:ый|ий|ой|ая|ое|ые)\s+){0,2}(?:сборник|справочник|пособие|учебник|словарь|доклад|монограф|"
    r"отч[её]т)|(?:федеральный\s+)?закон|федер\.\s*закон|указ|постановление|приказ|распоряжение|"
    r"национальный\s+стандарт|гост\b|учеб|монограф|сб\.|материал|матер\.|тр\.|труды|тез\.|тезис|дис\.|дисс|"
    r"автореф|специальность|стат\.|справочн|утвержд|утв\.|принят|официальный\s+сайт|\[?сайт|энциклопед|"
    r"курс\s+лекций|практикум|хрестомат|препринт|науч\.|в\s+\d+\s+т\.?|пер\.|"
    r"the\s+collection|collection\s+of|proceedings|materials\s+of|(?:collective\s+)?monograph|textbook|phd|doctoral|"
    r"dissertation|thesis|[\w\s]+\s+(?:dissertation|thesis)).*$", re.I)
_RESP_EDITOR = re.compile(r"(?:под\s+(?:общ\.\s+|науч\.\s+)?ред|ed\.\s+by|eds?\.|edited|пер\.|перев|сост\.|"
                          r"авт\.?-сост|автор\s+и\s+сост|отв\.\s*ред|науч\.\s*ред|ред\.|редкол|гл\.\s*ред|"
                          r"compiled|translated|transl\.)", re.I)
_ORG_SENTENCE = re.compile(rf"([{UP}][^.\[\]/]{{2,120}}?)(?:\s*\.\s+|\s*(?=\[)|\s*$)")
_ORG_NOT = re.compile(r"[:«]")
_AFTER_HEADING = re.compile(r"[\s.,]*")
_RESP_GROUPS = re.compile(r"\s*;\s*")
_RESP_FIRST = re.compile(r"\s*;\s*|\s+[–—]\s+|\.\s*[–—-]\s")
_RESP_END = re.compile(r"\.\s*[–—]")
_UNIVERSITY = re.compile(r"университет|институт|академи|university|institute|college|school", re.I)
HAS_DIGIT = re.compile(r"\d")
_TRANSLATION_NOTE = re.compile(r"\s*\[(?:Анг|Англ|Engl|Пер|Transl)[^\]]*\]\s*\.?$")
_BRACKET_TAIL = re.compile(r"\s*\[(?!\w+\])[^\]]{12,}\]\s*$")
_SITE_NAME = re.compile(r"\s*[-–—]\s*(Википедия|Wikipedia|Вікіпедія)\s*$")
_SITE_MARK = re.compile(r"\s*:?\s*\[(?:сайт|site|website|блог|портал)\]", re.I)
_SITE_WORDS = re.compile(r"\s*:\s*(?:официальный\s+сайт|сайт|site).*$", re.I)
_JOURNAL_WORD = re.compile(r"^(?:Журнал|Journal)\s+(?=[«\"“])")
_SERIES = re.compile(r"\.\s+(?:[A-Z]{2,}\s+)?(?:Studies|Lecture Notes|Series|Advances)\s+in\b.*$")
_SINGLE_SLASH = re.compile(r"\s/\s")
_ARTICLE_NUMBERS = re.compile(r"№|\b[ТT]\.\s*\d|\bVol\.|[СC]\.\s*\d+\s*[-–]")
_FIRST_CLAUSE = re.compile(r"[.;]\s")
_VOLUME_IN_TITLE = re.compile(r"\s+(?=[ТTт]\.\s*\d)")


# An organisation heading an entry names itself with its head noun ('Федеральная налоговая служба');
# 'Гражданский кодекс Российской Федерации' (an organisation word as a modifier) is a title.
_HEAD_ORG = re.compile(
    r"\b(?:центр|комитет|служба|министерство|агентство|институт|университет|академия|фонд|банк|совет|"
    r"ассоциация|союз|департамент|управление|правительство|организация|компания|корпорация|общество|палата|"
    r"инспекция|администрация|комиссия|федерация|росстат)\b|"
    r"\b(?:commission|committee|bank|organi[sz]ation|agency|ministry|office|institute|university|council|"
    r"association|society|consulting|foundation|cent(?:re|er)|bureau|department|service|government|"
    r"corporation|company|academy|federation|board|authority)\b", re.I)


def _heading(s: str) -> tuple[list[str], int]:
    """Heading author(s) of a GOST entry, or an organisation that heads it; returns (authors, end)."""
    people, end = nm.read_authors(s, 0, styles=("si", "is"))
    if people and (end >= len(s) or s[end] in " .,:;/"):
        return people, end + _AFTER_HEADING.match(s, end).end() - end
    m = _ORG_SENTENCE.match(s)
    if m and _HEAD_ORG.search(m.group(1)) and len(m.group(1).split()) <= 9 and "//" not in m.group(1) \
            and not _ORG_NOT.search(m.group(1)):
        return [clean(m.group(1))], m.end()
    return [], 0


def _resp_people(resp: str) -> tuple[list[str], str | None]:
    """Persons and an organisation of the responsibility area after '/' (editors, translators: none)."""
    resp = CONTENT_FORM.split(resp)[0]
    first = _RESP_FIRST.split(resp)[0].strip()
    if not first or _RESP_EDITOR.match(first):
        return [], None
    people, _ = nm.read_authors(first, 0, styles=("is", "si"))
    if people:
        return people, None
    full = nm.names_from_block(first.rstrip("."))
    if full:
        return full, None
    org = clean(first)
    if org and len(org.split()) <= 6 and not HAS_DIGIT.search(org) and org[:1].isupper():
        return [], org
    return [], None


def _resp_publisher(resp: str, ref: Reference) -> None:
    """A thesis names its university after the author: '/ Орлова Н. В. ; Казанский федеральный университет'."""
    for group in _RESP_GROUPS.split(resp)[1:]:
        g = clean(_RESP_END.split(group)[0])
        if g and _UNIVERSITY.search(g):
            ref.publisher = ref.publisher or g
            return


def _choose_authors(heading: list[str], resp_people: list[str], resp_org: str | None) -> list[str]:
    """Persons after '/' when they include the heading author (or there is none); else the heading."""
    if resp_people:
        if not heading or nm.surname_key(heading[0]) in {nm.surname_key(p) for p in resp_people}:
            return resp_people
        return heading  # '/ И. Д. Рудинский; пер.': the persons after '/' are translators
    if heading:
        return heading
    return [resp_org] if resp_org else []


def clean_title(title: str) -> str | None:
    if "[" in title:
        title = GMD.sub(" ", title)
    if "Текст" in title:
        title = CONTENT_FORM.sub(" ", title)
    title = _BRACKET_TAIL.sub("", title.strip(" .;:"))  # a bracketed translation
    return clean(_FORM.sub("", title.strip(" .;:")))


# a designation printed as its own sentence after the name: '... (CTS'2017). Материалы конференции. ...'
_CONTAINER_FORM = re.compile(r"(?<=\S{3})\.\s+(?:Материалы|Тезисы|Труды|Сборник)\s+(?:[а-яё]+\s+){0,2}"
                             r"(?:конф|докл|науч|трудов|статей|симп|семинар|форум)\w*.*$")
_BARE_VOLUME = re.compile(r"[–—]\s*(\d{1,4})\s*,\s*(?:№|No\.|Nr\.|[Ii]ss\.|[Ii]ssue|[Вв]ып\.)")
_CONTAINER_YEAR = re.compile(rf"(?<=[^\d\s.,])\s+({YEAR})$")


def clean_container(container: str) -> str | None:
    if "[" in container:
        container = _SITE_MARK.sub("", GMD.sub(" ", container))
    container = _CONTAINER_FORM.sub("", container.strip(" .;:"))
    container = _SITE_WORDS.sub("", _FORM.sub("", container.strip(" .;:")))
    container = _SERIES.sub("", _JOURNAL_WORD.sub("", container.strip()))
    return clean(unquote(clean(container)))


def _single_slash_container(after: str) -> bool:
    """'Title / Известия АН СССР. – 1952. – №2. – С.14-21': one '/' used where '//' belongs."""
    return not _RESP_EDITOR.match(after) and not nm.read_authors(after, 0)[0] and \
        not nm.names_from_block(_FIRST_CLAUSE.split(after)[0]) and bool(_ARTICLE_NUMBERS.search(after))


def parse_gost(s: str, ref: Reference) -> None:
    """Heading, title [: form] [/ responsibility] [// container] and the areas after them."""
    if "Текст" in s:
        s = CONTENT_FORM.sub(" – ", s)
    if s.endswith(("]", "].")):
        s = _TRANSLATION_NOTE.sub("", s)
    authors, pos = _heading(s)
    body = s[pos:]
    sm = _SINGLE_SLASH.search(body) if "//" not in body else None
    if sm and _single_slash_container(body[sm.end():]):
        body = body[:sm.start()] + " // " + body[sm.end():]
    if "//" in body:
        head, _, tail = body.partition("//")
        title_area, resp, _ = _gost_title_split(head)
    else:
        title_area, resp, tail = _gost_title_split(body)
    resp_people, resp_org = _resp_people(resp) if resp else ([], None)
    if resp:
        _resp_publisher(resp, ref)
    if "//" in body:
        ref.title = clean_title(title_area)
        _gost_container(tail.strip(), ref)
    else:
        _gost_book(title_area, tail, ref)
    ref.authors = _choose_authors(authors, resp_people, resp_org)
    site = _SITE_NAME.search(ref.title or "")
    if site and not ref.container:
        ref.title, ref.container = ref.title[:site.start()], site.group(1)


def _gost_title_split(body: str) -> tuple[str, str | None, str]:
    """Title area, responsibility text and the rest (areas after the title)."""
    areas = split_areas(body)
    title_end = len(body)
    resp = None
    for k, a in enumerate(areas[1:], start=1):
        if a.after_slash and resp is None:
            title_end = min(title_end, areas[k - 1].end)
            last = a
            for b in areas[k + 1:]:
                if b.after_dash or b.after_slash or is_area_start(b.text):
                    break
                last = b
            resp = body[a.start:last.end]
        elif title_end == len(body) and (a.after_dash or is_area_start(a.text)):
            title_end = areas[k - 1].end
    title_area, rest = body[:title_end], body[title_end:]
    at = rest.find(resp) if resp else -1
    if at >= 0:  # the responsibility area and its '/' leave the rest
        rest = rest[:at].rstrip().rstrip("/") + " " + rest[at + len(resp):]
    tm = _VOLUME_IN_TITLE.search(title_area)  # 'Искусство программирования Т. 2'
    if tm:
        rest, title_area = title_area[tm.start():] + " " + rest, title_area[:tm.start()]
    return title_area, resp, rest


_CONTAINER_COMMA = re.compile(rf",\s*(?=(?:[ТT]\.\s*\d|т\.\s*\d|№|Vol\.|vol\.|Том|{YEAR}\b|Сер\.\s*\d|[Вв]ып\.|"
                              rf"\d{{1,3}}\.\s+{YEAR}))")
_VOLUME_AFTER = re.compile(r"\s(?=[ТT]\.\s*\d)")
_BARE_ISSUE = re.compile(rf",\s*(\d{{1,3}})\.\s+{YEAR}")
_TOWN_AT_END = re.compile(rf"\.\s+([{UP}][{LO}]{{3,}}(?:-[{UP}][{LO}]+)?)\.?$")


def _gost_container(tail: str, ref: Reference) -> None:
    """'Журнал «X». – 2021. – Т. 4, № 2. – С. 45–52' and the book/proceedings forms after '//'."""
    areas = split_areas(tail)
    end = len(tail)
    for k, a in enumerate(areas):
        if a.after_slash or (k and (a.after_dash or is_area_start(a.text))):
            end = areas[k - 1].end if k else 0
            break
    m = _CONTAINER_COMMA.search(tail) or _VOLUME_AFTER.search(tail)
    if m and m.start() <= end:
        end = m.start()
    container, rest = tail[:end].strip(), tail[end:]
    bare = _BARE_ISSUE.match(rest)
    if bare:
        ref.issue = bare.group(1)  # 'Известия АН СССР. Сер. биол., 1. 1964.'
    town = _TOWN_AT_END.search(container)
    if town and not CONF.search(town.group(1)) and not JOURNAL_HINT.search(town.group(1)) and \
            is_sentence_end(container, town.start()):
        ref.place = town.group(1)  # 'V Міжнародна конференція. Краснодон. – 2012'
        container = container[:town.start()]
    if (cy := _CONTAINER_YEAR.search(container.rstrip(" .,"))) and not YEAR_RE.search(rest):
        ref.year, container = cy.group(1), container.rstrip(" .,")[:cy.start()]  # 'Вестник ... 2012. № 2'
    ref.container = clean_container(container)
    _gost_rest(rest, ref)
    if ref.volume is None and (bv := _BARE_VOLUME.search(rest)):
        ref.volume = bv.group(1)  # '– 2016. – 47, No. 6.': the volume printed without its 'Т.'


_JOURNAL_WITHOUT_SLASHES = re.compile(
    rf"№|\b[ТT]\.\s*\d|\bVol\.|\bvol\.|\b(?:[СC]|P|PP|pp)\.?\s*\d+\s*[-–—]|,\s*\d{{1,3}}\.\s+{YEAR}\b")
_TRAILING_ISSUE = re.compile(r"(.*?),\s*(\d{1,3})\.?\s*$")


def _gost_book(title_area: str, rest: str, ref: Reference) -> None:
    """No '//': a book, or 'Title. Journal, 3. 1922.' / 'Title. Quart. Appl. Math. 1944. Vol. 2.'."""
    title = title_area
    if not find_place_publisher(rest) and _JOURNAL_WITHOUT_SLASHES.search(title_area[-20:] + rest):
        cut = sentence_end(title)
        if 0 < cut < len(title.rstrip(" .")) - 1:
            container, title = title[cut:].strip(" ."), title[:cut]
            tm = _TRAILING_ISSUE.match(container)
            if tm:
                container, ref.issue = tm.group(1), tm.group(2)
            ref.container = clean_container(container)
    ref.title = clean_title(title)
    _gost_rest(rest, ref)


_PARENS = re.compile(r"\([^()]*\)")


def _gost_rest(rest: str, ref: Reference) -> None:
    """Publication, date and numbering areas after the title or the container."""
    areas = [a for a in split_areas(rest) if not a.after_slash]
    plain = [_PARENS.sub(" ", a.text).strip(" .–—-") for a in areas]
    for k, text in enumerate(plain):
        pp = find_place_publisher(text)
        if pp:
            ref.place = ref.place or pp.place
            ref.publisher, ref.year = pp.publisher, pp.year
            break
        if _place_or_publisher_year(text, ref):
            prev = plain[k - 1] if k else ""
            if ref.publisher and not ref.place and len(prev.split()) == 1 and looks_like_place(prev):
                ref.place = prev.strip(" .")  # 'Самара. СГПУ, 2008'
            break
    read_numbers(TOTAL_PAGES.sub(" ", " . ".join(a.text for a in areas)), ref)
    if ref.year is None:
        ref.year = first_year(" ".join(plain)) or first_year(rest)


_VOLUME_PREFIX = re.compile(r"^(?:[ТT]\.|Том|Vol\.)\s*\d+\s*:\s*")
_PLACE_YEAR = re.compile(rf"^[«\"]?\s*(.{{1,90}}?),\s*({YEAR})\b")
_NUMBERING = re.compile(r"\b(?:[ТT]|Vol|vol|No|С|C|P|pp|Сер|Вып|вып)\.|№|\d")
_QUOTED_PUB = re.compile(r"([^\"«»]+)[\"»]?")
_COMPANY_SUFFIX = re.compile(r"(?:Inc|Ltd|LLC|Co|GmbH)\.?")


def _place_or_publisher_year(text: str, ref: Reference) -> bool:
    """'СПб., 2012' (place), 'ACM, 2005' (publisher), 'Wiley, New York, 1987', '"O'Reilly Media, Inc.", 2005'."""
    text = _VOLUME_PREFIX.sub("", text.strip())  # 'Т. 1: Екатеринбург, 2011'
    m = _PLACE_YEAR.match(text)
    if not m:
        return False
    part = m.group(1).strip()
    if _NUMBERING.search(part) or _RESP_EDITOR.match(part):
        return False
    quoted = _QUOTED_PUB.fullmatch(part)
    if text[:1] in "«\"" and quoted:
        ref.publisher, ref.year = clean(quoted.group(1)), m.group(2)
        return True
    segs = [x.strip() for x in part.split(",") if x.strip()]
    if len(segs) == 2:
        if looks_like_place(segs[0]) and STATE_OR_COUNTRY.fullmatch(segs[1]):
            ref.place = ref.place or f"{segs[0]}, {segs[1]}"
        elif _COMPANY_SUFFIX.fullmatch(segs[1]):
            ref.publisher = f"{segs[0]}, {segs[1]}"
        else:
            ref.publisher, ref.place = unquote(segs[0]), ref.place or segs[1]
    elif len(segs) == 1:
        seg = unquote(segs[0]) or ""
        if looks_like_place(seg) and not looks_like_publisher(seg):
            ref.place = ref.place or seg
        elif len(seg.split()) <= 6:
            ref.publisher = seg
        else:
            return False
    else:
        return False
    ref.year = m.group(2)
    return True
