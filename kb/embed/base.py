"""The embedder interface and the one place that turns a ``--model`` spec into an embedder.

The knowledge base stores ``name`` and ``version`` next to its vectors, so an index built by
one model is never searched with another model's query vectors.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from kb.errors import KbError

DEFAULT_SPEC = "use-m3"
_USE_ALIASES = frozenset({"use-m3", "use", "default"})
_ST_PREFIX = "st:"
VALID_SPECS = "use-m3 (default; also 'use', 'default') or st:NAME_OR_PATH"


class Embedder(ABC):
    """Text -> L2-normalised float32 vectors, so inner product is cosine similarity."""

    name: str
    dim: int
    version: str

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed stored passages: float32 array of shape (len(texts), dim), unit rows."""

    @abstractmethod
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries: float32 array of shape (len(texts), dim), unit rows."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim}, version={self.version!r})"


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """Contiguous float32 copy with unit rows; an all-zero row stays zero instead of becoming NaN."""
    out = np.array(x, dtype=np.float32, order="C", copy=True, ndmin=2)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.maximum(norms, np.float32(1e-12), out=norms)
    out /= norms
    return out


def canonical_spec(spec: str | None) -> str:
    """Map the accepted spellings of a spec onto one key; raises KbError for anything else."""
    s = (spec or DEFAULT_SPEC).strip()
    if s.lower() in _USE_ALIASES:
        return DEFAULT_SPEC
    if s[:3].lower() == _ST_PREFIX and s[3:].strip():
        return _ST_PREFIX + s[3:].strip()
    raise KbError(f"unknown embedder {spec!r}: use {VALID_SPECS}")


_INSTANCES: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def get_embedder(spec: str | None = DEFAULT_SPEC, cache_dir: Path | None = None) -> Embedder:
    """The process-wide embedder for ``spec``; models are large, so each is loaded once.

    ``cache_dir`` is where an embedder may keep a fast-loading copy of its weights
    (e.g. ``<kb_dir>/cache/use-m3``). It is used by whichever call creates the instance.
    """
    key = canonical_spec(spec)
    with _LOCK:
        emb = _INSTANCES.get(key)
        if emb is None:
            emb = _create(key, cache_dir)
            _INSTANCES[key] = emb
        return emb


def _create(key: str, cache_dir: Path | None) -> Embedder:
    if key == DEFAULT_SPEC:
        from kb.embed.use import UseEmbedder

        return UseEmbedder(cache_dir=cache_dir)
    from kb.embed.st import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(key[len(_ST_PREFIX) :])
