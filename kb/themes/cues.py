"""Cue phrases matched on Snowball stems, in any word order within a short window.

"высокая стоимость" matches "стоимость оказалась слишком высокой"; every word of a cue counts,
so "increased by" does not fire on any "increase". A cue written ``re:PATTERN``
is a case-insensitive regular expression searched in the raw text, for what words cannot say:
figures ("re:\\d+\\s?%"), or an imperative at the start of a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.ingest.text import stem

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
SLACK = 2  # extra words allowed inside a multi-word cue's window


def tokens(text: str) -> list[str]:
    return [stem(t) for t in _TOKEN.findall(text.lower().replace("ё", "е"))]


@dataclass(frozen=True)
class Cue:
    phrase: str
    stems: tuple[str, ...]
    pattern: re.Pattern | None = None


def compile_cue(phrase: str) -> Cue | None:
    """A cue phrase ready to match; raises ValueError for a bad ``re:`` pattern."""
    if phrase.startswith("re:"):
        try:
            return Cue(phrase, (), re.compile(phrase[3:], re.IGNORECASE | re.MULTILINE))
        except re.error as exc:
            raise ValueError(f"cue {phrase!r}: {exc}") from exc
    words = _TOKEN.findall(phrase.lower().replace("ё", "е"))
    return Cue(phrase, tuple(stem(w) for w in words)) if words else None


def matches(cue: Cue, stems: list[str], positions: dict[str, list[int]], text: str = "") -> bool:
    """True when every stem of the cue occurs within a window of len(cue) + SLACK words."""
    if cue.pattern is not None:
        return cue.pattern.search(text) is not None
    first = positions.get(cue.stems[0])
    if not first:
        return False
    if len(cue.stems) == 1:
        return True
    width = len(cue.stems) + SLACK
    for start in first:
        window = set(stems[max(0, start - width + 1):start + width])
        if all(s in window for s in cue.stems[1:]):
            return True
    return False


def positions_of(stems: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, s in enumerate(stems):
        out.setdefault(s, []).append(i)
    return out


def matched(cues: list[Cue], text: str) -> list[str]:
    """The phrases of the cues that occur in `text`."""
    stems = tokens(text)
    pos = positions_of(stems)
    return [c.phrase for c in cues if matches(c, stems, pos, text)]
