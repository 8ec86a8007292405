"""Person names in reference entries, in every printed form we meet, normalised to "Surname I. O.".

Two readers:

- `read_authors(text, pos)` walks names from a position while they keep coming (the heading of a
  GOST entry, the responsibility area after "/"), because there the end of the list is unknown;
- `names_from_block(block)` reads a block whose end is known (before "(2019)" in APA, before
  ". 2019." in ACL, before the quoted title in IEEE) and fails unless every part is a name.

Forms: "Иванов, И. И.", "Иванов И.И.", "И. И. Иванов", "Ivanov II" (Vancouver), "Anant K. Agarwal"
(full given names), "Krugman, Paul" (Chicago), "Gathen, von zur, J." (particle after the comma).
"""

from __future__ import annotations

import re

UP = "A-ZА-ЯЁІЇЄҐЎÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
LO = "a-zа-яёіїєґўß-öø-ÿā-žʹʼ"
INIT = rf"(?:[{UP}][{LO}]{{0,2}}\.(?:\s?-\s?[{UP}][{LO}]?\.)?)"  # И. / Дж. / M.-C.
INITIALS = rf"{INIT}(?:\s?{INIT}){{0,3}}"
_PARTICLES = ("von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "zur", "zu", "ten", "ter",
              "dos", "das", "del", "della", "dal", "st.", "al", "el", "bin", "ibn")
_PARTICLE_ALT = "|".join(re.escape(p) for p in _PARTICLES)
# a capitalised particle only where another particle follows it: 'Van den Bulte', 'De la Cruz'
_CAP_PARTICLE = rf"(?:(?:Van|Von|De|Di|Da|Du|Del|Dos)\s+(?=(?:{_PARTICLE_ALT})\s))"
PARTICLE = rf"(?:{_CAP_PARTICLE}|(?:{_PARTICLE_ALT})\s+)"
_PARTICLE_GROUP = rf"(?:{_PARTICLE_ALT})(?:\s+(?:{_PARTICLE_ALT}))*"
_WORD = rf"[{UP}](?:[{LO}]+(?:['’][{UP}][{LO}]+|[{UP}][{LO}]+)?|['’][{UP}][{LO}]+)"  # Ivanov / O'Neil / McKeown / D’Ambrosio
SURNAME = rf"{PARTICLE}{{0,3}}{_WORD}(?:-{_WORD}|-[{LO}]+)*"

# One name in each printed form, anchored at the current position.
_SI = re.compile(rf"({SURNAME}),?\s+(?:({_PARTICLE_GROUP}),\s+)?({INITIALS})(?![{LO}])")
_IS = re.compile(rf"({INITIALS})\s?({SURNAME})(?![{LO}\-])(?!\.\s?[{UP}][{LO}]{{0,2}}\.)")
# Vancouver initials: capitals, and the two-letter initials of transliterated Cyrillic names
# ('Feshhenko JuI', 'Mustafina ZhG', 'Kobtseva VJu')
_V_INIT = r"(?:Zh|Kh|Ch|Sh|Ts|Ju|Ja|Yu|Ya|Ye|Jo|Yo)"
_VANCOUVER = re.compile(rf"({SURNAME}(?:\s{_WORD})?)\s+((?:{_V_INIT}|[{UP}]){{1,3}})(?:\s+(Jr|Sr|II|III|IV)\b\.?)?(?=[,.;:]|\s+and\b|$)")
_V_INITIAL = re.compile(rf"{_V_INIT}|\S")
_SEP = re.compile(r"\s*(?:[,;]\s*(?:and\s+|&\s*|и\s+)?|\s+(?:and|&|и)\s+)")
ETAL = re.compile(r"\s*,?\s*(?:\[\s*(?:и\s+др|et\s+al)\.?\s*\]|(?:и\s+др|et\s+al)\.?)")
_PATTERNS = {"si": _SI, "is": _IS, "v": _VANCOUVER}

_ONE_INITIAL = re.compile(rf"[{UP}][{LO}]{{0,2}}\.(?:\s?-\s?[{UP}][{LO}]?\.)?")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(rf"[{UP}]")


def initials_of(text: str) -> str:
    """'И.О.' / 'IO' / 'M.-C.' -> 'И. О.' / 'I. O.' / 'M.-C.'."""
    text = text.strip()
    if "." not in text:
        return " ".join(c + "." for c in _V_INITIAL.findall(text))
    return " ".join(p.replace(" ", "") for p in _ONE_INITIAL.findall(text))


