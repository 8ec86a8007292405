"""Author lines -> printed names -> family and given names, with the case of capitals normalised.

A bibliography needs the family name apart from the given names, and "И. С. ПЕТРОВА",
"JOHN SMITH" or "ZHOU Xinghong" must come out as "Петрова, И. С.", "Smith, John" and
"Zhou, Xinghong". Order is read from the printed form: initials before or after a word, the word
printed in capitals among words that are not, a patronymic, a Russian surname ending. Given
names stay as printed (initials or full); only letter case changes.
"""

from __future__ import annotations

import re
from functools import lru_cache

UP = "A-ZА-ЯЁІЇЄҐЎÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
LO = "a-zа-яёіїєґўß-öø-ÿā-žʼ"
_INITIAL = re.compile(rf"^(?:[{UP}][{LO}]{{0,2}}\.(?:-[{UP}][{LO}]?\.)?|[{UP}])$")  # И. / Дж. / Ж.-П. / X
_WORD = re.compile(rf"^[{UP}][{UP}{LO}]*(?:[’'][{UP}{LO}]+)*(?:-[{UP}][{UP}{LO}]*)*\.?$")
_DOTTED = re.compile(rf"(?:^|\s|\.)[{UP}][{LO}]{{0,2}}\.")
PARTICLES = {"von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "zur", "zu", "ten", "ter", "dos",
             "das", "del", "della", "dal", "al", "el", "bin", "ibn", "y", "st.", "mac", "ben", "af", "av"}
_SUFFIXES = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"}
_PATRONYMIC = re.compile(r"(?:вич|вна|ична|инична|івна|ьич)$", re.IGNORECASE)
_RU_SURNAME = re.compile(r"(?:ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|ской|ко|юк|ук|чук|ий|ых|их|"
                         r"ян|енко|ович|швили|дзе|ман)$", re.IGNORECASE)
_MARKS = re.compile(r"[*†‡§¶☯∗✉⁎#⊥+¹²³⁴⁵⁶⁷⁸⁹⁰]+|(?<=[^\W\d_])\d+(?:\s*,\s*\d+)*")
_ROLE = re.compile(
    r"^(?:(?:senior\s+|student\s+|life\s+)?member|fellow|ieee|acm|phd|ph\.?\s?d\.?|m\.?\s?d\.?|msc|m\.?sc\.?|bsc|mba|"
    r"dr\.?|prof\.?|professor|mr\.?|mrs\.?|ms\.?|студент(?:ка)?|аспирант(?:ка)?|магистрант(?:ка)?|доцент|профессор|"
    r"преподаватель|ассистент|инженер|академик|соискатель|докторант|спеціаліст|специалист|аспірант|магістрант|"
    r"викладач|старший\s+викладач|інженер|доц\.*|проф\.*|студ\.*|асп\.*|преп\.*|"
    r"ст\.\s?преп\.*|инж\.*|"
    r"(?:канд|д-р|докт|доктор|кандидат)\.?\s.*наук|к\.\s?[а-я]{1,4}\.\s?н\.|д\.\s?[а-я]{1,4}\.\s?н\.|"
    r"(?:ст\.|старший|мл\.|младший|вед\.|ведущий|гл\.|главный)\s?(?:преп\.|преподаватель|науч\.|научный).*|"
    r"науч\.\s?рук\.?|научный\s+руководитель|зав\.\s?каф.*|director|editor|student|lecturer)$",
    re.IGNORECASE)
_ROLE_LEAD = re.compile(r"^(?:(?:студент(?:ка)?|студ\.+|аспирант(?:ка)?|асп\.+|магистрант(?:ка)?|доцент|доц\.+|"
                        r"профессор|проф\.+|prof\.?|dr\.?|академик|инж\.+|ст\.\s?преп\.+|преп\.+)\s*)+\s",
                        re.IGNORECASE)
# words that are not names: a title or an affiliation printed in capitalised words is not an author line
_NOT_NAME = re.compile(
    r"^(?:of|the|and|for|in|on|to|with|by|from|a|an|university|universit[aeé]|institute|department|school|college|"
    r"faculty|laboratory|center|centre|research|science|sciences|abstract|introduction|keywords|article|open|access|"
    r"journal|proceedings|conference|network|networks|learning|system|systems|analysis|model|models|data|method|"
    r"methods|study|review|paper|original|volume|issue|part|chapter|section|transactions|letters|international|national|state|society|"
    r"technology|technologies|engineering|our|their|its|new|using|towards?|via|based|between|through|under|"
    r"over|into|about|sets?|functions?|graphs?|learning|processing|parsing|modell?ing|computing|programming|"
    r"reasoning|planning|understanding|matching|clustering|ranking|training|testing|making|group|inc|ltd|llc|corporation|company|press|россия|russia|"
    r"университет|институт|академия|кафедра|факультет|лаборатория|аннотация|введение|статья|journal)$",
    re.IGNORECASE)
