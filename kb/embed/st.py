"""Any sentence-transformers model from a local folder or the local HF cache (``st:NAME_OR_PATH``).

An optional extra (``pip install 'kb[st]'``): torch is heavy, so it is imported only
when such a model is asked for.  Weights are never downloaded at run time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kb.embed.base import Embedder, normalise_rows
from kb.errors import KbError

E5_PREFIXES = ("query: ", "passage: ")
# "e5" as a name token (multilingual-e5-small, e5-base-v2), not inside a hex hash like "3e5f".
_E5_TOKEN = re.compile(r"(?<![a-z0-9])e5(?![a-z0-9])")


def choose_prefixes(name: str, prompts: Mapping[str, str] | None) -> tuple[str, str]:
    """(query prefix, passage prefix) for a model.

    Prompts the model ships under "query" and "passage" (or "document") win; otherwise
    E5 models, recognised by name, get the "query: " / "passage: " prefixes they were
    trained with; any other model gets none.
    """
    prompts = prompts or {}
    query = prompts.get("query") or ""
    passage = prompts.get("passage") or prompts.get("document") or ""
    if query or passage:
        return query, passage
    if _E5_TOKEN.search(name.lower()):
        return E5_PREFIXES
    return "", ""


def _import_st() -> Any:
    # Set before the import: huggingface_hub reads it once, when it is first imported.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar on stderr
    try:
        import sentence_transformers
    except ImportError:
        raise KbError("sentence-transformers is not installed: pip install 'kb[st]'") from None
    return sentence_transformers


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on CPU, with E5-style prefixes when the model wants them."""

    def __init__(self, model: str) -> None:
        st = _import_st()
        self.name = "st:" + model
        try:
            self.model = st.SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as e:
            if Path(model).expanduser().exists():
                reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
                raise KbError(f"cannot load the sentence-transformers model in {model}: {reason}") from None
            raise KbError(
                f"sentence-transformers model {model!r} is not on this machine and weights cannot be "
                "downloaded here: point --model st:/local/path at a local model folder"
            ) from None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if not dim:
            raise KbError(f"cannot tell the embedding size of the sentence-transformers model {model!r}")
        self.dim = int(dim)
        self.version = f"sentence-transformers {st.__version__}; model {model}"
        self.query_prefix, self.passage_prefix = choose_prefixes(model, getattr(self.model, "prompts", None))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.query_prefix)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.passage_prefix)

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a list of strings, not a single string")
        batch = list(texts)
        if not batch:
            return np.zeros((0, self.dim), dtype=np.float32)
        # prompt="" (not None) so a default_prompt_name in the model config cannot add a prefix
        vecs = self.model.encode(
            batch,
            prompt=prefix,
            batch_size=32,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return normalise_rows(vecs)
