"""One bibliography entry (raw text) -> fields, for GOST (7.1-2003, 7.0.5-2008, 7.0.100-2018),
APA, Harvard, Vancouver, IEEE and ACL-style author-year entries.

Identifiers that look the same in every style (DOI, URL, access date) are taken out first;
then the entry's style family is recognised from its punctuation and it is read area by
area. What cannot be read stays None; an entry with neither a title nor authors is flagged
`parsed_ok = False` and keeps its raw text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from kb.refs import names as nm

FIELDS = ("authors", "title", "container", "year", "volume", "issue", "pages", "publisher", "place",
          "doi", "url", "accessed", "type")


@dataclass
class Reference:
    raw: str
    authors: list[str] = field(default_factory=list)
    title: str | None = None
    container: str | None = None
    year: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    place: str | None = None
    doi: str | None = None
    url: str | None = None
    accessed: str | None = None
    type: str | None = None
    style: str | None = None
    parsed_ok: bool = False

    def fields(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k in FIELDS}


# --- identifiers common to all styles --------------------------------------------------------

_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|\bdoi\s*:?\s*|\bDOI\s*:?\s*)?(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"\]]+(?:\s(?=[/#?])[^\s<>\"\]]+)*")
_ACCESS = re.compile(
    r"[(\[]?\s*(?:дата обращения|дата доступа|accessed|visited on|последний доступ|retrieved|дата звернення)"
    r"\s*:?\s*([0-9]{1,2}[./\-\s]+(?:[0-9]{1,2}|[A-Za-z]+)[./\-\s]+[0-9]{2,4}|[0-9]{1,2}\s+[A-Za-zА-Яа-я]+\s+[0-9]{4})"
    r"(?:\s*г\.)?\s*[)\]]?\.?", re.I)
_LABELS = re.compile(r"(?:[–—-]\s*)?(?:Режим доступа|URL|Available at|Available from|Retrieved from)\s*:?\s*$", re.I)
_PMID = re.compile(r"\s*\b(?:PMID|PMCID|ISBN|ISSN)\s*:?\s*[\dX\-]+\.?", re.I)
_GMD = re.compile(r"\s*\[(?:Текст|Text|Электронный ресурс|Electronic resource|Електронний ресурс)\]\s*", re.I)
_CONTENT_FORM = re.compile(r"\s*[–—-]?\s*Текст\s*:\s*(?:непосредственный|электронный)\s*", re.I)


def _take(pattern: re.Pattern, s: str, group: int = 1) -> tuple[str | None, str]:
    m = pattern.search(s)
    if not m:
        return None, s
    return m.group(group), s[:m.start()] + " " + s[m.end():]


def _clean_end(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip(" .,;:–—-/")
    return text or None


def common_identifiers(s: str) -> tuple[dict, str]:
    out: dict = {}
    accessed, s = _take(_ACCESS, s)
    if accessed:
        out["accessed"] = accessed.strip()
    doi, s = _take(_DOI, s)
    if doi:
        out["doi"] = doi.rstrip(".,;)]")
    m = _URL.search(s)
    if m:
        url = m.group(0).rstrip(".,;)]")
        out["url"] = url
        before = _LABELS.sub("", s[:m.start()].rstrip())
        s = before + " " + s[m.end():]
    s = _PMID.sub(" ", s)
    s = re.sub(r"\s*(?:[–—-]\s*)?(?:Режим доступа|URL)\s*:?\s*(?=$|[–—.])", " ", s, flags=re.I)
    s = re.sub(r"\s*[\[(]\s*[)\]]\s*", " ", s)
    return out, re.sub(r"\s+", " ", s).strip()


# --- shared field readers --------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\d/.–-])(1[6-9]\d\d|20\d\d)[a-z]?(?![\d–-]|\.\d)")
_VOLUME = re.compile(r"(?:\bТ\.|\bт\.|\bТом\b|\bVol\.?|\bvol\.?|\bV\.|\bВып\.(?=\s*\d+\s*,\s*№))\s*(\d+[A-Za-zА-Яа-я]?(?:\s*\(\d+\))?)")
_ISSUE = re.compile(r"(?:№|\bNo\.|\bno\.|\bNr\.|\bissue|\bIss\.|\bВып\.|\bвып\.|\bN)\s*(\d+(?:[-–/]\d+)?(?:\s*\(\d+\))?)")
_PAGES = re.compile(r"(?:\b[СCсSР]\.|\bP\.|\bp\.|\bpp\.|\bPp\.|\bс\.|\bстр\.)\s*(\d+\s*[-–—]\s*\d+|[A-Za-z]?\d+)(?!\s*[сc]\.)")
_PLACE_PUB = re.compile(
    rf"(?:^|[–—.]\s|\.\s*[–—]\s*)([{nm.UP}][\w.\-’']*(?:\s?(?:[{nm.UP}][\w.\-]*|на-Дону|am Main))*)"
    r"\s?:\s?([^:;]+?),\s*(1[6-9]\d\d|20\d\d)")
_TOTAL_PAGES = re.compile(r"\b\d+\s*(?:с|c|p|pp|стр|S)\.(?=\s|$|[;,)])")


def dash(text: str | None) -> str | None:
    return re.sub(r"\s*[-–—]\s*", "–", text) if text else text


def read_numbers(tail: str, ref: Reference) -> None:
    """Year, volume, issue and pages from the publication areas of an entry."""
    if ref.volume is None:
        m = _VOLUME.search(tail)
        if m:
            ref.volume = m.group(1).strip()
    if ref.issue is None:
        m = _ISSUE.search(tail)
        if m:
            ref.issue = dash(m.group(1).strip()).replace("–", "-") if "/" in m.group(1) else m.group(1).strip()
    if ref.pages is None:
        m = _PAGES.search(tail)
        if m:
            ref.pages = dash(m.group(1))
    if ref.year is None:
        m = _YEAR.search(tail)
        if m:
            ref.year = m.group(1)


# --- GOST --------------------------------------------------------------------------------------

_AREA = re.compile(r"\s*(?:\.\s*[–—-]\s+|\s[–—]\s|\.\s*[–—](?=\s*[\dА-ЯA-Z]))")
_RESP_EDITORS = re.compile(r"(?:под\s+(?:общ\.\s+)?ред\.|ed\.\s+by|eds?\.|пер\.|сост\.|Автор и сост\.|отв\.\s*ред\.)", re.I)
_FORM_WORDS = re.compile(
    r"\s*:\s*(?:учеб\.?(?:\s*-?\s*метод\.)?(?:\s*пособие)?|учебник|монография|сб\.\s*науч\.\s*тр\.|"
    r"материалы\s+(?:междунар\.\s+)?(?:науч\.\s*-?\s*практ\.\s+)?конф\.?|дис\.\s*.*|автореф\.\s*.*|"
    r"тез\.\s*докл\.|справочник|учеб\.\s*пособие для вузов)\s*\.?$", re.I)
_THESIS = re.compile(r"дис\.|диссертац|автореф|thesis|dissertation", re.I)
_CONF = re.compile(r"конф|conf\.|conference|proceedings|proc\.|symposium|workshop|симпозиум|форум|"
                   r"семинар|материалы|сборник|сб\.\s*(?:науч|ст|тр)|тез\.|міжнародн|науково", re.I)
_JOURNAL_HINT = re.compile(r"журнал|вестник|вісник|journal|review|изв\.|известия|letters|transactions|"
                           r"economics|экономика|bulletin|quarterly|доклады|management|research", re.I)


def _split_head(head: str) -> tuple[list[str], str, str | None]:
    """Heading authors, title (with GMD/form words removed) and the responsibility text."""
    authors, end = nm.read_authors(head, 0)
    if authors and end < len(head) and head[end:end + 1] not in " .,:;":
        authors, end = [], 0
    rest = head[end:].lstrip(" ,.")
    resp = None
    m = re.search(rf"\s/\s?|\s?/\s(?=[{nm.UP}\[])", rest)
    if m:
        rest, resp = rest[:m.start()], rest[m.end():]
    rest = _CONTENT_FORM.sub(" ", _GMD.sub(" ", rest))
    rest = _FORM_WORDS.sub("", rest.strip(" .;:"))
    return authors, rest.strip(" .;:"), resp


def _authors_from_resp(resp: str) -> list[str]:
    resp = _CONTENT_FORM.split(resp)[0]
    resp = re.split(r";|\s[–—]\s", resp)[0]
    if _RESP_EDITORS.match(resp.strip()):
        return []
    found, _ = nm.read_authors(resp.strip(), 0, styles=("is", "si"))
    return found


def parse_gost(s: str, ref: Reference) -> None:
    s = _CONTENT_FORM.sub(" – ", s)
    if "//" in s:
        head, _, tail = s.partition("//")
    else:
        parts = _AREA.split(s, maxsplit=1)
        head, tail = parts[0], (parts[1] if len(parts) > 1 else "")
        if not tail:
            m = re.search(rf"\.\s+(?=(?:[{nm.UP}][\w.]*\s?:\s?[^,]+,\s*\d{{4}})|\d{{4}}\.)", s)
            if m:
                head, tail = s[:m.start()], s[m.end():]
    authors, title, resp = _split_head(head.strip())
    ref.authors = authors
    if resp:
        from_resp = _authors_from_resp(resp)
        if not ref.authors:
            ref.authors = from_resp
    ref.title = _clean_end(title)
    tail = tail.strip()
    if "//" in s:
        container, rest = _gost_container(tail)
        ref.container = container
    else:
        rest = tail
    pm = _PLACE_PUB.search(rest)
    if pm:
        ref.place, ref.publisher = _clean_end(pm.group(1)), _clean_end(pm.group(2).strip("«»\" "))
        ref.year = pm.group(3)
    read_numbers(rest if "//" in s else _TOTAL_PAGES.sub(" ", rest), ref)
    if ref.year is None:
        read_numbers(head, Reference(raw=""))  # never take a year from a title


def _gost_container(tail: str) -> tuple[str | None, str]:
    """'Журнал «X». 2021. № 4. С. 45–52' -> ('X', '2021. № 4. С. 45–52')."""
    m = _AREA.search(tail)
    cut = m.start() if m else None
    year_m = re.search(r"[.,]\s*(?:(?:1[6-9]|20)\d\d\b|[ТT]\.\s*\d|№|Vol\.|[СC]\.\s*\d)", tail)
    if year_m and (cut is None or year_m.start() < cut):
        cut = year_m.start()
    container = tail[:cut] if cut is not None else tail
    rest = tail[cut:] if cut is not None else ""
    container = re.split(r"\s/\s", container)[0]
    container = re.sub(r"\s*:\s*(?:материалы|сб\.|сборник|тез\.|труды).*$", "", container, flags=re.I)
    container = re.sub(r"^(?:Журнал|Journal)\s+(?=«)", "", container.strip())
    container = container.strip().strip("«»\"")
    return _clean_end(container), rest


# --- author-date and numeric styles ----------------------------------------------------------

_APA_YEAR = re.compile(r"\s*\((\d{4})[a-z]?(?:,\s*[^)]*)?\)\.?\s+|\s*\((?:n\.d\.|б\.\s*г\.)\)\.?\s+")
_ACL_YEAR = re.compile(r"\.\s+(\d{4})[a-z]?\.\s+")


def _title_and_rest(text: str) -> tuple[str, str]:
    """'Title. Journal, 12(3), 4–5.' -> ('Title', 'Journal, 12(3), 4–5.'); quotes win when present."""
    q = re.match(r"\s*[“\"'‘«](.+?)[,.]?[”\"'’»][,.]?\s*(.*)$", text)
    if q:
        return q.group(1), q.group(2)
    m = re.search(r"(?<![A-ZА-Я])[.?!]\s+(?=\S)", text)
    if not m:
        return text, ""
    return text[:m.start() + (1 if text[m.start()] in "?!" else 0)], text[m.end():]


def _journal_numbers(rest: str, ref: Reference) -> str:
    """Journal, 39(1), 61–74 / Journal. 1998; 100: 77–83 / Journal 19(2): 263-311."""
    m = re.search(r"[,.;]?\s*(\d+)\s*(?:\(([\d\-–/ ]+)\))?\s*[:,;]\s*(?:pp?\.\s*)?([A-Za-z]?\d+(?:\s*[-–]\s*\d+)?)", rest)
    if m and not re.match(r"\s*(?:1[6-9]|20)\d\d\s*$", m.group(1)):
        ref.volume = ref.volume or m.group(1)
        if m.group(2):
            ref.issue = ref.issue or m.group(2).strip()
        ref.pages = ref.pages or dash(m.group(3))
        return rest[:m.start()]
    m = re.search(r"[,.]\s*(\d+)\s*\((\d+)\)", rest)
    if m:
        ref.volume, ref.issue = ref.volume or m.group(1), ref.issue or m.group(2)
        return rest[:m.start()]
    return rest


def _in_book(rest: str, ref: Reference) -> None:
    """'In A. Editor (Ed.), Book title (pp. 1–2). Publisher.' / 'In Proceedings of X: 1-10. City.'"""
    body = re.sub(r"^In:?\s+", "", rest.strip())
    body = re.sub(rf"^(?:{nm.INITIALS}\s?{nm.SURNAME}(?:,|\s&|\s+and)?\s*)+\((?:Eds?|eds?)\.?\),\s*", "", body)
    pm = re.search(r"\(pp?\.\s*([\d\-–]+)\)", body)
    if pm:
        ref.pages = ref.pages or dash(pm.group(1))
        body = body[:pm.start()] + body[pm.end():]
    cm = re.search(r":\s*(\d+\s*[-–]\s*\d+)", body)
    if cm:
        ref.pages = ref.pages or dash(cm.group(1))
        body = body[:cm.start()] + "." + body[cm.end():]
    container = re.split(r"\.\s|,\s(?:pp?\.|vol\.)", body, maxsplit=1)[0]
    ref.container = _clean_end(container)


def parse_apa(s: str, ref: Reference, m: re.Match) -> None:
    head = s[:m.start()]
    ref.authors = _authors_any(head)
    if not ref.authors and head.strip():
        ref.authors = [_clean_end(head)]
    ref.year = m.group(1)
    title, rest = _title_and_rest(s[m.end():])
    ref.title = _clean_end(re.sub(r"\s*\[[^\]]*\]\s*$", "", title.strip()))
    _after_title(rest, ref)


def parse_harvard(s: str, ref: Reference, m: re.Match) -> None:
    parse_apa(s, ref, m)


def _after_title(rest: str, ref: Reference) -> None:
    rest = rest.strip()
    if re.match(r"In[:\s]", rest):
        _in_book(rest, ref)
        return
    pm = re.search(rf"([{nm.UP}][\w.\- ]+?)\s?:\s?([^.:]+?)(?:,\s*\d{{4}})?\.?\s*$", rest)
    if pm and not re.search(r"\d+\s*\(\d+\)|\d+\s*[:;]\s*\d", rest):
        ref.place, ref.publisher = _clean_end(pm.group(1)), _clean_end(pm.group(2))
        return
    container_part = _journal_numbers(rest, ref)
    container = _clean_end(re.split(r"\.\s", container_part)[0]) if container_part else None
    if container and ref.volume is None and re.search(r"(?i)press|publisher|verlag|springer|wiley|elsevier|"
                                                      r"routledge|издательство|наука", container):
        ref.publisher = container
        return
    ref.container = container


def _authors_any(head: str) -> list[str]:
    head = head.strip().rstrip(",")
    for styles in (("si",), ("is",), ("v",), ("full",)):
        found, end = nm.read_authors(head, 0, styles=styles)
        if found and len(head[end:].strip(" .,;&")) == 0:
            return found
    if re.fullmatch(rf"{nm.SURNAME},\s+[{nm.UP}][{nm.LO}]+(?:\s+[{nm.UP}]\.)?", head):
        surname, given = head.split(",", 1)
        return [nm.normal(surname, nm._given_to_initials(given.strip()))]
    return []


def parse_ieee(s: str, ref: Reference) -> None:
    q = re.search(r"[“\"]", s)
    ref.authors = _authors_any(s[:q.start()].rstrip(" ,"))
    title, rest = _title_and_rest(s[q.start():])
    ref.title = _clean_end(title)
    rest = rest.strip(" ,")
    if re.match(r"in\s", rest, re.I):
        body = re.sub(r"^in\s+", "", rest, flags=re.I)
        container = re.split(r",\s(?=(?:[A-Z][a-z]+\.?\s)?\d{4}|vol\.|pp\.|[A-Z][a-z]+, [A-Z]{2}\b)", body)[0]
        ref.container = _clean_end(container)
    else:
        ref.container = _clean_end(re.split(r",\s(?:vol\.|no\.|pp\.|\d)", rest)[0])
    read_numbers(rest, ref)
    if ref.pages is None:
        pm = re.search(r"pp\.\s*(\d+\s*[-–]\s*\d+)", rest)
        if pm:
            ref.pages = dash(pm.group(1))


def parse_acl(s: str, ref: Reference, m: re.Match) -> None:
    head = s[:m.start()]
    ref.authors = [a for a in _authors_any(head)] or [n for n in (_clean_end(head),) if n and "ed." not in head]
    if re.search(r",\s*eds?\.?$", head.strip()):
        ref.authors = []
    ref.year = m.group(1)
    title, rest = _title_and_rest(s[m.end():])
    ref.title = _clean_end(title)
    _after_title(rest, ref)


def parse_vancouver(s: str, ref: Reference) -> None:
    authors, end = nm.read_authors(s, 0, styles=("v",))
    if not authors:
        org = re.match(r"([A-Z]{2,}[\w ]*)\.\s", s)
        if org:
            authors, end = [org.group(1)], org.end()
    ref.authors = authors
    rest = s[end:].lstrip(" .,")
    ym = re.match(r"\((\d{4})\)\s*", rest)
    if ym:
        ref.year, rest = ym.group(1), rest[ym.end():]
    title, rest = _title_and_rest(rest)
    ref.title = _clean_end(title)
    if re.match(r"In[:\s]", rest):
        _in_book(rest, ref)
    else:
        jm = re.match(r"(.*?)[.]?\s*((?:1[6-9]|20)\d\d)\s*[;:]", rest)
        if jm:
            ref.container, ref.year = _clean_end(jm.group(1)), ref.year or jm.group(2)
            _journal_numbers(rest[jm.end() - 1:], ref)
        else:
            ref.container = _clean_end(re.split(r"\.\s", rest)[0])
    read_numbers(rest, ref)


# --- style recognition and types -----------------------------------------------------------------

_GOST_MARKERS = re.compile(r"//|\s[–—]\s|\b[СC]\.\s*\d|№\s*\d|\bТ\.\s*\d|\[Текст\]|\[Электронный|"
                           r"\bМ\.\s?:|\bСПб\.\s?:|Режим доступа|дата обращения|Дата доступа")


def recognise(s: str) -> tuple[str, re.Match | None]:
    m = _APA_YEAR.search(s)
    if m and m.start() < 200 and not s[:m.start()].count("//"):
        follow = s[m.end():m.end() + 1]
        return ("harvard" if not s[m.start():m.end()].rstrip().endswith(".") else "apa"), m if follow else None
    hm = re.search(r"\s\((\d{4})[a-z]?\)\s+(?=['‘A-ZА-Я])", s)
    if hm and hm.start() < 150 and "//" not in s:
        return "harvard", hm
    if re.search(r",?\s*[“\"][^”\"]{8,}[,.]?[”\"]", s) and not _GOST_MARKERS.search(s.split("“")[0]):
        return "ieee", None
    am = _ACL_YEAR.search(s)
    if am and am.start() < 250 and "//" not in s and not re.search(r"[СC]\.\s*\d|№", s):
        return "acl", am
    if re.match(rf"(?:{nm.SURNAME}\s[A-Z]{{1,3}}(?:,\s|\.\s))", s) and re.search(r"\b(?:1[6-9]|20)\d\d\s*;", s):
        return "vancouver", None
    if re.match(rf"(?:{nm.SURNAME}\s[A-Z]{{1,3}},\s)+{nm.SURNAME}\s[A-Z]{{1,3}}\.", s):
        return "vancouver", None
    return "gost", None


def infer_type(ref: Reference, s: str) -> str:
    text = s.lower()
    if _THESIS.search(s):
        return "thesis"
    if re.search(r"report|отчет|отчёт|working paper|white paper|доклад о|annual|action plan|брошюр", text) \
            and not ref.container:
        return "report"
    if ref.url and not ref.container and not ref.publisher and not (ref.volume or ref.issue) \
            and not re.search(r"[СC]\.\s*\d|\bpp?\.\s*\d", s):
        return "web"
    if ref.container:
        if _CONF.search(ref.container) or re.search(r"\bIn\s+Proc|\bin\s+Proc|\bIn\s+[A-Z]{3,}", s):
            return "conference"
        if re.search(r"\b(?:Eds?|eds?)\.|\(ред\.\)|под ред\.|ed\. by", s) and not ref.issue:
            return "chapter"
        if ref.publisher and not ref.issue and not _JOURNAL_HINT.search(ref.container):
            return "chapter"
        return "article"
    if ref.url and not ref.publisher:
        return "web"
    return "book"


def parse_reference(raw: str, previous: Reference | None = None) -> Reference:
    ref = Reference(raw=raw)
    s = re.sub(r"\s+", " ", raw.replace("\u00a0", " ")).strip()
    s = re.sub(r"^(?:\[\d{1,3}\]|\d{1,3}[.)])\s*", "", s)
    ids, s = common_identifiers(s)
    for k, v in ids.items():
        setattr(ref, k, v)
    style, m = recognise(s)
    ref.style = style
    try:
        if style in ("apa", "harvard") and m is not None:
            parse_apa(s, ref, m)
        elif style == "ieee":
            parse_ieee(s, ref)
        elif style == "acl" and m is not None:
            parse_acl(s, ref, m)
        elif style == "vancouver":
            parse_vancouver(s, ref)
        else:
            parse_gost(s, ref)
    except (AttributeError, IndexError, ValueError):
        pass
    if ref.year is None:
        for y in _YEAR.finditer(s):
            if not (ref.accessed and y.group(1) in ref.accessed) and not (ref.title and y.group(1) in ref.title):
                ref.year = y.group(1)
                break
    ref.type = infer_type(ref, s)
    ref.parsed_ok = bool(ref.title or ref.authors)
    return ref
