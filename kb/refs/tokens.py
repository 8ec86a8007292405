"""Tokens of one reference string and the features a sequence labeller sees for each of them.

A token keeps its character offsets, so labels can be mapped back onto the printed text. URLs and
DOIs stay one token each (their inner punctuation means nothing to the fields around them);
everything else is a word, a number or one punctuation mark. Features are lexical (the word, its
affixes), orthographic (case, script, shape), punctuation and position (where in the entry, what
has been seen before it: a year, '//', 'In'), the signals GROBID and AnyStyle use too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(
    r"https?://\S+|www\.\S+|\b10\.\d{4,9}/\S+"  # a URL or DOI: one token
    r"|\d+(?:[.,]\d+)*"  # numbers, '1.2'
    r"|[^\W\d_]+(?:['’][^\W\d_]+)*"  # words (any script), O'Neil
    r"|//|[^\w\s]",  # '//' (GOST's 'in'), any single mark
    re.UNICODE)
_URLISH = re.compile(r"^(?:https?://|www\.|10\.\d{4,9}/)")
_TRAILING = ".,;:)]»”\"'"


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenise(text: str) -> list[Token]:
    """Split into tokens with offsets; a URL or DOI drops trailing punctuation into its own tokens."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        t, s, e = m.group(0), m.start(), m.end()
        if _URLISH.match(t):
            core = t.rstrip(_TRAILING)
            if core and core != t:
                out.append(Token(core, s, s + len(core)))
                for i in range(s + len(core), e):
                    out.append(Token(text[i], i, i + 1))
                continue
        out.append(Token(t, s, e))
    return out


# --- word lists the features consult (lower case) ------------------------------------------------

_MARKERS = {
    "vol": "vol", "volume": "vol", "т": "vol", "том": "vol", "bd": "vol", "v": "vol",
    "no": "no", "nr": "no", "issue": "no", "iss": "no", "№": "no", "вып": "no", "n": "no", "num": "no",
    "pp": "pp", "p": "pp", "c": "pp", "с": "pp", "s": "pp", "стр": "pp", "pages": "pp", "page": "pp",
    "art": "pp", "article": "pp",
    "in": "in", "в": "in", "из": "in",
    "ed": "ed", "eds": "ed", "ред": "ed", "под": "ed", "edited": "ed", "editor": "ed", "editors": "ed",
    "сост": "ed", "пер": "ed", "trans": "ed", "hrsg": "ed",
    "et": "etal", "al": "etal", "др": "etal", "and": "and", "и": "and", "&": "and",
    "press": "pub", "publishing": "pub", "publishers": "pub", "publisher": "pub", "verlag": "pub",
    "изд": "pub", "издательство": "pub", "издательский": "pub", "wiley": "pub", "springer": "pub",
    "elsevier": "pub", "ltd": "pub", "inc": "pub", "наука": "pub", "юрайт": "pub", "инфра": "pub",
    "university": "univ", "univ": "univ", "университет": "univ", "ун": "univ", "institute": "univ",
    "journal": "jour", "журнал": "jour", "вестник": "jour", "review": "jour", "transactions": "jour",
    "letters": "jour", "trans.": "jour", "известия": "jour", "bulletin": "jour", "annals": "jour",
    "proceedings": "conf", "proc": "conf", "conference": "conf", "conf": "conf", "symposium": "conf",
    "workshop": "conf", "конференции": "conf", "конф": "conf", "материалы": "conf", "сборник": "conf",
    "сб": "conf", "трудов": "conf", "тр": "conf", "congress": "conf", "meeting": "conf", "форума": "conf",
    "url": "url", "doi": "doi", "режим": "acc", "доступа": "acc", "дата": "acc", "обращения": "acc",
    "accessed": "acc", "retrieved": "acc", "available": "acc", "electronic": "acc", "электронный": "acc",
    "ресурс": "acc", "текст": "gmd", "непосредственный": "gmd", "электронный ресурс": "gmd",
    "м": "place", "спб": "place", "москва": "place", "london": "place", "new": "place", "york": "place",
    "berlin": "place", "киев": "place", "минск": "place", "л": "place", "новосибирск": "place",
    "oxford": "place", "cambridge": "place", "amsterdam": "place", "paris": "place", "heidelberg": "place",
    "дис": "thesis", "канд": "thesis", "дисс": "thesis", "автореф": "thesis", "thesis": "thesis",
    "phd": "thesis", "dissertation": "thesis", "учеб": "book", "пособие": "book", "монография": "book",
    "edn": "book", "edition": "book", "изд.": "book",
}
_MONTHS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul",
    "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec",
    "december", "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря", "январь", "февраль", "март", "апрель", "май", "июнь", "июль",
    "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
}
_PUNCT_CLASS = {".": "dot", ",": "comma", ":": "colon", ";": "semi", "(": "lpar", ")": "rpar",
                "[": "lbr", "]": "rbr", "/": "slash", "//": "dslash", "–": "dash", "—": "dash",
                "-": "hyph", "«": "lq", "»": "rq", "“": "lq", "”": "rq", "„": "lq", "\"": "q",
                "'": "q", "‘": "lq", "’": "rq", "&": "amp"}


def _script(word: str) -> str:
    cyr = lat = 0
    for ch in word:
        if "а" <= ch.lower() <= "я" or ch in "ёЁіІїЇєЄґҐўЎ":
            cyr += 1
        elif "a" <= ch.lower() <= "z":
            lat += 1
    if cyr and lat:
        return "mix"
    return "cyr" if cyr else "lat" if lat else "none"


