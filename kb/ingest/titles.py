"""Which paragraph of a paper's first page is its title.

A journal prints banners ("RESEARCH ARTICLE", "Open Access", "Научная статья"), rubrics and
side boxes around the title; none of them is the title. The title is the largest type of the
front matter that reads as a title (words, not an author line, not a label or a box of
figures), so layout decides first and a short list of known banners is only one feature.
"""

from __future__ import annotations

import re

from kb.ingest.model import Paragraph
from kb.ingest.persons import byline_names

BANNER = re.compile(
    r"^(?:(?:(?:original|research|review|regular|full|short|invited|conference|technical|brief|rapid|editorial|"
    r"perspective|opinion|methods?|case|clinical|mini[- ]?review|systematic\s+review|data|software|primary|"
    r"fast[- ]track|open|free|accepted|author|hal\s+author|computer\s+science\s+technical)\s+)*"
    r"(?:article|paper|research|contribution|communication|report|note|letter|review|access|manuscript|"
    r"study|trial|perspective|commentary|editorial|preprint|version|descriptor|protocol|correspondence|"
    r"chapter|debate|viewpoint|software|analysis|open)s?"
    r"(?:\s+(?:to\s+the\s+editor|open(?:\s+access)?))?\s*"
    r"|(?:научн(?:ая|ые)|оригинальн(?:ая|ые)|обзорн(?:ая|ые)|исследовательск(?:ая|ие)|наукова|оглядова)\s+"
    r"(?:стать(?:я|и)|стаття|работа)|кратк(?:ое|ие)\s+сообщени[ея]|обзор|статья|рецензия|редакционная\s+статья"
    r"|preprint|open\s+access|peer[- ]reviewed)[.:]?$",
    re.IGNORECASE)
_LABEL = re.compile(r"^(?:УДК|UDC|UDK|ББК|BBK|DOI|ISSN|ISBN|PACS|MSC|JEL|Abstract|Аннотация|Анотація|Keywords?|"
                    r"Key\s+words|Ключевые|Ключові|Received|Accepted|Published|Поступила|Citation|Copyright|©|"
                    r"E-?mail|https?://|www\.|Editor|Correspondence|\*)", re.IGNORECASE)
_STOP = re.compile(r"^(?:abstract|аннотация|анотація|annotation|резюме|summary|keywords?|key\s*words|index\s+terms|"
                   r"ключевые\s+слова|ключові\s+слова|введение|вступ|introduction|\d+\.?\s+introduction|"
                   r"i\.\s+introduction)\b", re.IGNORECASE)
_AFFIL = re.compile(r"(университет|інститут|институт|академи|universit|institut|academy|college|department|"
                    r"faculty|факультет|кафедр|laborator|лаборатор|school|research\s+center|group\b)", re.IGNORECASE)


def is_banner(text: str, running: set[str] | frozenset[str] = frozenset()) -> bool:
    """A label the journal prints above the title: a known banner, or a rubric repeated as a running head."""
    text = re.sub(r"\s+", " ", text).strip()
    return bool(BANNER.match(text) or BANNER.match(unspaced_words(text))) or text.casefold() in running


def unspaced_words(text: str) -> str:
    """'R E S E A R C H A R T I C L E' -> 'RESEARCHARTICLE' is no help; split it again at known words."""
    if not re.fullmatch(r"(?:[^\W\d_] )+[^\W\d_]", text):
        return text
    joined = text.replace(" ", "")
    words = re.findall(r"RESEARCH|ARTICLES?|REVIEWS?|SOFTWARE|CORRESPONDENCE|CLINICAL|DEBATE|ORIGINAL|LETTERS?|"
                       r"BRIEF|COMMUNICATION|REPORTS?|METHODS?|STUDY|PROTOCOL|OPEN|ACCESS|NOTES?|CASE|"
                       r"НАУЧНАЯ|СТАТЬЯ|ОБЗОР", joined.upper())
    return " ".join(words) if "".join(words) == joined.upper() else text


def reads_as_title(text: str) -> bool:
    """Words a title could be: letters, not a label, a box of codes ('a1111111111') or an author line."""
    words = text.split()
    if not words or len(words) > 45 or _LABEL.match(text) or _STOP.match(text):
        return False
    letters = sum(c.isalpha() for c in text)
    if letters < 4 or letters < 0.6 * len(text.replace(" ", "")):
        return False
    if sum(bool(re.search(r"\d", w)) for w in words) > 0.3 * len(words):
        return False
    return not byline_names(text)


def window(paras: list[Paragraph], limit: int = 30) -> list[int]:
    """Indexes of the front paragraphs on the paper's first page, up to the abstract or introduction."""
    if not paras:
        return []
    first = paras[0].first_page
    out = []
    for i, p in enumerate(paras[:limit]):
        if p.first_page != first or _STOP.match(p.text.strip()):
            break
        out.append(i)
    return out


def layout_title(paras: list[Paragraph], body_size: float, running: set[str]) -> tuple[int, int] | None:
    """(first, end) paragraph indexes of the title chosen by type size, or None.

    The largest type on the first page wins when it is clearly larger than the body; a short
    line in capitals set above a longer title of the same size or larger is a rubric.
    """
    near = window(paras)
    large = min(body_size * 1.15, body_size + 1.5)
    if not any(paras[i].size >= large for i in near):
        return None  # nothing set larger than the body: the order of the paragraphs decides
    idx = [i for i in near if reads_as_title(paras[i].text.strip())
           and not is_banner(paras[i].text, running) and not _AFFIL.search(paras[i].text)]
    if not idx:
        return None
    best = max(idx, key=lambda i: (paras[i].size, -i))
    size = paras[best].size
    if size < large:
        return None
    if _is_rubric(paras, best, idx):
        rest = [i for i in idx if i > best]
        if not rest:
            return None
        best = max(rest, key=lambda i: (paras[i].size, -i))
        size = paras[best].size
    end = best + 1
    while end in idx and abs(paras[end].size - size) < 0.3 and paras[end].bold == paras[best].bold:
        end += 1
    return best, end


def _is_rubric(paras: list[Paragraph], i: int, idx: list[int]) -> bool:
    """'BIOLOGICAL SCIENCES' above 'VARIABILITY OF GENETIC MARKERS ...': few words, then a longer title."""
    words = paras[i].text.split()
    if len(words) > 3:
        return False
    later = [j for j in idx if j > i]
    return bool(later) and len(paras[later[0]].text.split()) > len(words) + 1 \
        and paras[later[0]].size >= 0.8 * paras[i].size
