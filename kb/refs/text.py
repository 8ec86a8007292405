"""Text helpers every reader of an entry shares: `clean` (collapse spaces, trim separators),
`unquote`, `dash` for page ranges, `strip_unbalanced` for a closing bracket that is not the text's
own, and where a sentence ends: a period after an initial or a common abbreviation ('Proc.', 'Т.',
'вып.') ends none, and `sentence_end` / `is_sentence_end` know those words. Also the pattern pieces
the other modules build on: the letters of kb.refs.names (UP, LO), YEAR (1500-2099), NAME_EDGE (what
is trimmed from places and publishers, which keep their final period: 'М.', 'Ltd.') and COMMAS, the
split of comma-separated parts."""

from __future__ import annotations

import re

from kb.refs import names as nm

UP, LO = nm.UP, nm.LO
YEAR = r"(?:1[5-9]\d\d|20\d\d)"

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.])(?=\s|$)")
_DASHES = re.compile(r"\s*[-–—]\s*")
_EDGE = " .,;:–—-/"
NAME_EDGE = " ,;:–—-/"  # places and publishers keep their final period: 'М.', 'Ltd.'


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


def is_initial(word: str) -> bool:
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
    if is_initial(w):
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


def strip_unbalanced(text: str, punct: str = ".,;:") -> str:
    text = text.rstrip(punct)
    for close, open_ in ((")", "("), ("]", "[")):
        while text.endswith(close) and text.count(close) > text.count(open_):
            text = text[:-1].rstrip(punct)
    return text


COMMAS = re.compile(r",\s+")