_COMPANY = {"inc", "ltd", "corp", "llc", "gmbh", "plc", "ооо", "оао", "зао", "пао"}
_JOINERS = {"and", "и", "та", "і", "und", "et"}
_NOT_NAME_ENDING = re.compile(r"(?:[a-z]tions?|[a-z]sions?|ness|ities|ology|ologies|ysis|yses|isms?|ances|ences|"
                              r"ние|ния|ция|ции|ость|ости)$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*|и\s+|та\s+)?|;\s*|\s(?:and|и|та|і|&|und|et)\s)\s*", re.IGNORECASE)
_LETTER_MARKS = re.compile(r"(?<=[^\W\d_])\s+[a-hj-z](?:\s*,\s*[a-z])*(?=\s*(?:[,;*†‡]|$|\s(?:and|&)\s))")


def _tokens(text: str) -> list[str]:
    """'И.С.ПЕТРОВА' -> ['И.', 'С.', 'ПЕТРОВА']: initials glued to each other or to a word are split."""
    text = re.sub(rf"([{UP}][{LO}]{{0,2}}\.)(?=[{UP}])", r"\1 ", text)
    return text.split()


def _is_initial(tok: str) -> bool:
    return bool(_INITIAL.match(tok))


def fix_case(word: str) -> str:
    """ZHOU -> Zhou, СЛОБОДЯНЮК -> Слободянюк, SMITH-UNNA and Шотова-НИКОЛЕНКО -> Smith-Unna, Шотова-Николенко,
    O'NEIL -> O'Neil, ГРИГОР’ЄВ -> Григор’єв (an apostrophe inside a word is not a new name part); Mixed stays."""
    return "-".join(_fix_part(p) for p in word.split("-"))


def _fix_part(word: str) -> str:
    if not (word.isupper() and len(word) > 1):
        return word
    parts = re.split(r"([’'])", word)
    out = []
    for i, part in enumerate(parts):
        new_name = i == 0 or (parts[i - 1] in "’'" and len(parts[i - 2]) == 1)
        out.append(part[:1] + part[1:].lower() if new_name else part.lower())
    return "".join(out)


_ROLE_TAIL = re.compile(r"\s+(?:канд\.|кандидат|д-р|докт\.|доктор|доц\.|доцент|проф\.|професор|профессор|"
                        r"ст\.\s?преп|спеціаліст|специалист|студент|студ\.|аспірант|аспирант|магістрант|магистрант|"
                        r"викладач|преподаватель|инж\.|інж\.|инженер|інженер)(?:\s.*|$)", re.IGNORECASE)


def clean_printed(text: str) -> str:
    """A printed name without affiliation marks, footnote signs or a role word before or after it."""
    text = _ROLE_TAIL.sub("", re.sub(r"\s+", " ", _MARKS.sub(" ", text)))
    text = re.sub(r"^[\d\s,.]+|[\d\s,]+$", "", text)
    text = _ROLE_LEAD.sub("", text).strip(" ,;")
    if text.endswith(".") and not _is_initial(_tokens(text)[-1]) and text.split()[-1].lower() not in _SUFFIXES:
        text = text[:-1]
    return text


def is_name(printed: str) -> bool:
    """Does this piece of an author line read as one person's name?"""
    toks = _tokens(printed)
    toks = [t.rstrip(",") for t in toks if t != ","]
    if not 1 <= len(toks) <= 5 or re.search(r"\d|@|[()«»\"/:]", printed):
        return False
    if any(t.lower().rstrip(".,") in _COMPANY for t in toks):
        return False  # "Google, Inc.": a company's suffix is not an initial
    words = [t for t in toks if not _is_initial(t) and t.lower() not in PARTICLES and t.lower() not in _SUFFIXES]
    if not words or any(not _WORD.match(w) or _NOT_NAME.match(w.rstrip(".")) for w in words):
        return False
    if any(len(w.rstrip(".")) < 2 for w in words):
        return False
    shouted = all(w.isupper() for w in words)
    if shouted and any(_is_initial(t) and "." not in t for t in toks):
        return False  # "МАТЕРИАЛЫ К КЛАССИФИКАЦИИ": a capital preposition, not an initial
    if len(words) == len(toks) and len(words) < 2:
        return False  # a single word is a surname only next to initials
    if len(words) == len(toks) and any(_NOT_NAME_ENDING.search(w) for w in words):
        return False  # "Confluent Preorder Parsing": words of a title, not of a name
    return len(words) <= 4


