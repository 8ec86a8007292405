"""One passage text once in a result list, however many files hold it.

The same paper arrives as the publisher's PDF and as a scan, alone and inside its volume: each
copy's passages rank next to each other and fill the list with one text. A hit whose text is
mostly contained in a better-ranked hit's (word 3-gram shingles, containment over the shorter
text, so different chunk boundaries and OCR slips still match) is folded into that hit, which
names it under `also`. Only copies in different files are folded: within one file a repeated
caption or formula is the paper's own text. A text of fewer than MIN_SHINGLES shingles (a formula
fragment, a table cell) is never taken as a copy. Only the ranked candidates are compared, a few
dozen texts per query.
"""

from __future__ import annotations

import re

CONTAINMENT = 0.5  # share of the shorter text's shingles found in the other: the same text
SHINGLE = 3
MIN_SHINGLES = 8
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def shingles(text: str) -> frozenset[int]:
    """The text's word 3-grams, hashed (compared within one process only)."""
    words = _WORD.findall(text.casefold().replace("ё", "е"))
    if len(words) < SHINGLE:
        return frozenset([hash(tuple(words))]) if words else frozenset()
    return frozenset(map(hash, zip(words, words[1:], words[2:], strict=False)))


def containment(a: frozenset, b: frozenset) -> float:
    if min(len(a), len(b)) < MIN_SHINGLES:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def fold(ids: list[int], texts: dict[int, tuple[str, int]], k: int,
         ocr: frozenset[int] | set[int] = frozenset()) -> list[tuple[int, list[int]]]:
    """The first k groups of copies, in rank order of their best member: (that member, the others
    in rank order). Copies are linked when their texts, in different files, contain one another;
    a group is everything linked, so two pieces of one scanned passage and its born-digital
    original are one group whatever order they rank in; but two born-digital passages of one file
    (which a scanned passage spanning both would link) stay apart. texts: passage id -> (text,
    file id); ocr: the ids whose text was OCRed."""
    sh = [shingles(texts.get(pid, ("", -1))[0]) for pid in ids]
    files = [texts.get(pid, ("", -1))[1] for pid in ids]
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # the files of each group's born-digital members, kept at its root: two of one file never merge
    held = [set() if pid in ocr else {f} for pid, f in zip(ids, files, strict=True)]
    for i in range(len(ids)):
        for j in range(i):
            a, b = root(i), root(j)
            if a != b and files[i] != files[j] and not held[a] & held[b] \
                    and containment(sh[i], sh[j]) >= CONTAINMENT:
                top, low = min(a, b), max(a, b)
                parent[low] = top
                held[top] |= held[low]
    groups: dict[int, list[int]] = {}
    for i in range(len(ids)):
        groups.setdefault(root(i), []).append(ids[i])
    ordered = sorted(groups.items())[:k]  # a root is its group's best-ranked member
    return [(members[0], members[1:]) for _, members in ordered]


def best_copy(first: int, group: list[int], ocr: set[int]) -> tuple[int, list[int]]:
    """The copy to show and the others: a born-digital text over an OCRed one, else the best ranked."""
    if first in ocr:
        digital = next((pid for pid in group if pid not in ocr), None)
        if digital is not None:
            return digital, [first, *[pid for pid in group if pid != digital]]
    return first, group
