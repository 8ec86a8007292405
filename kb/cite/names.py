"""Person names as printed in papers -> (surname, initials), the form every citation style needs."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UP = "A-ZА-ЯЁІЇЄҐЎ"
_INITIAL = re.compile(rf"[{_UP}]\.")
_ORG_WORDS = re.compile(
    r"\b(?:consulting|bank|university|ministry|committee|cent(?:er|re)|institute|agency|office|group|association|"
    r"council|commission|foundation|service|corporation|company|inc|ltd|gmbh|оон|центр|комитет|служба|министерство|"
    r"университет|институт|агентство|ассоциация|фонд|росстат|правительство)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    surname: str
    initials: tuple[str, ...]  # "И", "О"
    literal: bool = False  # an organisation, printed as is
    given: str = ""  # the given names as printed ("John", "И. С."), when known apart from the surname

    def initials_dotted(self, sep: str = " ") -> str:
        return sep.join(f"{i}." for i in self.initials)


def initials_of_given(given: str) -> tuple[str, ...]:
    """'И. С.' -> ('И', 'С'); 'John Ronald' -> ('J', 'R'); 'Jean-Pierre', 'Ж.-П.' -> ('J.-P',), ('Ж.-П',);
    'Кр. Л.' -> ('Кр', 'Л'): a printed two-letter initial stays."""
    out = []
    for m in re.finditer(r"([^\W\d_]+)(\.?)((?:-[^\W\d_]+\.?)*)", given or ""):
        word, dot, rest = m[1], m[2], m[3]
        if rest:
            parts = [word] + [x.strip(".") for x in rest.split("-") if x.strip(".")]
            out.append(".-".join(x[:1].upper() for x in parts))
        elif dot and len(word) <= 3 and word[1:].islower():
            out.append(word)  # И. / Кр. / Дж.
        else:
            out.append(word[:2] if word.startswith("Дж") else word[0].upper())
    return tuple(out)


def from_parts(family: str, given: str | None) -> Name:
    """A Name from a family name and given names already told apart (kb's parsed authors)."""
    family = re.sub(r"\s+", " ", family or "").strip()
    if not given:
        return Name(family, (), literal=len(family.split()) > 2 or not family)
    return Name(family, initials_of_given(given), given=given.strip())


def _fix_case(word: str) -> str:
    """ZHOU -> Zhou, СЛОБОДЯНЮК -> Слободянюк, Шотова-НИКОЛЕНКО -> Шотова-Николенко."""
    parts = re.split(r"([-’'])", word)
    return "".join(p.capitalize() if p.isupper() and len(p) > 1 else p for p in parts)


def parse_name(text: str) -> Name:
    """Accepts 'Иванов И. И.', 'И. И. Иванов', 'ZHOU Xinghong', 'Илькевич Сергей Викторович', 'Andrii Butenko'."""
    text = re.sub(r"\s+", " ", text.replace(",", " ")).strip()
    initials = [m[0] for m in _INITIAL.findall(text)]
    words = [w for w in _INITIAL.sub(" ", text).split() if any(c.isalpha() for c in w)]
    if re.search(r"[&«»\"]", text) or _ORG_WORDS.search(text) or (
            not initials and (len(words) > 3 or re.search(r"\d", text))):
        return Name(text, (), literal=True)  # "World Bank & Partners", "Deloitte Insights 2023"
    if initials and len(words) == 1:
        return Name(_fix_case(words[0]), tuple(initials))
    if not initials and len(words) >= 2:
        first_upper = words[0].isupper() and len(words[0]) > 1 and not words[1].isupper()
        patronymic = re.search(r"(вич|вна|ична|івна)$", words[-1]) is not None
        if first_upper or patronymic or len(words) == 3 and _looks_cyrillic(text):
            surname, given = words[0], words[1:]  # ZHOU Xinghong, Иванов Иван Иванович
        else:
            surname, given = words[-1], words[:-1]  # Andrii Butenko
        return Name(_fix_case(surname), tuple(g[0].upper() for g in given))
    return Name(text, (), literal=True)


def _looks_cyrillic(text: str) -> bool:
    return bool(re.search("[а-яё]", text.lower()))