def shape(word: str) -> str:
    """'Ivanov' -> 'Xx', 'ЮНЕСКО' -> 'X', '2019' -> 'd4', 'e38554' -> 'xd'."""
    if word.isdigit():
        return f"d{min(len(word), 5)}"
    out = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:6]


@lru_cache(maxsize=65536)
def _word_features(tok: str) -> dict[str, str | float]:
    """The token's own features (cached: punctuation and common words recur; never mutated)."""
    low = tok.lower()
    f: dict[str, str | float] = {"w": low, "shape": shape(tok)}
    if len(tok) > 3 and tok.isalpha():
        f["suf3"] = low[-3:]
        f["pre3"] = low[:3]
    if _URLISH.match(tok):
        f["kind"] = "doi" if tok.startswith("10.") else "url"
        f["w"] = "<url>"
        return f
    if tok in _PUNCT_CLASS:
        f["kind"] = "p:" + _PUNCT_CLASS[tok]
        return f
    if tok.isdigit():
        n = int(tok)
        f["kind"] = "year" if len(tok) == 4 and 1500 <= n <= 2099 else "num"
        f["w"] = f"<d{min(len(tok), 5)}>"
        if f["kind"] == "num" and n <= 31:
            f["small"] = 1.0
        return f
    if not tok.isalpha():
        f["kind"] = "other"
        return f
    f["kind"] = "word"
    f["script"] = _script(tok)
    if len(tok) <= 2 and tok[0].isupper():
        f["initial"] = 1.0
    if tok.isupper() and len(tok) > 2:
        f["caps"] = 1.0
    if low in _MARKERS:
        f["marker"] = _MARKERS[low]
    if low in _MONTHS:
        f["month"] = 1.0
    return f


def _attr(key: str, value: str | float) -> str:
    """crfsuite's name for a feature: 'key:value' for a string value, 'key' for a flag."""
    return f"{key}:{value}" if isinstance(value, str) else key


@lru_cache(maxsize=65536)
def _own_attrs(tok: str) -> tuple[str, ...]:
    return tuple(_attr(k, v) for k, v in _word_features(tok).items())


@lru_cache(maxsize=131072)
def _neighbour_attrs(tok: str | None, d: int) -> tuple[str, ...]:
    """The features a token gives the token d places away (None: past the edge)."""
    if tok is None:
        return (f"{d}:w:<edge>",)
    o = _word_features(tok)
    out = [f"{d}:w:{o['w']}", f"{d}:kind:{o['kind']}"]
    if "marker" in o:
        out.append(f"{d}:marker:{o['marker']}")
    if d in (-1, 1):
        out.append(f"{d}:shape:{o['shape']}")
        if "initial" in o:
            out.append(f"{d}:initial")
    return tuple(out)


def features(tokens: list[Token], text: str, hints: list[str] | None = None,
             style: str | None = None) -> list[list[str]]:
    """The features of each token, as crfsuite attribute names: the token's own, its neighbours'
    (±2), spacing and position; with `hints`, the field the hand-written rules read each token as
    (and their style), so the model learns where the rules can be trusted."""
    n = len(tokens)
    words = [t.text for t in tokens]
    own = [_word_features(w) for w in words]
    out: list[list[str]] = []
    seen_year = seen_dslash = seen_in = seen_slash = seen_quote = False
    dots = 0
    for i, t in enumerate(tokens):
        w = words[i]
        f = ["bias", *_own_attrs(w), f"pos:{min(int(10 * i / max(n, 1)), 9)}"]
        if i < 3:
            f.append(f"first:{i}")
        if i == n - 1:
            f.append("last")
        f.append("sp_before:1" if t.start > 0 and text[t.start - 1].isspace() else "sp_before:0")
        f.append("sp_after:1" if t.end < len(text) and text[t.end].isspace() else "sp_after:0")
        for d in (-2, -1, 1, 2):
            j = i + d
            f.extend(_neighbour_attrs(words[j] if 0 <= j < n else None, d))
        if "initial" in own[i]:  # 'К.' is an initial, 'К проблеме' a preposition, 'SME research' a word
            nxt = words[i + 1] if i + 1 < n else ""
            f.append("init_next:" + ("dot" if nxt == "." else "lower" if nxt[:1].islower() else
                                     own[i + 1]["kind"] if i + 1 < n else "end"))
        prev_w = own[i - 1]["w"] if i else "<edge>"
        next_w = own[i + 1]["w"] if i + 1 < n else "<edge>"
        f.append(f"-1:w|w:{prev_w}|{own[i]['w']}")
        f.append(f"w|+1:w:{own[i]['w']}|{next_w}")
        f.append("seen:" + "".join("1" if b else "0" for b in (seen_year, seen_dslash, seen_in, seen_slash,
                                                               seen_quote)))
        f.append(f"dots:{min(dots, 6)}")
        if hints is not None:
            f.append(f"rule:{hints[i]}")
            f.append(f"-1:rule:{hints[i - 1] if i else '<edge>'}")
            f.append(f"1:rule:{hints[i + 1] if i + 1 < n else '<edge>'}")
            f.append(f"rule|style:{hints[i]}|{style}")
        out.append(f)
        kind = own[i]["kind"]
        if kind == "year":
            seen_year = True
        elif w == "//":
            seen_dslash = True
        elif w == "/":
            seen_slash = True
        elif own[i].get("marker") == "in" and i + 1 < n and words[i + 1] in (":", ",") or w == "In":
            seen_in = True
        elif w in "«“\"":
            seen_quote = True
        elif w == ".":
            dots += 1
    return out
