"""MinHash signatures of a paper's text, and their bands for a sub-linear look-up in SQLite.

A copy of a paper (a scan, the same pages cut from its volume) shares most of its word 3-grams
with the original, while two different papers, even from one template or by one author, share
few. The Jaccard similarity of the two shingle sets is estimated from 128 min-hashes; the
signature is cut into 32 bands of 4 values, and a paper is a candidate when it shares one band
(probability 1 - (1 - J^4)^32: 0.87 at J = 0.5, 0.999 at J = 0.7, 0.04 at J = 0.2). Hashes are
stable across processes (CRC-32 of the shingle, universal hashing mod a Mersenne prime), since
signatures are stored.
"""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

NUM_PERM = 128
ROWS = 4
BANDS = NUM_PERM // ROWS
SHINGLE = 3
_PRIME = (1 << 31) - 1
_rng = np.random.default_rng(20240611)
_A = _rng.integers(1, _PRIME, NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def shingles(text: str) -> set[int]:
    """Stable 32-bit hashes of the text's word 3-grams (case- and ё-folded)."""
    words = _WORD.findall(text.casefold().replace("ё", "е"))
    return {zlib.crc32(" ".join(words[i:i + SHINGLE]).encode()) for i in range(max(len(words) - SHINGLE + 1, 0))}


def signature(hashes: set[int]) -> np.ndarray:
    """128 min-hashes (uint32); all maximal for an empty set, which then matches nothing real."""
    if not hashes:
        return np.full(NUM_PERM, _PRIME, dtype=np.uint32)
    h = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    out = np.full(NUM_PERM, _PRIME, dtype=np.uint64)
    for start in range(0, len(h), 4096):  # bounded memory for a long paper
        block = h[start:start + 4096, None]
        out = np.minimum(out, ((block * _A + _B) % _PRIME).min(axis=0))
    return out.astype(np.uint32)


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def bands(sig: np.ndarray) -> list[tuple[int, int]]:
    """(band, signed 64-bit hash of its 4 values) for each band."""
    raw = sig.astype("<u4").tobytes()
    step = ROWS * 4
    return [(b, int.from_bytes(hashlib.blake2b(raw[b * step:(b + 1) * step], digest_size=8).digest(),
                               "little", signed=True)) for b in range(BANDS)]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM
