"""Text embedders: USE multilingual v3 by default, sentence-transformers models as an extra."""

from kb.embed.base import DEFAULT_SPEC, Embedder, get_embedder

__all__ = ["DEFAULT_SPEC", "Embedder", "get_embedder"]
