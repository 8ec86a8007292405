"""Field values -> character spans of the entry they were read from: where in the printed text
is the title, where each author. Used to label kb's own entries for training (values were
labelled, positions not) and to give the model the rules' reading of an entry as features.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

_FOLD = str.maketrans({"–": "-", "—": "-", "ё": "е", "«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})


def fold(text: str) -> str:
    """Lower case, one dash, one quote mark, е for ё; the same length as text (offsets hold)."""
    low = text.lower()
    if len(low) != len(text):  # 'İ' lowers to two characters
        low = "".join(c.lower()[:1] or c for c in text)
    return low.translate(_FOLD)


@lru_cache(maxsize=256)
def _folded(raw: str) -> tuple[str, tuple[int, ...]]:
    """raw folded and without white space, with each kept character's offset in raw."""
    folded = fold(raw)
    offsets = tuple(i for i, ch in enumerate(raw) if not ch.isspace())
    return "".join(folded[i] for i in offsets), offsets


def find(raw: str, value: str, taken: list[tuple[int, int]], after: int = 0) -> tuple[int, int] | None:
    """The first occurrence of value in raw at or after `after` (case, dashes and quotes folded,
    white space ignored) that does not overlap a span already taken."""
    needle = "".join(fold(value).split())
    if not needle:
        return None
    hay, offsets = _folded(raw)
    k = bisect.bisect_left(offsets, after)
    while (k := hay.find(needle, k)) >= 0:
        s, e = offsets[k], offsets[k + len(needle) - 1] + 1
        if not any(s < te and ts < e for ts, te in taken):
            return s, e
        k += 1
    return None


_INITIALS_AFTER = re.compile(r",?\s*(?:[A-ZА-ЯЁ][a-zа-яё]{0,2}\.\s?-?\s?)+|,?\s*[A-ZА-ЯЁ]{1,3}(?!\w)")
_INITIALS_BEFORE = re.compile(r"(?:[A-ZА-ЯЁ][a-zа-яё]{0,2}\.\s?-?\s?)+$")
_GIVEN_AFTER = re.compile(r",?\s+((?:[A-ZА-ЯЁ][\w'’\-]*\.?\s*){1,3})")
_GIVEN_BEFORE = re.compile(r"((?:[A-ZА-ЯЁ][\w'’\-]*\.?\s+){1,3})$")
_JOIN = re.compile(r"\s*(?:,|;)?\s*(?:(?:and|&|и)\s*)?")
_ETAL = re.compile(r"\s*,?\s*\[?(?:et\s+al\.?|и\s+др\.?)\]?")


def _given_words(words: list[str], letters: list[str]) -> int:
    """How many of `words` (in order) are given names or initials matching `letters`."""
    k = 0
    while k < len(words) and k < len(letters) and words[k][:1] == letters[k]:
        k += 1
    return k


def author_spans(raw: str, authors: list[str], taken: list) -> list[tuple[int, int]]:
    """Each printed occurrence of the labelled persons ('Surname I. O.'): the surname with the
    initials or full given names printed before or after it; runs of names joined by commas,
    'and', '&' or 'и' merge into one span, with an 'et al.' that closes them."""
    hits: list[tuple[int, int]] = []
    for a in authors:
        parts = a.split()
        given = [p for p in parts if p.endswith(".") and len(p) <= 5]
        surname = " ".join(p for p in parts if p not in given) or parts[0]
        letters = [c for g in given for c in re.findall(r"[A-ZА-ЯЁ]", g)]
        pos = 0
        while (m := find(raw, surname, taken + hits, pos)) is not None:
            s, e = m
            after = _INITIALS_AFTER.match(raw, e)
            if after and after.group(0).strip(" ,"):
                e = after.end()
            elif letters and (g := _GIVEN_AFTER.match(raw, e)):
                words = g.group(1).split()
                k = _given_words(words, letters)
                if k:
                    e = g.start(1) + len(" ".join(words[:k]))
            before = _INITIALS_BEFORE.search(raw[:s])
            left = letters
            if before:  # 'L. Johnson'; a full name may stand before the initials: 'Helen L. Johnson'
                s = before.start()
                left = letters[:max(0, len(letters) - len(re.findall(r"[A-ZА-ЯЁ]", before.group(0))))]
            if left and (g := _GIVEN_BEFORE.search(raw[:s])):
                words = g.group(1).split()[-len(left):]
                if _given_words(words, left) == len(words):
                    s = raw.rfind(words[0], 0, s)
            while e > s and raw[e - 1].isspace():
                e -= 1
            hits.append((max(s, 0), e))
            pos = e
    hits.sort()
    merged: list[list[int]] = []
    for s, e in hits:
        if merged and _JOIN.fullmatch(raw[merged[-1][1]:s]):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out = []
    for s, e in merged:
        m = _ETAL.match(raw, e)
        out.append((s, m.end() if m else e))
    return out


_ORDER = ("doi", "url", "accessed", "title", "container", "publisher", "place", "pages", "volume",
          "issue", "year")


def align(raw: str, fields: dict, strict: bool = True) -> list[tuple[int, int, str]] | None:
    """Spans for labelled fields; None when a field's value cannot be found in the raw text (or,
    not strict, that field left out)."""
    taken: list[tuple[int, int]] = []
    spans: list[tuple[int, int, str]] = []
    for f in _ORDER:
        value = fields.get(f)
        if not value:
            continue
        value = str(value)
        after = 0
        if f in ("pages", "volume", "issue", "year"):
            # numbers: prefer the occurrence after the title/container, off other spans
            ends = [e for s, e, lab in spans if lab in ("title", "container")]
            after = max(ends) if ends else 0
        hit = find(raw, value, taken, after) or find(raw, value, taken)
        if f == "year" and hit is None:
            continue
        if hit is None and f in ("pages",):
            hit = find(raw, value.replace("–", "-"), taken)
        if hit is not None and f in ("volume", "issue", "pages", "year"):
            s, e = hit  # a bare number must be a whole number, not a piece of one
            if (s > 0 and raw[s - 1].isdigit()) or (e < len(raw) and raw[e].isdigit()):
                hit = None
        if hit is None:
            if strict:
                return None
            continue
        taken.append(hit)
        spans.append((hit[0], hit[1], "date" if f == "year" else f))
    if fields.get("authors"):
        aspans = author_spans(raw, fields["authors"], taken)
        if not aspans and strict:
            return None
        spans.extend((s, e, "author") for s, e in aspans)
    return sorted(spans)


def token_labels(tokens: list, spans: list[tuple[int, int, str]], default: str = "O") -> list[str]:
    """The label of the span each token starts in."""
    out = []
    for t in tokens:
        lab = default
        for s, e, span_label in spans:
            if s <= t.start < e:
                lab = span_label
                break
        out.append(lab)
    return out
