"""Text normalisation shared by every ingest step: Unicode clean-up, de-hyphenation, sentences.

Kept free of PDF concerns so that each rule can be tested on plain strings.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

# Ligatures and typographic look-alikes that extraction returns but nobody types.
_CHAR_MAP = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u205f": " ", "\u3000": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\u2010": "-", "\u2011": "-", "\u2212": "−",
    "\t": " ",
}
_TRANS = str.maketrans(_CHAR_MAP)
_SPACES = re.compile(r"[ ]{2,}")
SOFT_HYPHEN = "\u00ad"

# Spacing accents that old TeX fonts hand over as a character of their own beside the letter
# ("Zolt´an Gy¨ongyi", "Go´mez"): put back on their letter as the precomposed character.
_ACCENTS = {"\u00b4": "\u0301", "\u00a8": "\u0308", "`": "\u0300", "\u02c6": "\u0302", "\u02dc": "\u0303",
            "\u02c7": "\u030c", "\u02da": "\u030a", "\u02d8": "\u0306", "\u02dd": "\u030b", "\u02d9": "\u0307"}
_SPACING_ACCENT = re.compile(r"(?P<pre>[A-Za-z\u0131])?(?P<acc>[\u00b4\u00a8`\u02c6\u02dc\u02c7\u02da\u02d8\u02dd\u02d9])"
                             r"(?P<post>(?(pre) ?)[A-Za-z\u0131])?")
_ORDINAL = re.compile(r"(?<![\d.,])(\d{1,3}) (st|nd|rd|th)\b")
_VOWELS = set("aeiouyAEIOUY\u0131")


def _on(letter: str, accent: str) -> str | None:
    out = unicodedata.normalize("NFC", ("i" if letter == "\u0131" else letter) + _ACCENTS[accent])
    return out if len(out) == 1 else None


def _compose(m: re.Match) -> str:
    pre, acc, post = m["pre"] or "", m["acc"], (m["post"] or "").lstrip()
    before = m.string[m.start() - 1] if m.start() > 0 else " "
    if not pre and not (before.isspace() or before.isalpha() or before in "(-"):
        return m[0]  # an accent glued to a digit or a sign: not a letter's
    after = m.string[m.end():m.end() + 1]
    if acc in "\u00b4`" and pre and post in ("s", "t", "d", "m") and not after.isalpha():
        return m[0]  # company´s: an acute typed for an apostrophe
    if m["post"] and m["post"].startswith(" ") and post not in _VOWELS:
        return m[0]
    # the letter it sits on: a caron mostly on a consonant (č, ř), a tilde on n, the others on a vowel (á, ö)
    if acc == "\u02c7" or (acc == "\u02dc" and post in "nN"):
        order = [("post", post), ("pre", pre)]
    elif acc == "\u02dc" and pre in "nN":
        order = [("pre", pre), ("post", post)]
    elif post in _VOWELS or pre not in _VOWELS:
        order = [("post", post), ("pre", pre)]
    else:
        order = [("pre", pre), ("post", post)]
    for side, letter in order:
        if letter and (composed := _on(letter, acc)):
            return composed + post if side == "pre" else pre + composed
    return m[0]


def join_accents(text: str) -> str:
    """'Gy¨ongyi' -> 'Gyöngyi', 'Go´mez' -> 'Gómez', 'Zolt´ an' -> 'Zoltán'; an accent beside no letter
    stays, and so does an acute typed for an apostrophe ('company´s')."""
    if not any(c in _ACCENTS for c in text):
        return text
    return _SPACING_ACCENT.sub(_compose, text)


def clean_line(text: str) -> str:
    """Clean one extracted line; a soft hyphen at the end is kept so the joiner can see it."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = join_accents(text.translate(_TRANS))
    text = _ORDINAL.sub(r"\1\2", text)  # "the 28 th Conference": a superscript ordinal set apart
    if "\u20dd" in text:  # TeX's ©: a C under an enclosing circle, or the circle alone
        text = re.sub("[Cc]?\u20dd", "©", text)
    trailing_soft = text.rstrip().endswith(SOFT_HYPHEN)
    text = text.replace(SOFT_HYPHEN, "")
    text = _SPACES.sub(" ", text).strip()
    return text + SOFT_HYPHEN if trailing_soft and text else text