def parse_person(printed: str) -> dict | None:
    """'И. С. ПЕТРОВА' -> {'family': 'Петрова', 'given': 'И. С.'}; None when it is not a name."""
    printed = clean_printed(printed)
    if not is_name(printed):
        return None
    toks = _tokens(printed.replace(",", " "))
    suffix = None
    if len(toks) > 2 and toks[-1].lower() in _SUFFIXES:
        suffix = toks.pop()
    initials = [i for i, t in enumerate(toks) if _is_initial(t) or _undotted_initials(toks, i)]
    if initials:
        if _is_initial(toks[-1]) and not _is_initial(toks[0]):  # Петрова И. С.
            cut = initials[0]
            family, given = toks[:cut], toks[cut:]
        elif initials[0] == 0 and "." in toks[0]:  # И. С. Петрова; H. Sebastian Seung: given names go on
            cut = max(i for i in initials if all(j in initials for j in range(i + 1))) + 1
            family, rest = _full_names(toks[cut:]) if len(toks) - cut > 1 else (toks[cut:], [])
            if all(t.lower() in PARTICLES for t in rest):  # J. van der Berg
                family, rest = rest + family, []
            given = toks[:cut] + rest
        else:  # Daniel S. Weld / Gustavo de Veciana / Soraya CM Leal-Bertioli
            family, given = _western(toks)
    else:
        family, given = _full_names(toks)
    if not family:
        return None
    out = {"family": " ".join(_case_family(family)), "given": " ".join(_case_given(given)) or None}
    if suffix:
        out["suffix"] = suffix
    return out


def _undotted_initials(toks: list[str], i: int) -> bool:
    """'CM' in 'Soraya CM Leal-Bertioli': capitals without a vowel between a given and a family name."""
    t = toks[i]
    return 0 < i < len(toks) - 1 and t.isupper() and len(t) <= 3 and not re.search("[AEIOUYАЕЁИОУЫЭЮЯІЇЄ]", t)


def _western(toks: list[str]) -> tuple[list[str], list[str]]:
    """Given names first, then the family name with any particles before it ('de Veciana')."""
    cut = len(toks) - 1
    while cut > 1 and toks[cut - 1].lower() in PARTICLES:
        cut -= 1
    return toks[cut:], toks[:cut]


def _full_names(toks: list[str]) -> tuple[list[str], list[str]]:
    letters = [t for t in toks if t.lower() not in PARTICLES]
    caps = [i for i, t in enumerate(toks) if t.isupper() and len(t) > 1]
    if caps and len(caps) < len(letters):  # ZHOU Xinghong, Chris QUIRK: the word in capitals is the family name
        first, last = caps[0], caps[-1]
        while first > 0 and toks[first - 1].lower() in PARTICLES:
            first -= 1
        return toks[first:last + 1], toks[:first] + toks[last + 1:]
    cyrillic = bool(re.search("[А-Яа-яЁёІіЇїЄєҐґ]", " ".join(toks)))
    if cyrillic and len(toks) == 3:
        if _PATRONYMIC.search(toks[2]):
            return toks[:1], toks[1:]  # Иванов Иван Иванович
        if _PATRONYMIC.search(toks[1]):
            return toks[2:], toks[:2]  # Иван Иванович Иванов
    if cyrillic and len(toks) == 2 and _RU_SURNAME.search(toks[0]) and not _RU_SURNAME.search(toks[1]):
        return toks[:1], toks[1:]  # Петров Иван
    return _western(toks)


def _case_family(words: list[str]) -> list[str]:
    shouted = all(w.isupper() for w in words if len(w) > 1)
    return [w.lower() if shouted and w.lower() in PARTICLES and i < len(words) - 1 else fix_case(w)
            for i, w in enumerate(words)]


def _case_given(words: list[str]) -> list[str]:
    return [w if _is_initial(w) else fix_case(w) for w in words]


