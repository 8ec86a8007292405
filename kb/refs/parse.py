"""One bibliography entry (raw text) -> fields, for GOST (7.1-2003, 7.0.5-2008, R 7.0.100-2018),
APA, Harvard, Vancouver, IEEE and ACL/Chicago/MLA-style author-year entries.

Identifiers that look the same in every style (access date, DOI, URL) are taken out first; then
the entry's style family is recognised from its punctuation and it is read area by area. What
cannot be read stays None. An entry with neither a title nor authors, or text that reads as no
reference at all, is flagged `parsed_ok = False` and keeps only its raw text (and a URL or DOI
when it has one). Nothing here raises on odd input, and every pattern is bounded so that long
garbage stays fast.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from kb.refs import names as nm

FIELDS = ("authors", "title", "container", "year", "volume", "issue", "pages", "publisher", "place",
          "doi", "url", "accessed", "type")
MAX_LEN = 3000  # a longer "entry" is a splitting accident, not one reference


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


UP, LO = nm.UP, nm.LO
YEAR = r"(?:1[5-9]\d\d|20\d\d)"

# --- text helpers --------------------------------------------------------------------------------

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.])(?=\s|$)")
_DASHES = re.compile(r"\s*[-–—]\s*")
_EDGE = " .,;:–—-/"
_NAME_EDGE = " ,;:–—-/"  # places and publishers keep their final period: 'М.', 'Ltd.'


def clean(text: str | None, strip: str = _EDGE) -> str | None:
    """Collapse spaces and trim separators; '' -> None."""
    if text is None:
        return None
    if "  " in text or "\n" in text or "\t" in text:
        text = " ".join(text.split())
    text = text.strip(strip)
    if " ," in text or " ." in text:
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return text.strip(strip) or None


_QUOTE_PAIRS = {"«": "»", "\"": "\"", "“": "”", "„": "“", "'": "'", "‘": "’"}


def unquote(text: str | None) -> str | None:
    """Drop quote marks around a whole name: «Энергия» -> Энергия; inner quotes stay."""
    if not text:
        return text
    t = text.strip()
    while len(t) > 1 and t[0] in _QUOTE_PAIRS and t.endswith(_QUOTE_PAIRS[t[0]]) and \
            t.count(t[0]) == 1 + (_QUOTE_PAIRS[t[0]] == t[0]):
        t = t[1:-1].strip()
    if t[:1] in "«\"“" and t.count(t[0]) == 1 and not any(c in t for c in "»”"):
        t = t[1:].strip()  # '" O'Reilly Media, Inc.' whose closing quote went with the year
    return t or None


def dash(text: str | None) -> str | None:
    """Page ranges get an en dash: '45-52' -> '45–52'."""
    return _DASHES.sub("–", text) if text else text


# Words after which a period is no sentence end.
_ABBREV = {"vol", "no", "pp", "ed", "eds", "al", "etc", "proc", "int", "conf", "j", "trans", "dept", "univ", "st",
           "inc", "ltd", "co", "jr", "sr", "vs", "e.g", "i.e", "nat", "natl", "res", "rev", "sci", "soc", "assoc",
           "acad", "am", "symp", "comput", "appl", "math", "phys", "chem", "biol", "econ", "manag", "eng",
           "т", "вып", "сер", "изд", "ред", "им", "ун-та", "гос", "науч", "техн", "тр", "ин-та", "инст", "сб"}
_SENT = re.compile(r"(?:\s?\.|[?!])(\s*[»”\"'’)]\s*)?\s+(?=\S)")
_WORD_CHARS = "’'-_"


def word_before(text: str, i: int) -> str:
    """The word that ends at text[i] (a space before i is skipped): 'Math. 1944' at '.' -> 'Math'."""
    j = i - 1 if i > 0 and text[i - 1] == " " else i
    k = j
    while k > 0 and j - k < 30 and (text[k - 1].isalnum() or text[k - 1] in _WORD_CHARS):
        k -= 1
    return text[k:j]


def _is_initial(word: str) -> bool:
    """'A', 'Дж', 'Th': an initial, not a word (a period after it ends no sentence)."""
    return word[:1].isupper() and len(word) <= 2 and (len(word) == 1 or word[1:].islower())


def _ends_sentence(text: str, m: re.Match) -> bool:
    """Whether one '. ' match ends a sentence: not after an initial or an abbreviation, not before
    a lower-case word."""
    if text[m.end():m.end() + 1].islower() and not m.group(1):
        return False
    if m.group(0)[0] in "?!":
        return True
    w = word_before(text, m.start())
    if _is_initial(w):
        return False
    return not (w.casefold() in _ABBREV and not m.group(1))


def sentence_end(text: str, start: int = 0) -> int:
    """Index of the first real sentence end ('. ', '? ', '! ') at or after start, or -1."""
    for m in _SENT.finditer(text, start):
        if _ends_sentence(text, m):
            return m.start() + (1 if m.group(0)[0] in "?!" else 0)
    return -1


def is_sentence_end(text: str, i: int) -> bool:
    """Whether the period at text[i] (or the space before it) ends a sentence."""
    for j in (i, i - 1):
        m = _SENT.match(text, j) if j >= 0 else None
        if m:
            return _ends_sentence(text, m)
    return False


# --- identifiers common to all styles --------------------------------------------------------

_MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?|"
          r"(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*")
_DATE = (rf"\d{{1,2}}\s*[./]\s*\d{{1,2}}\s*[./]\s*\d{{2,4}}|\d{{1,2}}\s*-?\s*(?:{_MONTH})\s*-?\s*,?\s*{YEAR}|"
         rf"(?:{_MONTH})\s+\d{{1,2}},?\s+{YEAR}|{YEAR}\s+(?:{_MONTH})\s+\d{{1,2}}|{YEAR}-\d\d-\d\d")
_ACCESS = re.compile(
    r"[(\[]?\s*(?:дата\s+обращения|дата\s+доступа|дата\s+звернення|последнее\s+обращение|"
    r"accessed(?:\s+on)?|visited\s+on|retrieved(?:\s+on)?|cited|viewed|last\s+accessed)"
    rf"\s*:?\s*({_DATE})(?:\s*г\.?)?\s*(?:[)\]]|,\s*from\b)?\.?", re.I)
_DOI = re.compile(r"(?:\bdoi\s*:?\s*)?(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)", re.I)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+")
_URL_GLUE = re.compile(r"\s([a-z][\w\-.~%]*(?:/[^\s<>\"]*)+)")  # 'http://tldp. org/LDP/...' printed so
_URL_LABEL = re.compile(
    r"(?:[–—-]\s*)?(?:\[Online\]\.?\s*)?(?:Режим\s+доступа|URL|Available(?:\s+(?:at|from|online))?|"
    r"Retrieved\s+from|Software\s+available\s+at|from|Доступно|Access\s+mode)\s*:?\s*$", re.I)
_LEFT_LABEL = re.compile(r"(?:[–—-]\s*)?\b(?:Режим\s+доступа|URL|Available\s+(?:at|from))\s*:?\s*(?=$|[–—.(])", re.I)
_JUNK_IDS = re.compile(r"\s*\b(?:PMID|PMCID|ISBN|ISSN|EDN|eISSN)\s*:?\s*[\dX\-–]+\.?|\s*\[Online\]\.?", re.I)
_EMPTY_BRACKETS = re.compile(r"\s*[\[(]\s*[)\]]")
_GMD = re.compile(r"\s*\[(?:Текст|Text|Электронный\s+ресурс|Electronic\s+resource|Електронний\s+ресурс|"
                  r"Internet|Рукопись|Мультимедиа)\]\s*", re.I)
_CONTENT_FORM = re.compile(r"(?:\s?[.–—-]){0,3}\s?Текст\s?:\s?(?:непосредственный|электронный)\s*", re.I)


def _strip_unbalanced(text: str, punct: str = ".,;:") -> str:
    text = text.rstrip(punct)
    for close, open_ in ((")", "("), ("]", "[")):
        while text.endswith(close) and text.count(close) > text.count(open_):
            text = text[:-1].rstrip(punct)
    return text


_ACCESS_WORDS = ("обращ", "доступ", "зверн", "access", "visited", "retriev", "cited", "viewed")
_ID_WORDS = ("pmid", "pmcid", "isbn", "issn", "edn", "[online]")
_LABEL_WORDS = ("url", "режим", "available")


def take_identifiers(s: str, ref: Reference) -> str:
    """Access date, DOI, URL and catalogue numbers: into ref, out of the text."""
    low = s.lower()
    m = _ACCESS.search(s) if any(w in low for w in _ACCESS_WORDS) else None
    if m:
        ref.accessed = clean(m.group(1))
        s = s[:m.start()] + " " + s[m.end():]
    m = _DOI.search(s) if "10." in s else None
    if m:
        doi = _strip_unbalanced(m.group(1), ".,;")
        ref.doi = doi
        s = s[:m.start()] + " " + s[m.start(1) + len(doi):]
    m = _URL.search(s) if "http" in low or "www." in low else None
    if m:
        url = m.group(0)
        glue = _URL_GLUE.match(s, m.end()) if url.endswith((".", "/")) else None
        if glue and not (glue.group(1)[:1].isupper() or "а" <= glue.group(1)[:1] <= "я"):
            url = url + " " + glue.group(1)
        url = _strip_unbalanced(url)
        ref.url = url
        before = _URL_LABEL.sub("", s[:m.start()].rstrip())
        s = before + " " + s[m.start() + len(url):]
    if any(w in low for w in _ID_WORDS):
        s = _JUNK_IDS.sub(" ", s)
    if any(w in low for w in _LABEL_WORDS):
        s = _LEFT_LABEL.sub(" ", s)
    if "(" in s or "[" in s:
        s = _EMPTY_BRACKETS.sub(" ", s)
    return " ".join(s.split())


# --- numbers, years --------------------------------------------------------------------------

_YEAR = re.compile(rf"(?<![\d/.–\-])({YEAR})[a-zа-я]?(?![\d–\-]|\.\d|\s*(?:с|c|p|pp|стр)\.)")
_VOLUME = re.compile(r"(?:\b[ТT]\.|(?<![А-Яа-я])т\.|\bТом|\bVol\.?|\bvol\.|\bVolume|\bv\.|\bВып\.(?=\s*\d+\s*,\s*№))"
                     r"\s*(\d+[A-Za-zА-Яа-я]?(?:\s*\(\d+\))?|[A-Z]+-\d+)(?!\d|\.\d)")
_ISSUE = re.compile(r"(?:№\s*\.?|\bNo\.|(?<!Art\.\s)\bno\.|\bNr\.|\b[Ii]ssue|\bIss\.|\b[Вв]ып\.|\bN\s?(?=\d))"
                    r"\s*(\d+(?:\s*[-–/]\s*\d+)?(?:\s*\(\d+\))?)")
_PAGES = re.compile(r"(?:\b[СCс]\.|\bP\s?\.|\bp\.|\bpp\.|\bPp\.|\bPP\.|\bS\.|\bстр\.|\bArt\.\s*no\.|\bArticle)\s*"
                    r"(\d+\s*[-–—]\s*\d+|[A-Za-z]?\d+)(?![\d.]*\s*(?:с|c|p|pp|стр|S)\.(?:\s|$))")
_TOTAL_PAGES = re.compile(r"\b\d+\s*(?:с|c|p|pp|стр|S|л)\.(?=\s|$|[;,)–—-])")
_DAY_MONTH = re.compile(rf"(?:\d{{1,2}}\s+(?:{_MONTH})|\d{{1,2}}\.\d{{1,2}}\.)\s*$", re.I)


def read_numbers(text: str, ref: Reference) -> None:
    """Volume, issue and pages from the publication areas of an entry (what is not set yet)."""
    if ref.volume is None and (m := _VOLUME.search(text)):
        ref.volume = m.group(1).strip()
    if ref.issue is None and (m := _ISSUE.search(text)):
        ref.issue = m.group(1).strip()
    if ref.pages is None and (m := _PAGES.search(text)):
        ref.pages = dash(m.group(1))


def first_year(text: str) -> str | None:
    m = _YEAR.search(text)
    return m.group(1) if m else None


def fallback_year(s: str, ref: Reference) -> str | None:
    """A year anywhere outside the title and the access date; not a dated act ('от 2 июня 2016 г.')."""
    text = s.replace(ref.title, " ") if ref.title else s
    for y in _YEAR.finditer(text):
        if not (ref.accessed and y.group(1) in ref.accessed) and \
                not _DAY_MONTH.search(text, max(0, y.start() - 20), y.start()):
            return y.group(1)
    return None


# --- places and publishers ---------------------------------------------------------------------

_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
           "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC DF ON BC QC").split()
_COUNTRIES = ("USA|UK|U\\.S\\.A\\.|England|Germany|France|Italy|Spain|Japan|China|Canada|Russia|Brazil|Mexico|"
              "Netherlands|Switzerland|Austria|Sweden|Norway|Denmark|Finland|Poland|Ukraine|Belarus|India|"
              "Australia|Korea|Singapore|Israel|Belgium|Portugal|Greece|Turkey|Czech Republic|Hungary|Ireland|"
              "Scotland|Россия|Украина|Беларусь|Казахстан")
_STATE_RE = re.compile("|".join(_STATES))
_COUNTRY_RE = re.compile(_COUNTRIES)
_STATE_OR_COUNTRY = re.compile(f"{'|'.join(_STATES)}|{_COUNTRIES}")
_PW_FULL = rf"[{UP}][{LO}’']+(?:-[{UP}]?[{LO}’']+)*(?:/[{UP}][{LO}]+)?"  # Москва, Kamyanets-Podilsky, Frankfurt/Main
_PW_ABBR = rf"[{UP}][{UP}{LO}]{{0,4}}\."  # М., СПб., Л.
# 'М.', 'СПб.', 'New York, NY, USA', 'Thousand Oaks (CA)', 'М.-Воронеж', 'Ростов н/Д', 'St. Louis'
PLACE = (rf"(?:St\.\s|Ст\.\s)?(?:{_PW_FULL}\s){{0,2}}(?:{_PW_FULL}|{_PW_ABBR})(?:-(?:{_PW_FULL}|{_PW_ABBR}))?"
         rf"(?:\sн/Д|\sна-Дону|\sam\sMain|\s\([A-Z]{{2}}\))?"
         rf"(?:,?\s(?:{'|'.join(_STATES)}|{_COUNTRIES})\b\.?){{0,2}}")
_PLACE_RE = re.compile(PLACE)
_PUBLISHER_WORDS = re.compile(
    r"\b(?:press|publish\w*|verlag|books?|inc\.?|ltd\.?|llc|gmbh|co\.|springer|wiley|elsevier|routledge|pearson|"
    r"sage|macmillan|palgrave|mcgraw|addison|prentice|o’reilly|o'reilly|acm|ieee|spie|mit|университет\w*|"
    r"изд\w*|издательство|наука|мир|питер|academic|university|editions?|media)\b|[«»\"]|\w & [A-Z]", re.I)
_ACRONYM = re.compile(rf"[{UP}]{{2,}}(?:[\s\-][{UP}]{{2,}})*")
_PLACE_PUB = re.compile(
    rf"(?:^|(?<=[.–—:;,])\s*|(?<=\s))(?P<place>{PLACE})\s?:\s?(?P<pub>(?!\s*//)[^:;]{{1,120}}?)"
    rf"(?:,\s*(?P<year>{YEAR})\b|\s*;\s*(?P<year2>{YEAR})\b|"
    rf"(?=\.\s*[–—]|\.?\s*$|\s[–—]\s|\.\s+{YEAR}\b|,\s*pp?\.|,\s*\d))")
_NOT_PLACE = re.compile(r"(?:URL|DOI|Текст|In|Eds?|Retrieved|Available|Vol|Т|С|P|Режим|Серия|Сер|Series|Вып|Part|"
                        r"Ч|Note|Аннотация|Abstract|Keywords)\b")
_BAD_PUB_START = re.compile(r"\s*(?:\d|//|http)")


@dataclass
class PlacePub:
    place: str | None
    publisher: str | None
    year: str | None
    start: int
    end: int


def find_place_publisher(text: str) -> PlacePub | None:
    """'М.: Наука, 1986' / 'Cham : Springer, 2023' / 'Paris: OECD Publishing; 2019' / 'Boston: X Press.'"""
    if ":" not in text:
        return None
    for m in _PLACE_PUB.finditer(text):
        place, pub = m.group("place"), m.group("pub")
        if _NOT_PLACE.match(place) or _CONF.search(place) or _BAD_PUB_START.match(pub) or len(pub) > 90 or \
                sentence_end(pub + " x") not in (-1, len(pub)):
            continue
        return PlacePub(clean(place, _NAME_EDGE), clean(unquote(clean(pub))), m.group("year") or m.group("year2"),
                        m.start("place"), m.end())
    return None


def looks_like_place(text: str) -> bool:
    t = text.strip(" .,")
    return bool(t) and bool(_PLACE_RE.fullmatch(text.strip(" ,"))) and not _PUBLISHER_WORDS.search(t) and \
        len(t.split()) <= 4 and not nm.ORG_WORDS.search(t)


def looks_like_publisher(text: str) -> bool:
    return bool(_PUBLISHER_WORDS.search(text)) or bool(_ACRONYM.fullmatch(text.strip()))


def trailing_place(text: str) -> tuple[str, str] | None:
    """'..., New Orleans, Louisiana, USA' -> ('New Orleans, Louisiana, USA', '...')."""
    segs = text.split(", ")
    if len(segs) < 2:
        return None
    last = segs[-1].strip(" .")
    if _STATE_RE.fullmatch(last):
        take = 2
    elif _COUNTRY_RE.fullmatch(last):
        take = 1
        while take < 3 and len(segs) - take > 1:
            prev = segs[-1 - take].strip()
            if not (_STATE_RE.fullmatch(prev) or looks_like_place(prev)) or len(prev.split()) > 3:
                break
            take += 1
    elif len(segs) >= 3 and all(looks_like_place(x) and len(x.split()) <= 2 for x in segs[-2:]):
        take = 2  # 'Proceedings of EMNLP, Doha, Qatar': a town and a country
    else:
        return None
    if len(segs) - take < 1:
        return None
    return ", ".join(x.strip(" .") for x in segs[-take:]), ", ".join(segs[:-take])


# --- kinds of publication --------------------------------------------------------------------------

_JOURNAL_HINT = re.compile(r"журнал|вестник|вісник|journal|review|изв\.|известия|letters|transactions|"
                           r"bulletin|quarterly|доклады|записки|труды|annals|magazine|vestnik|visnyk|"
                           r"\bj\.|\btrans\.|proc\.\s+ieee|science|nature|физика|математика|экономика", re.I)
_CONF = re.compile(r"конф|conf\.|conference|proceedings|\bproc\.|symposium|symp\.|workshop|симпозиум|congress|"
                   r"конгресс|colloquium|коллоквиум", re.I)
_CONF_WEAK = re.compile(r"форум|forum|summit|meeting", re.I)
_THESIS = re.compile(r"\bдис\.|диссертац|автореф|\bthesis\b|\bdissertation\b", re.I)
_REPORT = re.compile(r"\b(?:tech\.|final|technical|annual)\s*rep|стат\.\s*сб|white paper|working paper", re.I)
_REPORT_TITLE = re.compile(r"\breport\b|отч[её]т", re.I)
_EDITORS = re.compile(r"\b(?:eds?\.|editors?)(?!\w)|\(eds?\)|\(ред\.\)|под ред\.|ed\. by", re.I)
_EDS_PAREN = re.compile(r"\((?:eds?|editors?)\.?\)", re.I)
_IN_PART = re.compile(r"(?:^|[.,”]\s*)In:?\s(.*)")
_IN_LOWER = re.compile(r"(?:^|[.,”]\s*)in\s", re.I)
_IEEE_IN = re.compile(r"[,”]\s*in\s")
_BOOK_IN = re.compile(r"(?:^|\.\s)In:?\s")


_THESIS_HINTS = ("дис", "автореф", "thesis", "dissertation")
_REPORT_HINTS = ("rep", "стат", "paper")


def infer_type(ref: Reference, s: str, style: str) -> str:
    """article / book / chapter / conference / report / thesis / web, from what was read."""
    low = s.lower()
    if any(h in low for h in _THESIS_HINTS) and _THESIS.search(s):
        return "thesis"
    if any(h in low for h in _REPORT_HINTS) and _REPORT.search(s) and not ref.volume:
        return "report"
    org = bool(ref.authors) and not all(nm.is_person(a) for a in ref.authors)
    if "//" in s and not ref.container and not ref.url:
        return "chapter"  # '// / ed. by ...': a part of something, even when its name is missing
    if ref.container:
        return _component_type(ref, s, style)
    if org:
        if ref.url and (not ref.url.lower().endswith(".pdf")) and not (ref.publisher or ref.place):
            return "web"
        return "report"
    if _REPORT_TITLE.search(ref.title or ""):
        return "report"
    return "web" if ref.url else "book"


def _component_type(ref: Reference, s: str, style: str) -> str:
    """The type of an entry that names a container (journal, book, proceedings, site)."""
    numbered = bool(ref.volume or ref.issue)
    if style == "ieee" and not _IEEE_IN.search(s):
        return "web" if ref.url and not (numbered or ref.pages) else "article"
    in_part = _IN_PART.search(s) if "In" in s else None
    if in_part and style in ("apa", "harvard", "vancouver") and _CONF.search(in_part.group(1)):
        return "conference"
    if ref.url and not numbered and not _CONF.search(ref.container):
        return "web"
    if _CONF.search(ref.container) or _CONF.search(_container_area(s)) or \
            (_CONF_WEAK.search(ref.container) and not numbered) or \
            (style in ("other", "ieee") and _IN_LOWER.search(s) and not _EDS_PAREN.search(s)):
        return "conference"
    if _EDITORS.search(s) and not numbered:
        return "chapter"
    if numbered:
        return "article"
    if _BOOK_IN.search(s) and style in ("apa", "harvard", "vancouver"):
        return "chapter"
    if ref.publisher or ref.place:
        return "chapter"
    if "//" in s and not _JOURNAL_HINT.search(ref.container):
        return "chapter"
    return "article"


_AREA_DASH = re.compile(r"\.\s*[–—]\s")


def _container_area(s: str) -> str:
    """The raw text after '//' up to the next area (its form words tell a conference)."""
    if "//" not in s:
        return ""
    return _AREA_DASH.split(s.split("//", 1)[1])[0]


# --- GOST: areas -------------------------------------------------------------------------------

_EDITION = (r"\d+\s*-?\s*(?:е|й|th|nd|rd|st)?\.?\s*(?:изд|ed|edn)\b\.?|Изд\.\s*\d|[\w\-]+\s+издание\b|"
            r"(?:изд|ed)\.\s*\d|Reprint|Перепеч\.|Repr\.")
_NUMBER_START = (r"[ТT]\.\s*\d|Том\s+\d|т\.\s*\d|Vol\.|vol\.|Volume\s+\d|№|No\.\s*\d|[Вв]ып\.|Сер\.\s*\d|"
                 r"Iss(?:ue|\.)\s*\d|[СCс]\.\s*\d|P\s?\.\s*\d|PP\.\s*\d|pp?\.\s*\d|S\.\s*\d|\d+\s*(?:с|c|p|pp|стр|S)\.")
_PUB_YEAR = rf"[^.,:;–—/]{{2,60}}(?:\.?,\s*[^.,:;–—/\d]{{2,40}}){{0,2}}\.?\"?,\s*{YEAR}\b"
# What may begin an area after the title: a year, numbering, an edition, 'Place : Publisher', 'Publisher, 2005'.
_AREA_START = re.compile(
    rf"(?:{YEAR}\b(?!\s*:)|{_NUMBER_START}|URL|Режим|DOI|Текст\s*:|ISBN|В\s+\d+\s+(?:т|ч)\.|Ч\.\s*\d|"
    rf"{_EDITION}|(?!Сер|Серия|Series)(?:{PLACE})\s?:\s?[^\s\d/]|[«\"]?{_PUB_YEAR})")
_STRONG_START = re.compile(rf"{YEAR}\b(?!\s*:)|{_NUMBER_START}")
_BOUNDARY = re.compile(r"\.?\s+/\s*|(?<=\S)/\s|\s*\.\s*[–—]\s*|\s+[–—]\s*|[–—]\s+|\.\s*-\s+|\s+-\s+|"
                       r"\.-(?=\s|[А-ЯA-Z]\.)|\s?\.\s+(?=\S)")
_HAS_DASH = re.compile("[–—-]")
_LEAD_SLASH = re.compile(r"\s*/\s*")
_PUBLISHER_PREFIX = ("изд", "изд-во", "издат", "publ", "им")


@dataclass
class Area:
    start: int
    end: int
    text: str
    after_dash: bool  # follows '. – ' (a new area for sure), not just a sentence end
    after_slash: bool = False  # follows ' / ': a statement of responsibility


def split_areas(s: str) -> list[Area]:
    """Cut s at area separators: '. – ', ' – ' before an area, '. ' at a sentence end, ' / '."""
    cuts: list[tuple[int, int, str]] = []
    for m in _BOUNDARY.finditer(s):
        sep = m.group(0)
        after = s[m.end():m.end() + 1]
        if not after:
            continue
        if "/" in sep:
            cuts.append((m.start(), m.end(), "/"))
        elif _HAS_DASH.search(sep):
            if "." in sep or _AREA_START.match(s, m.end()):  # not 'From Capex to Opex – new models'
                cuts.append((m.start(), m.end(), "–"))
        elif not (after.islower() or after in ",;:)") and _period_cut(s, m, sep):
            cuts.append((m.start(), m.end(), "."))
    areas, pos, kind = [], 0, ""
    for a, b, k in cuts:
        if a >= pos:
            areas.append(Area(pos, a, s[pos:a], kind == "–", kind == "/"))
            pos, kind = b, k
    areas.append(Area(pos, len(s), s[pos:], kind == "–", kind == "/"))
    for x in areas:
        lead = _LEAD_SLASH.match(x.text) if x.text.lstrip().startswith("/") else None
        if lead:  # '. / А. Иванов': a sentence end right before the '/'
            x.start, x.text, x.after_slash = x.start + lead.end(), x.text[lead.end():], True
    return [x for x in areas if x.text.strip(" .")]


def _period_cut(s: str, m: re.Match, sep: str) -> bool:
    """A '. ' ends an area at a sentence end, or before a year/numbers/publisher (not after an initial)."""
    if is_sentence_end(s, m.start() + sep.index(".")):
        return True
    word = word_before(s, m.start())
    if _is_initial(word):
        return False
    if _STRONG_START.match(s, m.end()):
        return True
    return bool(_AREA_START.match(s, m.end())) and word.casefold() not in _PUBLISHER_PREFIX


def is_area_start(text: str) -> bool:
    return bool(_AREA_START.match(text.lstrip(" «\"")))


_LABELLED_AREA = re.compile(rf"{_EDITION}|URL\b|Режим\b|DOI\b|ISBN\b|В\s+\d+\s+(?:т|ч)\.")
_SHORT_PUB_YEAR = re.compile(rf"[«\"]?[^.,:;–—/]{{2,40}}\.?[»\"]?,\s*{YEAR}\b")


def starts_publication_area(text: str) -> bool:
    """Whether text opens with a date, numbering, an edition or an imprint ('М.: Наука, 1986',
    'Санкт-Петербург, 2011'): what continues an entry, never what starts one."""
    if _STRONG_START.match(text) or _LABELLED_AREA.match(text) or _SHORT_PUB_YEAR.match(text):
        return True
    pp = find_place_publisher(text[:150])
    return bool(pp and pp.start == 0 and (pp.year or len(text) < 60))


# --- GOST: heading, title, responsibility --------------------------------------------------------

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
_HAS_DIGIT = re.compile(r"\d")
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
    resp = _CONTENT_FORM.split(resp)[0]
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
    if org and len(org.split()) <= 6 and not _HAS_DIGIT.search(org) and org[:1].isupper():
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


def _clean_title(title: str) -> str | None:
    if "[" in title:
        title = _GMD.sub(" ", title)
    if "Текст" in title:
        title = _CONTENT_FORM.sub(" ", title)
    title = _BRACKET_TAIL.sub("", title.strip(" .;:"))  # a bracketed translation
    return clean(_FORM.sub("", title.strip(" .;:")))


# a designation printed as its own sentence after the name: '... (CTS'2017). Материалы конференции. ...'
_CONTAINER_FORM = re.compile(r"(?<=\S{3})\.\s+(?:Материалы|Тезисы|Труды|Сборник)\s+(?:[а-яё]+\s+){0,2}"
                             r"(?:конф|докл|науч|трудов|статей|симп|семинар|форум)\w*.*$")
_BARE_VOLUME = re.compile(r"[–—]\s*(\d{1,4})\s*,\s*(?:№|No\.|Nr\.|[Ii]ss\.|[Ii]ssue|[Вв]ып\.)")
_CONTAINER_YEAR = re.compile(rf"(?<=[^\d\s.,])\s+({YEAR})$")


def _clean_container(container: str) -> str | None:
    if "[" in container:
        container = _SITE_MARK.sub("", _GMD.sub(" ", container))
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
        s = _CONTENT_FORM.sub(" – ", s)
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
        ref.title = _clean_title(title_area)
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
    if town and not _CONF.search(town.group(1)) and not _JOURNAL_HINT.search(town.group(1)) and \
            is_sentence_end(container, town.start()):
        ref.place = town.group(1)  # 'V Міжнародна конференція. Краснодон. – 2012'
        container = container[:town.start()]
    if (cy := _CONTAINER_YEAR.search(container.rstrip(" .,"))) and not _YEAR.search(rest):
        ref.year, container = cy.group(1), container.rstrip(" .,")[:cy.start()]  # 'Вестник ... 2012. № 2'
    ref.container = _clean_container(container)
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
            ref.container = _clean_container(container)
    ref.title = _clean_title(title)
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
    read_numbers(_TOTAL_PAGES.sub(" ", " . ".join(a.text for a in areas)), ref)
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
        if looks_like_place(segs[0]) and _STATE_OR_COUNTRY.fullmatch(segs[1]):
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


# --- comma style: 'В. В. Яценко, Горение ..., Вестн. ..., 2011.', 'M. E. Porter, Title. Place: Pub, 1990.'

_PAGE_COUNT_TAIL = re.compile(r"\s[–—-]\s*\d+\s*(?:с|c|p|pp)\.")
_COMMA_YEAR = re.compile(rf",?\s*({YEAR})\b")
_COMMAS = re.compile(r",\s+")


# 'Journal 20 (1) (2010) 70–97' (Elsevier numbered lists), 'Journal 5' (a volume and nothing else)
_JOURNAL_TRAILER = re.compile(
    rf"(?P<c>[^\d,]+?),?\s+(?P<v>\d{{1,4}}[A-Za-z]?)\s*(?:\((?P<i>[\w\-–]{{1,12}})\)\s*)?"
    rf"(?:\((?P<y>{YEAR})\)\s*(?:(?P<p>[A-Za-z]?\d+(?:\s*[-–—]\s*\d+)?)\s*)?)?\.?")
_COMMA_IN = re.compile(r"in:?\s+", re.I)
_TRAILING_PP = re.compile(r",?\s*(?:pp?\.|pages)\s*(\d+\s*[-–—]\s*\d+|\d+)\.?\s*$")
_TRAILING_YEAR = re.compile(rf",\s*({YEAR})\.?\s*$")
_SHORT_PUBLISHER = re.compile(rf"[{UP}][\w&.\-]*(?:\s[{UP}][\w&.\-]*){{0,3}}")


def _comma_trailer(rest: str, ref: Reference) -> bool:
    """The publication data of a comma-separated entry, when it has one of the common shapes:
    'Journal 20 (1) (2010) 70–97', 'in: Proceedings ..., Publisher, 2003, pp. 1–9',
    'Publisher, 2008' (a book)."""
    m = _JOURNAL_TRAILER.fullmatch(rest)
    if m and (m.group("y") or (len(m.group("v")) <= 3 and not _CONF.search(m.group("c")))):
        ref.container, ref.volume, ref.issue = clean(m.group("c")), m.group("v"), m.group("i")
        ref.year, ref.pages = m.group("y"), dash(m.group("p"))
        return True
    im = _COMMA_IN.match(rest)
    if im:
        body = rest[im.end():]
        if pm := _TRAILING_PP.search(body):
            ref.pages, body = dash(pm.group(1)), body[:pm.start()]
        if ym := _TRAILING_YEAR.search(body):
            ref.year, body = ym.group(1), body[:ym.start()]
        else:
            return False
        head, _, last = body.rpartition(", ")
        if head and _SHORT_PUBLISHER.fullmatch(last) and (looks_like_publisher(last) or len(last.split()) <= 2):
            ref.publisher, body = last, head
        ref.container = clean(body)
        return True
    segs = _COMMAS.split(rest)
    if len(segs) == 2 and _TRAILING_YEAR.search(", " + segs[1]) and segs[1].strip(" .").isdigit() and \
            not _HAS_DIGIT.search(segs[0]) and not _JOURNAL_HINT.search(segs[0]) and not _CONF.search(segs[0]) \
            and _SHORT_PUBLISHER.fullmatch(segs[0]):
        ref.publisher, ref.year = segs[0], segs[1].strip(" .")  # 'Managerial economics, Cengage Learning, 2008.'
        return True
    return False


def parse_comma(s: str, ref: Reference) -> None:
    """Initials-first authors, then the title up to the first comma or sentence end, then
    comma-separated publication data."""
    ref.authors, end = nm.read_authors(s, 0, styles=("is",))
    body = s[end:].lstrip(" ,.")
    cands = [c for c in (body.find(", "), sentence_end(body)) if c > 0]
    cut = min(cands) if cands else len(body)
    ref.title = _clean_title(body[:cut])
    rest = _TOTAL_PAGES.sub(" ", _PAGE_COUNT_TAIL.sub(" ", body[cut:].strip(" .,")))
    if _comma_trailer(rest, ref):
        return
    pp = find_place_publisher(rest)
    if pp:
        ref.place, ref.publisher, ref.year = pp.place, pp.publisher, pp.year or first_year(rest)
        return
    ym = _COMMA_YEAR.search(rest)
    ref.year = ym.group(1) if ym else None
    segs = [x.strip() for x in _COMMAS.split(rest[:ym.start()] if ym else rest) if x.strip()]
    if len(segs) >= 2 and looks_like_place(segs[-1]):
        ref.publisher, ref.place = unquote(", ".join(segs[:-1])), segs[-1]
    elif segs:
        joined = ", ".join(segs)
        if looks_like_publisher(joined) and not _JOURNAL_HINT.search(joined):
            ref.publisher = unquote(joined)
        else:
            ref.container = clean(joined)
    read_numbers(rest, ref)


# --- author-date styles: APA, Harvard, ACL, Chicago ----------------------------------------------

_APA_YEAR = re.compile(rf"\s*\(({YEAR})[a-z]?(?:,\s*[^)]{{1,30}})?\)\.?,?\s*|\s*\((?:n\.d\.|б\.\s*г\.)\)\.?\s*")
_ACL_YEAR = re.compile(rf"[.,]\s+({YEAR})[a-z]?\.\s+")
_EDITED_BY = re.compile(r"(?:^|[,\s(])(?:eds?|editors?|ред)\.?\)?\.?\s*$", re.I)
_HAS_QUOTES = re.compile(r"[“”\"]")


def author_block(head: str) -> list[str]:
    """Authors of a block whose end is known; an organisation when it reads as no person."""
    head = head.strip().rstrip(",")
    if not head or _EDITED_BY.search(head):
        return []  # 'C. Fellbaum, ed.': an editor heads the entry
    found = nm.names_from_block(head)
    if found:
        return found
    people, end = nm.read_authors(head, 0, styles=("si", "is", "v"))
    if people and not head[end:].strip(" .,;&"):
        return people
    if len(head) <= 120 and not _HAS_QUOTES.search(head):
        return [clean(head.rstrip("."))]
    return []


_QUOTED_TITLE = re.compile(r"[“\"'‘«](.+?)[,.]?[”\"'’»][,.]?\s*(.*)$")
_BRACKETED = re.compile(r"\s*\[(?!Internet\]|Online\])([^\]]{8,})\]([.:]?)\s*")
_BEFORE_BRACKET_NUMBERS = re.compile(r",\s*\d|\(\d{4}\)|\bIn\s")
_THESIS_WORDS = re.compile(r"dissertation|thesis|дис", re.I)


def title_and_rest(text: str) -> tuple[str, str]:
    """'Title. Journal, 12(3), 4–5.' -> ('Title', 'Journal, 12(3), 4–5.'); quotes and a bracketed
    translation ('Title [English title]. Journal') mark the end of the title when present."""
    text = text.strip()
    q = _QUOTED_TITLE.match(text)
    if q and (q.group(2) == "" or not q.group(2)[:1].isalpha() or q.group(2)[:1].isupper() or
              q.group(2).startswith(("in ", "In "))):
        return q.group(1), q.group(2)
    b = _BRACKETED.search(text)
    end = sentence_end(text)
    if b and (end < 0 or b.start() <= end + 1 or not _BEFORE_BRACKET_NUMBERS.search(text, 0, b.start())):
        rest = text[b.end():]
        if _THESIS_WORDS.search(b.group(1)):  # '[Doctoral dissertation, Ural Federal University]'
            rest = b.group(1) + ". " + rest
        elif b.group(2) == ":":
            rest = ": " + rest
        return text[:b.start()], rest
    if end < 0:
        return text, ""
    return text[:end + (1 if text[end] in "?!" else 0)], text[end:].lstrip(" .")


_JOURNAL_NUMBERS = re.compile(
    r"[,.;]?\s*(?:vol\.\s*)?(\d+)\s*(?:\(([\w\-–/ ]+)\))?\s*[:,;]\s*(?:pp?\.\s*|Art\.\s*no\.\s*)?"
    r"([A-Za-z]?\d+(?:\s*[-–—]\s*\d+)?)\s*\.?\s*$")
_VOLUME_ISSUE_END = re.compile(r"[,.]?\s*(\d+)\s*\((\d+)\)\s*\.?\s*$")
_VOLUME_END = re.compile(r",\s*(abs/[\d.]+|\d+)\s*\.?\s*$")
_YEAR_ONLY = re.compile(YEAR)


def journal_numbers(rest: str, ref: Reference) -> str:
    """'Journal, 39(1), 61–74' / 'Journal 19(2): 263-311' / 'Journal, 9, 140–142' -> 'Journal'."""
    m = _JOURNAL_NUMBERS.search(rest)
    if m and not _YEAR_ONLY.fullmatch(m.group(1)):
        ref.volume = ref.volume or m.group(1)
        if m.group(2):
            ref.issue = ref.issue or m.group(2).strip()
        ref.pages = ref.pages or dash(m.group(3))
        return rest[:m.start()]
    m = _VOLUME_ISSUE_END.search(rest)
    if m:
        ref.volume, ref.issue = ref.volume or m.group(1), ref.issue or m.group(2)
        return rest[:m.start()]
    m = _VOLUME_END.search(rest)
    if m:
        ref.volume = ref.volume or m.group(1)
        return rest[:m.start()]
    return rest


_IN_PREFIX = re.compile(r"^(?:To appear in|In:?)\s+", re.I)
_EDS_BEFORE = re.compile(r"(.{0,200}?)\s*\((?:Eds?|eds?|Hrsg)\.?\)[,.]?\s*")
_EDITORS_BEFORE = re.compile(r"(.{0,200}?),?\s*(?:editors?|eds?)\.\s*")
_PAGES_PAREN = re.compile(r"\s*\((?:pp?\.\s*)([\d\-–—]+)\)")
_PAGES_PP = re.compile(r"(?:,\s*|\.\s+)(?:pp?\.|pages)\s*(\d+\s*[-–—]\s*\d+|\d+)\.?")
_PAGES_COLON = re.compile(r":\s*(\d+\s*[-–—]\s*\d+)")
_VOLUME_BEFORE_COLON = re.compile(r"\s(\d{1,3})$")


def in_book(rest: str, ref: Reference, style: str = "") -> None:
    """'In A. Editor (Ed.), Book (pp. 1–2). Publisher.' / 'in X and Y (eds) Book. Place: Pub, pp. 1–2.' /
    'In Proceedings of X: 181-184. Detroit, MI.'"""
    body = _IN_PREFIX.sub("", rest.strip())
    for editors in (_EDS_BEFORE, _EDITORS_BEFORE):
        em = editors.match(body)
        if em and author_block(em.group(1)):
            body = body[em.end():]
    for pages in (_PAGES_PAREN, _PAGES_PP):
        pm = pages.search(body)
        if pm:
            ref.pages = ref.pages or dash(pm.group(1))
            body = body[:pm.start()] + body[pm.end():]
    cm = _PAGES_COLON.search(body)
    if cm:
        ref.pages = ref.pages or dash(cm.group(1))
        vm = _VOLUME_BEFORE_COLON.search(body, 0, cm.start())
        if vm:  # '... Signal Processing 1: 705-708'
            ref.volume = ref.volume or vm.group(1)
            body = body[:vm.start()] + body[vm.end():]
            cm = _PAGES_COLON.search(body)
        body = body[:cm.start()] + "." + body[cm.end():]
    pp = find_place_publisher(body)
    if pp:
        ref.place, ref.publisher = pp.place, pp.publisher
        ref.year = ref.year or pp.year
        body = body[:pp.start]
    end = sentence_end(body)
    container = body if end < 0 else body[:end]
    after = "" if end < 0 else body[end:].strip(" .")
    tp = trailing_place(container)
    if tp:
        ref.place = ref.place or tp[0]
        container = tp[1]
    elif after and not ref.place:
        _book_trailer(after, ref, style)
    ref.container = clean(container)


def _book_trailer(after: str, ref: Reference, style: str) -> None:
    """What follows the book title: a place ('Sapporo, Japan', 'Copenhagen Denmark') or a publisher."""
    tp = trailing_place(", " + after)
    if tp and not tp[1].strip(" ,"):
        ref.place = tp[0]
    elif style == "apa" and not ref.publisher:
        ref.publisher = clean(after)  # APA names no place: 'In X (Ed.), Book (pp. 1–2). Edward Elgar.'
    elif looks_like_place(after):
        ref.place = clean(after)
    elif looks_like_publisher(after) and not ref.publisher and len(after.split()) <= 6:
        ref.publisher = clean(after)


_ONLINE_MARK = re.compile(r"^(?:\[Internet\]|\[Online\])\.?\s*")
_TRAILING_NOTE = re.compile(r"\.\s*\((?:[^()]|\([^()]*\))*\)?\.?$")  # '. (Web of Science (Emerging ...)'
_IN_START = re.compile(r"(?:In[:\s]|To appear in\s|in\s+(?=[A-Z]))")
_THESIS_REST = re.compile(r"(?:Ph\.?\s?D\.?|Master(?:'s)?|Doctoral|Candidate)?[^.,]*?(?:thesis|dissertation)"
                          r"[^.,]*[.,]\s*(.*)$", re.I)
_SPECIALITY = re.compile(r"^\s*\d[\d.]*\s*«[^»]*»\.?\s*")
_VOL_P = re.compile(r"\bVol\.\s*\d|\bP\.\s*\d")
_VOL_BRACKET = re.compile(r"\bVol\.\s*(\d+)\s*\((\d+)\)")
_NOT_CONTAINER = re.compile(r"(?:Software|Available|Retrieved)\b")
_STARTS_DIGIT = re.compile(r"\d")
_CODE_OR_NUMBER = re.compile(r"(?:[A-Z]+\(\d{4}\)|\d)")
_CAPS_WORD = re.compile(r"[A-Z]{2,}")


_PAGES_ONLY = re.compile(r",\s*(\d+\s*[-–—]\s*\d+)\s*$")


def after_title(rest: str, ref: Reference, style: str) -> None:
    """Container, numbers, publisher and place after the title of an author-date entry."""
    rest = _TRAILING_NOTE.sub("", _ONLINE_MARK.sub("", rest.strip(" .,")))
    if not rest:
        return
    if _IN_START.match(rest):
        in_book(rest, ref, style)
        return
    thesis = _THESIS_REST.search(rest)
    if thesis:
        _thesis_trailer(thesis.group(1), ref)
        return
    pp = find_place_publisher(rest)
    if pp:
        ref.place, ref.publisher = pp.place, pp.publisher
        ref.year = ref.year or pp.year
        before, after = rest[:pp.start].strip(" .,"), rest[pp.end:].strip(" .,")
        if after and _STARTS_DIGIT.match(after):
            journal_numbers(", " + after, ref)  # 'Kamyanets-Podilsky : Abetka, 9, 140–142'
        if before and not _CODE_OR_NUMBER.match(before) and (ref.volume or _JOURNAL_HINT.search(before)):
            ref.container = clean(before)
        return
    numbered = _VOL_P.search(rest)
    if numbered:  # 'Bulletin of X. Vol. 1 (5). P. 44–48.'
        read_numbers(rest, ref)
        vm = _VOL_BRACKET.search(rest)
        if vm:
            ref.volume, ref.issue = vm.group(1), vm.group(2)
        ref.container = clean(rest[:numbered.start()])
        return
    container = journal_numbers(rest, ref).strip(" .,")
    pm = _PAGES_ONLY.search(container) if not (ref.volume or ref.pages) else None
    if pm:  # 'Proceedings of X (FSKD), 2147–2152.'
        ref.pages, container = dash(pm.group(1)), container[:pm.start()]
    if ref.volume or ref.pages:
        ref.container = clean(container)
        return
    _unnumbered_trailer(container, ref, style)


def _thesis_trailer(after: str, ref: Reference) -> None:
    """'PhD thesis. Kazan Federal University.' -> publisher; '... «Plant production». Nizhniy Novgorod.' -> place."""
    after = clean(_SPECIALITY.sub("", after).strip(" ."))
    if not after:
        return
    if nm.ORG_WORDS.search(after) or looks_like_publisher(after) or _CAPS_WORD.fullmatch(after):
        ref.publisher = after
    else:
        ref.place = after


def _unnumbered_trailer(text: str, ref: Reference, style: str) -> None:
    """'MIT Press, Cambridge, MA' / 'NNTs IAE, Kyiv' / 'Free Press' / 'Оdessa' / 'TACL' / 'ACM Trans. Inf. Syst.'."""
    segs = [x.strip() for x in _COMMAS.split(text) if x.strip()]
    if len(segs) >= 2 and looks_like_publisher(segs[0]) and \
            all(looks_like_place(x) or _STATE_RE.fullmatch(x) for x in segs[1:]):
        ref.publisher, ref.place = segs[0], ", ".join(segs[1:])
    elif len(segs) == 2 and looks_like_place(segs[1]) and not _JOURNAL_HINT.search(segs[0]) and style != "acl":
        ref.publisher, ref.place = segs[0], segs[1]
    elif style == "apa" and text and not _JOURNAL_HINT.search(text) and not ref.url:
        if len(text.split()) == 1 and looks_like_place(text) and not looks_like_publisher(text):
            ref.place = clean(text)
        else:
            ref.publisher = clean(text)  # APA 7: a journal always has numbers; a bare name is the publisher
    elif (looks_like_publisher(text) if style != "acl" else _PUBLISHER_WORDS.search(text)) and \
            not _JOURNAL_HINT.search(text) and len(text.split()) <= 6:
        ref.publisher = clean(text)
    elif looks_like_place(text) and style != "acl" and not _CAPS_WORD.fullmatch(text):
        ref.place = clean(text)
    elif not _NOT_CONTAINER.match(text):
        ref.container = clean(text)


_EDITION_PAREN = re.compile(r"\s*\((?:\d+(?:st|nd|rd|th)\s+ed|Rev(?:ised)?\.?\s+ed|Vol\.\s*(\d+))\.?\)\s*$", re.I)


def parse_author_date(s: str, ref: Reference, m: re.Match, style: str) -> None:
    """APA / Harvard / ACL / Chicago: authors, year, title, then the rest."""
    ref.authors = author_block(s[:m.start()])
    ref.year = m.group(1) if m.lastindex else None
    title, rest = title_and_rest(s[m.end():])
    if title.endswith(("?", "!")) and _JOURNAL_NUMBERS.search(rest):
        more = sentence_end(rest)
        if more > 0 and _JOURNAL_NUMBERS.search(rest[more:]):  # 'Why ...? The history of ... . Journal, 29(3), 3–30.'
            title, rest = f"{title} {rest[:more]}", rest[more:].lstrip(" .")
    em = _EDITION_PAREN.search(title)
    if em:  # 'Title (5th ed.).' / 'Title (Vol. 2).'
        title = title[:em.start()]
        if em.group(1):
            ref.volume = em.group(1)
    ref.title = clean(_GMD.sub(" ", title))
    after_title(rest, ref, style)


# --- IEEE and MLA (quoted titles) -------------------------------------------------------------------

_QUOTED = re.compile(r"[“\"]([^”\"]{3,}?)[,.]?[”\"][,.]?")
_IEEE_DATE = re.compile(rf"(?:(?:{_MONTH}|Winter|Spring|Summer|Fall|Autumn)\s*(?:\d{{1,2}},?\s*)?)?({YEAR})\b")
_HEAD_YEAR = re.compile(rf"[.,]\s*({YEAR})[a-z]?\.?$")
_IEEE_THESIS = re.compile(r"(?:Ph\.\s?D\.|M\.\s?S\.|Master's|doctoral)\s*(?:dissertation|thesis)|\bthesis\b", re.I)
_IEEE_REPORT = re.compile(r"\b(?:Tech\.|Final|Annu\.|Technical)?\s*Rep(?:\.|ort)")
_IEEE_VOLUME = re.compile(r"Volume\s+(\d+)")
_IN_WORD = re.compile(r"in\s", re.I)
_IN_WORD_PREFIX = re.compile(r"^in\s+", re.I)
_VOL_WORD = re.compile(r"\bvol\.")
_YEAR_AT_END = re.compile(rf",?\s*{YEAR}\.?$")
_IEEE_CONTAINER_END = re.compile(rf",?\s(?:vol\.|no\.|pp\.|Art\.|\d|{_MONTH})")


def parse_quoted(s: str, ref: Reference) -> None:
    """IEEE 'A. B. Author, “Title,” Container, vol. 1, ...', MLA 'Author. “Title.” Journal, ...'
    and Chicago 'Author. 1991. “Title.” Journal 99 (3): 483–99.'."""
    q = _QUOTED.search(s)
    head = s[:q.start()].rstrip(" ,")
    ym = _HEAD_YEAR.search(head)
    if ym:
        ref.year, head = ym.group(1), head[:ym.start()]
    ref.authors = author_block(head)
    ref.title = clean(q.group(1))
    rest = s[q.end():].strip(" ,.")
    dates = list(_IEEE_DATE.finditer(rest))
    if dates:
        ref.year = dates[-1].group(1)
    if _IEEE_THESIS.search(rest):
        _ieee_institution(rest, ref, _THESIS_WORDS)
        return
    if _IEEE_REPORT.search(rest):
        _ieee_institution(rest, ref, _IEEE_REPORT)
        return
    read_numbers(rest, ref)
    vm = _IEEE_VOLUME.search(rest)
    if vm and not ref.volume:
        ref.volume = vm.group(1)
    if _IN_WORD.match(rest):
        _ieee_proceedings(_IN_WORD_PREFIX.sub("", rest), ref)
        return
    if not _VOL_WORD.search(rest):
        journal_numbers(_YEAR_AT_END.sub("", rest), ref)
    ref.container = clean(_IEEE_CONTAINER_END.split(rest + " ")[0])


_IEEE_CONF_DATE = re.compile(rf",\s*(?:(?:{_MONTH})\s*(?:\d{{1,2}}[-–]?\d*,?\s*)?)?{YEAR}\b")
_VOL_OR_PP = re.compile(r",\s(?:vol\.|pp\.)")
_VOLUME_SEGMENT = re.compile(r"(?:Volume|vol\.)\s*\S+")


def _ieee_proceedings(body: str, ref: Reference) -> None:
    """'Proc. X, San Jose, CA, Feb. 1994, pp. 1–2' -> container, place (and a publisher such as SPIE)."""
    dm = _IEEE_CONF_DATE.search(body)
    before = body[:dm.start()] if dm else _VOL_OR_PP.split(body)[0]
    segs = [x for x in before.split(", ") if not _VOLUME_SEGMENT.match(x)]
    if not segs:
        return
    if len(segs) >= 2 and _STATE_RE.fullmatch(segs[-1].strip()) and len(segs[-2].split()) > 3:
        words = segs[-2].split()  # 'Proc. ACM Multimedia’93 Anaheim, CA': the comma before the town is missing
        segs[-2:-1] = [" ".join(words[:-1]), words[-1]]
    tp = trailing_place(", ".join(segs))
    if tp:
        ref.place, segs = tp[0], tp[1].split(", ")
    elif len(segs) >= 2 and looks_like_place(segs[-1]) and not _CONF.search(segs[-1]):
        ref.place, segs = segs[-1].strip(), segs[:-1]
    if len(segs) >= 2 and _ACRONYM.fullmatch(segs[-1].strip()):
        ref.publisher, segs = segs[-1].strip(), segs[:-1]
    ref.container = clean(", ".join(segs))


_DEPARTMENT = re.compile(r"Dept\.|Department|School of|Faculty")
_YEAR_SEGMENT = re.compile(YEAR + r"\.?")


def _ieee_institution(rest: str, ref: Reference, kind: re.Pattern) -> None:
    """'Ph.D. dissertation, Dept. X, Univ. Y, City, Country, 2020' / 'Org, City, Final Rep., 2013'."""
    segs = [x.strip() for x in _COMMAS.split(rest) if x.strip()]
    segs = [x for x in segs if not kind.search(x) and not _YEAR_SEGMENT.fullmatch(x) and not _DEPARTMENT.match(x)
            and not _IEEE_DATE.fullmatch(x)]
    if segs:
        ref.publisher = segs[0]
        if len(segs) > 1:
            ref.place = ", ".join(segs[1:])


# --- Vancouver --------------------------------------------------------------------------------------

_VANC_DATE = re.compile(rf"\.?\s*({YEAR})[a-z]?(?:\s+(?:{_MONTH})(?:\s+\d{{1,2}})?)?\s*;\s*")
_ORG_HEAD = re.compile(r"([^.]{2,120})\.\s")
_PAREN_YEAR = re.compile(rf"\(({YEAR})\)\s*")
_EDITION_PREFIX = re.compile(r"^\d+(?:st|nd|rd|th)\s+ed\.\s*")
_INTERNET = re.compile(r"^\[Internet\]\.?\s*")
_IN_COLON = re.compile(r"In[:\s]")
_IN_COLON_PREFIX = re.compile(r"^In:?\s+")
_P_RANGE = re.compile(r"\bp\.\s*(\d+\s*[-–]\s*\d+)")
_FIRST_SENTENCE = re.compile(r"\.\s")
_VANC_NUMBERS = re.compile(r"\s*(\d+)\s*(?:\(([\w\-–]+)\))?\s*:\s*([A-Za-z]?\d+(?:\s*[-–—]\s*\d+)?)")
_VANC_PAGES = re.compile(r"\s*(\d+\s*[-–—]\s*\d+)")
_CONF_DATES = re.compile(r"(.*?),\s*\d{1,2}\s*[A-Za-z]*[-–]")


def parse_vancouver(s: str, ref: Reference) -> None:
    """'Surname AB, Surname C. Title. Journal. 2019;28(2):118-44.' and its book/chapter forms."""
    authors, end = nm.read_authors(s, 0, styles=("v",))
    if not authors:
        om = _ORG_HEAD.match(s)
        if om:
            authors, end = [om.group(1).strip()], om.end()
    ref.authors = authors
    rest = s[end:].lstrip(" .,")
    ym = _PAREN_YEAR.match(rest)
    if ym:
        ref.year, rest = ym.group(1), rest[ym.end():]
    title, rest = title_and_rest(rest)
    ref.title = clean(_GMD.sub(" ", title))
    rest = _EDITION_PREFIX.sub("", _INTERNET.sub("", rest.strip()))
    if _IN_COLON.match(rest):
        _vancouver_in(rest, ref)
        return
    pp = find_place_publisher(rest)
    if pp:
        ref.place, ref.publisher, ref.year = pp.place, pp.publisher, pp.year or ref.year or first_year(rest)
        pm = _P_RANGE.search(rest)
        if pm:
            ref.pages = dash(pm.group(1))
        return
    dm = _VANC_DATE.search(rest)
    if dm:
        ref.year = ref.year or dm.group(1)
        _vancouver_numbers(rest[dm.end():], ref)
        container = rest[:dm.start()]
        if container.strip():
            cm = _CONF_DATES.match(container)  # '63rd ASMS Conference, 31May-4 June 2015'
            ref.container = clean(cm.group(1) if cm and _CONF.search(cm.group(1)) else container)
        return
    ref.container = clean(_FIRST_SENTENCE.split(rest)[0]) if rest else None
    read_numbers(rest, ref)


def _vancouver_numbers(text: str, ref: Reference) -> None:
    """'28(2):118-44' / '5: 143–147' / '63:102466' / '1–33' after 'Year;' (or a venue and place)."""
    m = _VANC_NUMBERS.match(text)
    if m:
        ref.volume, ref.issue, ref.pages = m.group(1), m.group(2), dash(m.group(3))
        return
    m = _VANC_PAGES.match(text)
    if m:
        ref.pages = dash(m.group(1))
        return
    tp = trailing_place(text.strip(" ."))
    if tp:
        ref.place = tp[0]


def _vancouver_in(rest: str, ref: Reference) -> None:
    """'In: Eds, editors. Book. Place: Pub; 2019. p. 55-72.' / 'In Book. Proc. of Conf., ..., CIMMYT. 1991; 3–27.'"""
    dm = _VANC_DATE.search(rest)
    if dm and not find_place_publisher(rest):
        ref.year = ref.year or dm.group(1)
        _vancouver_numbers(rest[dm.end():], ref)
        body = _IN_COLON_PREFIX.sub("", rest[:dm.start()])
        end = sentence_end(body)
        ref.container = clean(body if end < 0 else body[:end])
        segs = [x.strip(" .") for x in ("" if end < 0 else body[end:]).split(", ")]
        if len(segs) >= 3 and _ACRONYM.fullmatch(segs[-1]):  # '..., Mexico, DF, CIMMYT'
            ref.publisher = segs[-1]
            if _STATE_RE.fullmatch(segs[-2]):
                ref.place = f"{segs[-3]}, {segs[-2]}"
        return
    pm = _P_RANGE.search(rest)
    if pm:
        ref.pages = dash(pm.group(1))
    in_book(rest, ref)


# --- style recognition ---------------------------------------------------------------------------

_GOST_MARKERS = re.compile(r"//|\s[–—]\s|\b[СC]\.\s*\d|№\s*\d|\bТ\.\s*\d|\[Текст\]|\[Электронный|"
                           r"\bМ\.\s?:|\bСПб\.\s?:|Режим доступа|дата обращения|Дата доступа")
_VANC_START = re.compile(rf"{nm.SURNAME}(?:\s{nm.SURNAME})?\s[A-Z]{{1,3}}(?:,\s|\.\s|\s\()")
_VANC_INITIALS = re.compile(r"\s[A-Z]{1,3}[,.]\s")
_COMMA_SPACE = re.compile(r"[^(]*,\s")
_RU_PAGES_OR_ISSUE = re.compile(r"[СC]\.\s*\d|№")
_SPACED_DASH = re.compile(r"\s[–—]\s")
_SURNAME_GIVEN = re.compile(rf"{nm.SURNAME},\s[{UP}][{LO}]+")
_VANC_YEAR_SEMI = re.compile(rf"\b{YEAR}[a-z]?\s*(?:[A-Z][a-z]{{2}}\s*(?:\d+\s*)?)?;")
_PUB_SEMI_YEAR = re.compile(rf":\s*[^:;]+;\s*{YEAR}")
_PUB_SEMI_YEAR_NODOT = re.compile(rf":\s*[^:;.]+;\s*{YEAR}")
_IN_AFTER_SENTENCE = re.compile(r"\.\s+In:?\s")
_ORG_FIRST_SENTENCE = re.compile(rf"[{UP}][^.]{{1,120}}\.\s")
_DOT_YEAR_SEMI = re.compile(rf"\.\s*{YEAR};")
_NUMBERS_BEFORE_YEAR = re.compile(r"\s\d{1,4}[A-Za-z]?\s*(?:\([\w\-–]{1,12}\))?\s*$")
_COMMA_LIST = re.compile(rf"(?:{nm.INITIALS}\s?{nm.SURNAME}[,.]?\s)+[^.]+,\s[^.]+,\s*{YEAR}\b")
_COMMA_AUTHORS = re.compile(rf"{nm.INITIALS}\s?{nm.SURNAME}(?:(?:,\s(?:and\s)?|\sand\s){nm.INITIALS}\s?{nm.SURNAME})*"
                            rf",\s(?![{UP}][{LO}]?\.)")


def recognise(s: str) -> tuple[str, re.Match | None]:
    """Style family of an entry from its punctuation: (style, the match that anchors its parse)."""
    m = _APA_YEAR.search(s)
    if m and _NUMBERS_BEFORE_YEAR.search(s, 0, m.start()) and (_COMMA_LIST.match(s) or _COMMA_AUTHORS.match(s)):
        return "comma", None  # 'A. Name, Title, Journal 20 (1) (2010) 70–97': the year closes the numbering
    if m and m.start() < 250 and "//" not in s[:m.start()] and s[:m.start()].strip():
        head = s[:m.start()]
        if not _VANC_START.match(s) or (_COMMA_SPACE.match(head) and not _VANC_INITIALS.search(head)):
            return ("apa" if s[m.start():m.end()].rstrip().endswith(".") else "harvard"), m
    q = _QUOTED.search(s)
    if q and q.start() < 300 and not _GOST_MARKERS.search(s, 0, q.start()) and "//" not in s:
        return "ieee", q
    am = _ACL_YEAR.search(s)
    if am and am.start() < 600 and "//" not in s and not _RU_PAGES_OR_ISSUE.search(s) and \
            not _SPACED_DASH.search(s, 0, am.start()):
        head = s[:am.start()]
        if nm.names_from_block(head) or nm.names_from_block(head.rstrip(".")) or _EDITED_BY.search(head) or \
                _SURNAME_GIVEN.fullmatch(head):
            return "other", am
    if "//" not in s:
        if _VANC_START.match(s) and (_VANC_YEAR_SEMI.search(s) or _PUB_SEMI_YEAR.search(s) or
                                     _IN_AFTER_SENTENCE.search(s)):
            return "vancouver", None
        if _ORG_FIRST_SENTENCE.match(s) and (_DOT_YEAR_SEMI.search(s) or _PUB_SEMI_YEAR_NODOT.search(s)):
            return "vancouver", None
        if _COMMA_LIST.match(s) or _COMMA_AUTHORS.match(s):
            return "comma", None
    elif _COMMA_LIST.match(s):
        return "comma", None
    return "gost", None


_GOST2018 = re.compile(r"Текст\s*:\s*(?:непосредственный|электронный)|\s:\s.*\s[–—]\s|[–—]\s*(?:URL|DOI):")
_GOST2003 = re.compile(r"Режим доступа", re.I)


_CYRILLIC_LETTER = re.compile(r"[А-Яа-яЁё]")


def gost_variant(s: str) -> str:
    """gost2003 / gost2018 / gost2008 from the markers each edition of the standard has (a GMD such
    as '[Текст]' went away in 2018); a Latin entry without GOST separators is an informal 'other'."""
    if _GMD.search(s) or _GOST2003.search(s):
        return "gost2003"
    if _GOST2018.search(s):
        return "gost2018"
    if not _CYRILLIC_LETTER.search(s) and " – " not in s and " — " not in s:
        return "other"
    return "gost2008"


# --- plausibility ----------------------------------------------------------------------------------

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


def _plausible(ref: Reference) -> bool:
    """Reject 'parses' of text that is no reference (a paragraph, noise)."""
    if not reads_as_text(ref.raw):
        return False
    if ref.year or ref.url or ref.doi or ref.container or ref.publisher or ref.pages:
        return True
    return bool(ref.authors) and bool(ref.title) and len(ref.raw) < 400


# --- entry point ---------------------------------------------------------------------------------

_STYLE_LABEL = {"comma": "other"}  # the labels' vocabulary: informal comma-separated lists are 'other'
_LABEL = re.compile(r"^\s*(?:[-–•]\s*)?(?:\[\d{1,3}\]|\d{1,3}[.)](?!\d))\s*")
_DITTO = re.compile(r"^\s*(?:[—–_-]\s*){2,}\.?,?\s*")


def parse_reference(raw: str, previous: Reference | None = None) -> Reference:
    """Parse one entry. `previous` is the entry above it in the same list: an IEEE '———' (same
    authors as above) takes its authors."""
    ref = Reference(raw=raw)
    if not raw or not raw.strip() or len(raw) > MAX_LEN:
        return ref
    try:
        _parse_into(ref, raw, previous)
    except (AttributeError, IndexError, ValueError, TypeError, RecursionError):
        ref = Reference(raw=raw)
    ref.parsed_ok = bool(ref.title or ref.authors) and _plausible(ref)
    if not ref.parsed_ok:  # keep what is certain: a bare URL is a web page, but nothing describes it
        bare_url = bool(ref.url) and len(raw) < 300 and reads_as_text(raw)
        return Reference(raw=raw, url=ref.url, doi=ref.doi, type="web" if bare_url else None)
    return ref


def _parse_into(ref: Reference, raw: str, previous: Reference | None) -> None:
    s = " ".join(raw.replace("\u00ad", "").split())
    s = _LABEL.sub("", s)
    ditto = _DITTO.match(s)
    if ditto:
        s = s[ditto.end():]
    printed = s
    s = take_identifiers(s, ref)
    style, m = recognise(s)
    if ditto and style != "ieee" and (q := _QUOTED.search(s)):
        style, m = "ieee", q
    if style in ("apa", "harvard", "other") and m is not None:
        parse_author_date(s, ref, m, "acl" if style == "other" else style)
    elif style == "ieee":
        parse_quoted(s, ref)
    elif style == "vancouver":
        parse_vancouver(s, ref)
    elif style == "comma":
        parse_comma(s, ref)
    else:
        parse_gost(s, ref)
        style = gost_variant(printed)
    if ditto:
        ref.authors = list(previous.authors) if previous else []
    ref.style = _STYLE_LABEL.get(style, style)
    if style == "ieee" and m is not None and m.group(0).rstrip().endswith((".”", ".\"", "”.")):
        ref.style = "other"  # MLA / Chicago: 'Author. “Title.” Journal'
    if ref.year is None:
        ref.year = fallback_year(s, ref)
    ref.type = infer_type(ref, s, style)
    ref.title, ref.container = clean(ref.title), clean(ref.container)
    ref.publisher, ref.place = clean(ref.publisher, _NAME_EDGE), clean(ref.place, _NAME_EDGE)
