"""A recommendation that asks several things, split into the things it asks.

"Define roles, contributions, benefit sharing and confidentiality" is four claims; one vector for
the whole sentence finds the best-covered one and hides that the others have no support. The
split is by form, in Russian and English alike: sentences, clauses after ';', ':' or a dash,
a reason clause ("because …", "поскольку …"), and an enumeration of three or more short items,
each kept with the words that govern it ("define roles", "define contributions", …).
"""

from __future__ import annotations

import re

MIN_WORDS = 2  # an aspect shorter than this is not a claim of its own
MAX_ITEM_WORDS = 4  # longer comma-separated parts are clauses, not items of a list

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ])")
_CLAUSE = re.compile(r"\s*;\s*|:\s+|\s+[—–]\s+")
_REASON = re.compile(r",?\s+(?=(?:because|since|as this|so that|which means|поскольку|так как|потому что|"
                     r"чтобы|ибо|что позволяет|это позволяет)\b)", re.IGNORECASE)
_LAST_AND = re.compile(r"\s*,?\s+(?:and|or|и|или|а также)\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _enumeration(clause: str) -> list[str]:
    """'define roles, contributions and confidentiality' -> each item with its governing words."""
    parts = [p.strip() for p in clause.split(",")]
    if len(parts) < 2:
        return [clause]
    tail = _LAST_AND.split(parts[-1], maxsplit=1)
    items = parts[1:-1] + tail
    if len(items) < 2 or any(not 0 < _words(x) <= MAX_ITEM_WORDS for x in items):
        return [clause]
    first = parts[0].split()
    size = max(1, min(len(first) - 1, round(sum(_words(x) for x in items) / len(items))))
    if len(first) <= size:
        return [clause]
    head, item1 = " ".join(first[:-size]), " ".join(first[-size:])
    return [f"{head} {x}".strip() for x in [item1, *items]]


def split(recommendation: str) -> list[str]:
    """The aspects of a recommendation, in order; [] when it asks only one thing."""
    out: list[str] = []
    for sentence in _SENTENCE.split(recommendation.strip()):
        for clause in _CLAUSE.split(sentence):
            for part in _REASON.split(clause):
                part = part.strip(" ,.;:!?")
                if _words(part) >= MIN_WORDS:
                    out += [x for x in _enumeration(part) if _words(x) >= MIN_WORDS]
    return out if len(out) > 1 else []