def split_byline(text: str) -> list[str]:
    """Pieces of an author line between separators and affiliation marks, roles and degrees dropped."""
    text = re.sub(r"^©\s*(?:(?:19|20)\d\d)?\s*", "", text.strip())
    text = re.sub(rf"[*†‡§¶☯∗✉⁎⊥]+(?:\s*,\s*[*†‡§¶☯∗✉⁎⊥\d]+)*\s+(?=[{UP}])", ", ", text)
    text = re.sub(r"\(\d+(?:\s*,\s*\d+)*\)", " ", text)
    text = re.sub(rf"(?<=[{LO}])\s?\d+(?:\s*,\s*\d+)*[*†‡]*,?\s+(?=[{UP}])", ", ", text)
    text = _LETTER_MARKS.sub("", text)
    pieces: list[str] = []
    for piece in _SPLIT.split(text):
        piece = clean_printed(piece)
        if not piece or _ROLE.match(piece) or not re.search(rf"[{UP}{LO}]", piece):
            continue
        toks = _tokens(piece)
        if pieces and all(_is_initial(t) for t in toks) and not any(_is_initial(t) for t in _tokens(pieces[-1])):
            pieces[-1] = f"{pieces[-1]}, {piece}"  # "Петрова, И. С.": the initials belong to the surname before
        else:
            pieces.extend(_run_together(piece))
    return pieces


def _run_together(piece: str) -> list[str]:
    """'Marcus J. Huber Edmund H. Durfee' (no separator printed) -> two names, when it splits cleanly."""
    toks = _tokens(piece)
    if is_name(piece) or len(toks) < 4 or not _DOTTED.search(piece):
        return [piece]
    best: list[list[str]] | None = None

    def walk(i: int, parts: list[list[str]]) -> None:
        nonlocal best
        if best is not None:
            return
        if i == len(toks):
            best = parts
            return
        for j in (i + 2, i + 3, i + 4):
            part = toks[i:j]
            if j <= len(toks) and not _is_initial(part[-1]) and is_name(" ".join(part)):
                walk(j, [*parts, part])

    walk(0, [])
    return [" ".join(p) for p in best] if best and len(best) > 1 else [piece]


def byline_names(text: str) -> list[str]:
    """The printed names of an author line, or [] when the line is not only names (cached: the front
    matter asks about the same lines several times)."""
    return list(_byline_names(text))


@lru_cache(maxsize=8192)
def _byline_names(text: str) -> tuple[str, ...]:
    """A single name with no initials counts only when its case marks the family name
    ('Chris QUIRK'), since a short title in capitalised words reads the same.
    """
    if len(text) > 300:
        return ()
    lower = [w for w in text.split() if w[:1].islower() and w[-1].isalpha() and w.lower() not in PARTICLES
             and w not in _JOINERS and not _ROLE.match(w)]
    if len(lower) > 4:
        return ()  # running words: a sentence or a title, not a list of names
    pieces = split_byline(text)
    if not pieces or not all(is_name(p) for p in pieces):
        return ()
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) > 0.8 * len(letters) and not all(_DOTTED.search(p) for p in pieces):
        return ()  # a line in capitals is an author line only with initials: "И. И. ИВАНОВ, П. П. ПЕТРОВ"
    if len(pieces) == 1:
        toks = _tokens(pieces[0])
        words = [t for t in toks if not _is_initial(t)]
        has_initial = len(words) < len(toks)
        caps = [w for w in words if w.isupper() and len(w) > 1]
        if not has_initial and not (0 < len(caps) < len(words)) and caps:
            return ()
    return tuple(pieces)


_AFFILIATION = re.compile(r"(университет|універсітет|університет|інститут|институт|академи|universit|institut|academy|"
                          r"college|колледж|school|лаборатор|laborator|faculty|факультет|кафедр|department)",
                          re.IGNORECASE)


def strip_affiliation(text: str) -> str:
    """'П. И. ГЕРБ, доц. Е. И. МАНУИЛОВ, магистрант Криворожский национальный университет' -> the part
    before the institution's name (its adjectives walked back to an initial, a role word or a comma)."""
    m = _AFFILIATION.search(text)
    if not m:
        return text
    head = text[:m.start()].rstrip()
    toks = head.split()
    while toks and not _is_initial(toks[-1]) and not toks[-1].endswith(",") and not _ROLE.match(toks[-1]) \
            and not (toks[-1].isupper() and len(toks[-1]) > 1):
        toks.pop()
    return " ".join(toks)