def normal(surname: str, initials: str) -> str:
    surname = _SPACES.sub(" ", surname).strip()
    return f"{surname} {initials_of(initials)}".strip()


def given_to_initials(given: str) -> str:
    """'Anant K.' -> 'A. K.'; 'Джим' -> 'Дж.' (the Russian convention for Дж); 'Ming-Wei' -> 'M.-W.'."""
    out = []
    for g in given.split():
        if g.endswith("."):
            out.append(initials_of(g))
        elif _LETTER.fullmatch(g):
            out.append(g + ".")
        elif "-" in g:
            out.append("-".join(p[:1] + "." for p in g.split("-") if p))
        else:
            out.append(g[:2] + "." if g.startswith("Дж") else g[0] + ".")
    return " ".join(out)


def read_authors(text: str, pos: int = 0, *, styles: tuple[str, ...] = ("si", "is")) -> tuple[list[str], int]:
    """Read consecutive names from text[pos:]; returns (names, end position).

    styles: "si" Surname Initials, "is" Initials Surname, "v" Vancouver (Surname IO).
    """
    names: list[str] = []
    i = pos
    while i < len(text):
        m = None
        for style in styles:
            m = _PATTERNS[style].match(text, i)
            if m:
                names.append(_from_match(style, m))
                break
        if not m:
            break
        i = m.end()
        e = ETAL.match(text, i)
        if e:
            i = e.end()
            break
        s = _SEP.match(text, i)
        if not s or not any(_PATTERNS[st].match(text, s.end()) for st in styles):
            break
        i = s.end()
    return names, i


def _from_match(style: str, m: re.Match) -> str:
    if style == "si":
        surname = f"{m.group(2)} {m.group(1)}" if m.group(2) else m.group(1)
        return normal(surname, m.group(3))
    if style == "is":
        return normal(m.group(2), m.group(1))
    suffix = f" {m.group(3)}" if m.group(3) else ""  # Anderson FA Jr -> Anderson F. A. Jr
    return normal(m.group(1), initials_of(m.group(2))) + suffix


# --- blocks whose end is known -----------------------------------------------------------------

ORG_WORDS = re.compile(
    r"\b(?:commission|committee|bank|organi[sz]ation|agency|agencies|ministry|office|institute|university|"
    r"council|association|society|group|consulting|foundation|cent(?:re|er)|bureau|department|service|union|"
    r"statistics|government|corporation|company|inc|ltd|llc|gmbh|press|academy|school|laborator(?:y|ies)|"
    r"federation|nations|board|authority|panel|parliament|secretariat|"
    r"университет|академия)s?\b|"
    r"\b(?:центр|комитет|служб|министерств|агентств|институт|академи|фонд|банк|совет|ассоциаци|союз|"
    r"департамент|управлени|правительств|организаци|компани|корпораци|обществ|палат|инспекци|росстат|"
    r"администраци|комисси|федерац|госкомстат|минобрнауки|минфин)", re.I)

_BLOCK_SPLIT = re.compile(r"\s*[,;]\s*(?:and\s+|&\s*|и\s+)?|\s+(?:and|&|и)\s+")
_ONLY_INITIALS = re.compile(INITIALS)
_BARE_SURNAME = re.compile(SURNAME)
_PARTICLE_ONLY = re.compile(_PARTICLE_GROUP)
_PARTICLE_WORD = re.compile(_PARTICLE_ALT, re.I)
_GIVEN = rf"(?:[{UP}][{LO}]+(?:-[{UP}]?[{LO}]+)?|{INIT}|[{UP}](?=\s|$))"
_FULL_WORD = re.compile(rf"{_GIVEN}|{_WORD}(?:-{_WORD})*|[a-z]+")
_GIVEN_NAME = re.compile(rf"[{UP}][{LO}]+(?:\s(?:{INIT}|[{UP}]))?")
_INITIALS_TWO_WORDS = re.compile(rf"({INITIALS})\s?({_WORD})\s+({_WORD}(?:-{_WORD})*)")
_PATRONYMIC = re.compile(r"(?:вич|вна|ична|чна)$")
_ORG_CHUNK = re.compile(rf"[{UP}][\w’'-]*(?:\s+(?:of|for|and|the|on|[{UP}][\w’'-]*))+")