# The heading of a reference list, alone: "Список литературы", "References", "7. Bibliography".
REF_HEADING = re.compile(
    r"^(?:\d{1,2}\.?\s*)?(?:список\s+(?:использованн(?:ых|ой)\s+|цитируем(?:ых|ой)\s+)?"
    r"(?:литературы|источников|літератури|джерел)|список\s+використаних\s+(?:джерел|літератури)|"
    r"библиографический\s+список|бібліографічний\s+список|литература|література|источники|"
    r"references?|bibliography|works\s+cited|literature(?:\s+cited)?|reference\s+list|"
    r"cited\s+literature|sources)\s*[:.]?\s*$",
    re.IGNORECASE,
)


def fix_mojibake(text: str) -> str:
    """Undo cp1251 text that a font without ToUnicode handed over as Latin-1 ("Àííîòàöèÿ")."""
    try:
        return text.encode("latin-1").decode("cp1251")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def looks_like_mojibake(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return False
    high = sum(1 for c in letters if "\u00c0" <= c <= "\u00ff")
    return high / len(letters) > 0.4


_IPA = re.compile("[\u0250-\u02af\u1d00-\u1dbf]")


def text_layer_is_usable(text: str) -> bool:
    """False for the garbage that broken font encodings produce (digits and symbols, IPA glyphs)."""
    text = "".join(text[:3000].split())
    n_chars = len(text)
    n_letters = sum(map(str.isalpha, text))
    if n_chars < 40:
        return n_chars > 0 and n_letters / n_chars > 0.5
    if n_letters / n_chars < 0.45:
        return False
    return len(_IPA.findall(text)) / max(1, n_letters) < 0.1


# --- de-hyphenation -----------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)-$", re.UNICODE)
_LINE_START_WORD = re.compile(r"^([^\W\d_]+(?:-[^\W\d_]+)*)", re.UNICODE)
# Left halves that are real compound prefixes: the hyphen belongs to the word.
_COMPOUND_LEFT = {
    "научно", "социально", "финансово", "экономико", "организационно", "военно", "медико",
    "историко", "культурно", "природно", "северо", "юго", "северо-западно", "информационно",
    "технико", "торгово", "промышленно", "производственно", "учебно", "опытно", "практико",
    "нормативно", "правово", "административно", "государственно", "частно", "экспортно",
    "cross", "self", "non", "well", "long", "short", "high", "low", "small", "medium", "large",
    "state", "co", "multi", "inter", "post", "pre", "semi", "anti", "e", "so", "peer",
}
_COMPOUND_RIGHT = {"то", "либо", "нибудь", "таки", "ка", "as", "based", "oriented", "driven", "level",
                   "scale", "specific", "related", "term", "sized", "making", "up", "known"}


_SPLIT_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]*[-\u00ad]\n[^\W\d_]*")


class Lexicon:
    """Word counts of a whole document, used to decide whether a line-end hyphen is real."""

    def __init__(self, lines: Iterable[str] = ()):
        # The halves of words split at line ends are not words: leave them out.
        text = _SPLIT_WORD.sub(" ", "\n".join(lines))
        self.counts: Counter[str] = Counter(w.lower() for w in _WORD.findall(text))
        self._stems: Counter[str] | None = None

    def count(self, word: str) -> int:
        return self.counts.get(word.lower(), 0)

    def stem_count(self, word: str) -> int:
        """How often other forms of the word occur (built on first use: most documents never ask)."""
        if self._stems is None:
            self._stems = Counter()
            for w, n in self.counts.items():
                if "-" not in w:
                    self._stems[stem(w)] += n
        return self._stems.get(stem(word.lower()), 0)


@functools.cache
def _stemmer(language: str):
    import Stemmer

    return Stemmer.Stemmer(language)


_CYRILLIC = re.compile("[а-яё]")


def stem(word: str) -> str:
    language = "russian" if _CYRILLIC.search(word) else "english"
    return _stemmer(language).stemWord(word)


