"""Author lists at the start of a reference (or after its "/"), in every style we meet.

Recognises "Иванов, И. И.", "Иванов И.И.", "I. I. Ivanov", "Ivanov II" (Vancouver),
"Anant K. Agarwal" (ACL full names), "ZHOU X." and organisations given explicitly.
Returns names normalised to "Surname I. O." and where the author block ends.
"""

from __future__ import annotations

import re

UP = "A-ZА-ЯЁІЇЄҐЎÀ-ÖØ-ÞĀ-Ž"
LO = "a-zа-яёіїєґўß-öø-ÿā-žʹʼ'’"
INIT = rf"(?:[{UP}][{LO}]?\.(?:\s?-\s?[{UP}]\.)?)"  # И. / Дж. / M.-C.
INITIALS = rf"{INIT}(?:\s?{INIT}){{0,2}}"
PARTICLE = r"(?:(?:von|van|de|der|den|da|di|du|la|le|zur|ten|ter|dos|del)\s+){0,3}"
SURNAME = rf"{PARTICLE}[{UP}][{LO}]+(?:[-'’][{UP}]?[{LO}]+)*"

# One name in each printed form, anchored at the current position.
_SURNAME_INITIALS = re.compile(rf"({SURNAME}),?\s+({INITIALS})(?![{LO}])")
_INITIALS_SURNAME = re.compile(rf"({INITIALS})\s?({SURNAME})(?![{LO}.])")
_VANCOUVER = re.compile(rf"({SURNAME})\s+([{UP}]{{1,3}})(?=[,.]|\s+and\b|$)")
_FULL_NAME = re.compile(rf"((?:[{UP}][{LO}]+|{INIT})(?:\s+(?:[{UP}][{LO}]+|{INIT})){{0,2}})\s+({SURNAME})(?=,|\s+and\b|\s*\.)")
_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*|и\s+)?|\s+(?:and|&|и)\s+|;\s*)")
ETAL = re.compile(r"\s*,?\s*(?:\[?(?:и др|et al)\.?\]?|и др\.)")


def initials_of(text: str) -> str:
    """'И.О.' / 'IO' / 'Jim' -> 'И. О.' / 'I. O.' / 'J.'."""
    parts = re.findall(rf"[{UP}][{LO}]?(?=\.)|[{UP}]", text) if "." in text else list(text)
    parts = [p for p in parts if p.strip() and p != "-"]
    out = []
    for p in parts:
        out.append(p + ".")
    joined = " ".join(out)
    return re.sub(r"\.\s?-\s?", ".-", joined) if "-" in text else joined


def normal(surname: str, initials: str) -> str:
    surname = re.sub(r"\s+", " ", surname).strip()
    init = re.sub(r"\s*-\s*", "-", re.sub(r"\.\s*(?=[^\s-])", ". ", initials.strip()))
    init = re.sub(r"\s+", " ", init)
    return f"{surname} {init}".strip()


def _given_to_initials(given: str) -> str:
    out = []
    for g in given.split():
        if g.endswith("."):
            out.append(g)
        else:
            out.append(g[0] + ("ж." if g.startswith("Дж") else "."))
    return " ".join(out)


def read_authors(text: str, pos: int = 0, *, styles: tuple[str, ...] = ("si", "is")) -> tuple[list[str], int]:
    """Read consecutive names from text[pos:]; returns (names, end position).

    styles: "si" Surname Initials, "is" Initials Surname, "v" Vancouver, "full" Given Surname.
    """
    names: list[str] = []
    i = pos
    while i < len(text):
        m = None
        for style in styles:
            pattern = {"si": _SURNAME_INITIALS, "is": _INITIALS_SURNAME, "v": _VANCOUVER, "full": _FULL_NAME}[style]
            m = pattern.match(text, i)
            if m:
                if style == "si":
                    names.append(normal(m.group(1), m.group(2)))
                elif style == "is":
                    names.append(normal(m.group(2), m.group(1)))
                elif style == "v":
                    names.append(normal(m.group(1), initials_of(m.group(2))))
                else:
                    names.append(normal(m.group(2), _given_to_initials(m.group(1))))
                break
        if not m:
            break
        i = m.end()
        e = ETAL.match(text, i)
        if e:
            i = e.end()
            break
        s = _SEP.match(text, i)
        if not s or s.end() == len(text):
            break
        nxt = s.end()
        if not any({"si": _SURNAME_INITIALS, "is": _INITIALS_SURNAME, "v": _VANCOUVER,
                    "full": _FULL_NAME}[st].match(text, nxt) for st in styles):
            break
        i = nxt
    return names, i