def parse_name(chunk: str) -> str | None:
    """One name in any form ('I. I. Ivanov', 'Ivanov I. I.', 'Ivanov II', 'Anant K. Agarwal')."""
    chunk = chunk.strip()
    for style in ("si", "is", "v"):
        m = _PATTERNS[style].fullmatch(chunk) or _PATTERNS[style].fullmatch(chunk.rstrip("."))
        if m:
            return _from_match(style, m)
    m = _INITIALS_TWO_WORDS.fullmatch(chunk)
    if m:  # 'S. A. Della Pietra' (a two-word surname) or 'K. Bretonnel Cohen' (a middle name)
        if _PARTICLE_WORD.fullmatch(m.group(2)):
            return normal(f"{m.group(2)} {m.group(3)}", m.group(1))
        return normal(m.group(3), f"{initials_of(m.group(1))} {m.group(2)[0]}.")
    return _full_name(chunk.rstrip("."))


def _full_name(chunk: str) -> str | None:
    """'Cheng Yen Li' -> 'Li C. Y.'; 'Christophe Van Gysel' -> 'Van Gysel C.'; 'Maarten de Rijke'."""
    words = chunk.split()
    longest = 5 if any(_PARTICLE_WORD.fullmatch(w) for w in words[1:-1]) else 4  # 'C. Christiaan van der Eijk'
    if not 2 <= len(words) <= longest or ORG_WORDS.search(chunk) or len(words[-1]) < 2 or \
            not all(_FULL_WORD.fullmatch(w) for w in words):
        return None
    start = next((k for k in range(1, len(words) - 1) if _PARTICLE_WORD.fullmatch(words[k])), len(words) - 1)
    if not all(w[:1].isupper() for w in words[:start]) or not words[-1][:1].isupper():
        return None
    if len(words) == 3 and _PATRONYMIC.search(words[2]):  # Орлова Наталья Викторовна
        return normal(words[0], given_to_initials(" ".join(words[1:])))
    return normal(" ".join(words[start:]), given_to_initials(" ".join(words[:start])))


def names_from_block(block: str) -> list[str] | None:
    """All names of an author block, or None when some part of it is not a name."""
    block = ETAL.sub("", block.strip().rstrip(",;")).strip(" ,;")
    if not block:
        return None
    chunks = [c.strip() for c in _BLOCK_SPLIT.split(block) if c and c.strip()]
    names: list[str] = []
    k = 0
    while k < len(chunks):
        c = chunks[k]
        nxt = chunks[k + 1] if k + 1 < len(chunks) else ""
        nxt2 = chunks[k + 2] if k + 2 < len(chunks) else ""
        if _BARE_SURNAME.fullmatch(c) and _PARTICLE_ONLY.fullmatch(nxt) and _ONLY_INITIALS.fullmatch(nxt2):
            names.append(normal(f"{nxt} {c}", nxt2))  # Gathen, von zur, J.
            k += 3
        elif _BARE_SURNAME.fullmatch(c) and nxt and _ONLY_INITIALS.fullmatch(nxt):
            names.append(normal(c, nxt))  # Verhoef, P. C.
            k += 2
        elif k == 0 and _BARE_SURNAME.fullmatch(c) and _GIVEN_NAME.fullmatch(nxt) and \
                (len(chunks) == 2 or not nxt2 or parse_name(nxt2)):
            names.append(normal(c, given_to_initials(nxt)))  # Krugman, Paul
            k += 2
        else:
            name = parse_name(c)
            if name is None and names and _ORG_CHUNK.fullmatch(c) and ORG_WORDS.search(c):
                name = c  # a study group among the persons: "..., Hameed SM, Miami Deep Vein Thrombosis Study Group"
            if name is None:
                return None
            names.append(name)
            k += 1
    return names


_PERSON = re.compile(rf"{PARTICLE}*{SURNAME}(?:\s{_WORD})? {INITIALS}")
_TRAILING_INITIALS = re.compile(r"(?:\s+\S+\.)+$")


def is_person(name: str) -> bool:
    return bool(_PERSON.fullmatch(name))


def surname_key(name: str) -> str:
    """Lower-cased surname, to match a heading author with the same person after '/'."""
    return _TRAILING_INITIALS.sub("", name).casefold().replace("ё", "е")