def join_hyphenated(left: str, right: str, lexicon: Lexicon) -> bool:
    """Decide whether `left-` + `right` (split at a line end) is one word without the hyphen.

    Evidence from the document beats rules: if the joined or the hyphenated form occurs
    elsewhere, follow it; otherwise use compound-word rules of Russian and English.
    """
    joined, hyph = left + right, left + "-" + right
    n_joined, n_hyph = lexicon.count(joined), lexicon.count(hyph)
    if n_hyph > n_joined:
        return False
    if n_joined:
        return True
    last = left.rsplit("-", 1)[-1]
    l_low, r_low = last.lower(), right.split("-")[0].lower()
    if "-" in right:
        return False  # Equipment-as-a-Service: the rest of the word has hyphens of its own
    if l_low in _COMPOUND_LEFT or r_low in _COMPOUND_RIGHT:
        return False
    if lexicon.stem_count(last + right.split("-")[0]):
        return True  # another form of the joined word occurs: методического / методических
    if len(last) >= 4 and len(r_low) >= 4 and lexicon.count(last) and lexicon.stem_count(r_low):
        return False  # both halves are words of this text: бизнес-моделями
    if right[:1].isupper() and not last.isupper():
        return False  # Rhein-Main, Санкт-Петербург
    return True


_URL_TAIL = re.compile(r"(?:https?://|www\.|\b10\.\d{4,9}/)\S*[/\-_=&?#]$")


_URL_END_CHARS = frozenset("/-_=&?#")
_LIST_LABEL = re.compile(r"(?:\d{1,3}[.)]|\[\d{1,3}\])\s+\w")  # '2. Официальный сайт': the next entry, not the URL's rest
_URL_OPEN = re.compile(r"(?:https?://|www\.)\S*[\w/]$")  # a URL the line end cut (xurl breaks before a '-')


def join_lines(lines: list[str], lexicon: Lexicon) -> tuple[str, list[int]]:
    """Join the lines of one paragraph; returns the text and the offset where each line starts."""
    out = ""
    starts: list[int] = []
    for line in lines:
        if not out:
            starts.append(0)
            out = line
            continue
        if out.endswith(SOFT_HYPHEN):
            out = out[:-1]
            starts.append(len(out))
            out += line
            continue
        if ((out[-1:] in _URL_END_CHARS and _URL_TAIL.search(out[-200:])) or
                (line[:1] in _URL_END_CHARS and line[1:2].strip() and _URL_OPEN.search(out[-200:]))) \
                and not _LIST_LABEL.match(line):
            starts.append(len(out))  # a URL or DOI broken across lines has no space in it, and keeps its hyphens
            out += line
            continue
        m = _LINE_END_HYPHEN.search(out[-60:]) if out.endswith("-") and line[:1].isalpha() else None
        n = _LINE_START_WORD.match(line) if m else None
        if m and n:
            if join_hyphenated(m.group(1), n.group(1), lexicon):
                out = out[:-1]
            starts.append(len(out))
            out += line
            continue
        out = out.rstrip(SOFT_HYPHEN) + " "
        starts.append(len(out))
        out += line
    return out.replace(SOFT_HYPHEN, ""), starts


# --- sentences -----------------------------------------------------------------------------

_ABBREV = {
    "т", "е", "д", "п", "др", "пр", "см", "ср", "с", "стр", "г", "гг", "в", "вв", "им", "ул", "рис",
    "табл", "акад", "проф", "доц", "канд", "докт", "ст", "преп", "студ", "т.е", "т.д", "т.п", "э", "н",
    "тыс", "млн", "млрд", "руб", "ок", "напр", "т.к", "etc", "e.g", "i.e", "al", "fig", "figs", "eq",
    "vol", "no", "pp", "p", "ed", "eds", "vs", "cf", "dr", "mr", "mrs", "ms", "prof", "inc", "ltd",
    "co", "corp", "jr", "sr", "st", "approx", "dept", "univ", "ch", "sec", "resp",
}
_SENT_END = re.compile(r"[.!?…]+[»\"”)\]]*\s+(?=[«\"“(\[]?[A-ZА-ЯЁ0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of a paragraph; abbreviations and initials do not end one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        before = text[start:m.start() + 1]
        tail = re.search(r"(\S+)[.!?…]+[»\"”)\]]*$", before.rstrip())
        token = tail.group(1).lower().rstrip(".") if tail else ""
        last = token.split(".")[-1] if token else ""
        if last in _ABBREV or (len(last) == 1 and last.isalpha()):
            continue
        end = m.end()
        if text[start:end].strip():
            spans.append((start, len(text[:end].rstrip())))
        start = end
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def word_count(text: str) -> int:
    return len(text.split())
