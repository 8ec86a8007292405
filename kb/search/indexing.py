"""What ingest does for search: the full-text row and the vectors of every new passage.

Runs inside the ingest transaction, so a passage is never stored without them.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from kb.embed.base import DEFAULT_SPEC, Embedder, canonical_spec, get_embedder
from kb.errors import EmbedderMismatch
from kb.ingest.hooks import IndexHook
from kb.ingest.model import Passage
from kb.search import lexical, vectors


def embedder_for(conn: sqlite3.Connection, kb_dir: Path, spec: str | None = None, *,
                 switching: bool = False) -> Embedder:
    """The embedder to use: the one asked for, else the one that made the stored vectors.

    Asking for another model than the stored vectors' is an error unless `switching` (reindex).
    """
    rec = vectors.recorded_embedder(conn)
    if spec is None:
        spec = rec["name"] if rec else DEFAULT_SPEC
    key = canonical_spec(spec)
    if rec is not None and rec["name"] != key and not switching:
        raise EmbedderMismatch(
            f"this knowledge base was indexed with {rec['name']} ({rec['dim']}-d), not {key}; "
            f"search with --model {rec['name']}, or re-embed with `kb reindex --model {key}`")
    return get_embedder(key, cache_dir=model_cache_dir(key))


def model_cache_dir(key: str) -> Path:
    """Where an embedder keeps its fast-loading copy: shared by every knowledge base of the user."""
    base = Path(os.environ.get("KB_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb")
    return base / key.replace(":", "_").replace("/", "_")[:80]


class SearchIndexHook(IndexHook):
    """Ingest hook: full-text rows always; vectors, embedded before the write, when an embedder is set."""

    def __init__(self, embedder: Embedder | None, tagger=None):
        self.embedder = embedder
        self.tagger = tagger  # kb.themes.tagger.Tagger: themes are scored from the same vectors

    def prepare(self, passages: list[Passage]) -> object:
        return vectors.embed(self.embedder, passages) if self.embedder is not None else None

    def forget(self, conn: sqlite3.Connection, file_id: int) -> None:
        lexical.forget_file(conn, file_id)

    def store(self, conn: sqlite3.Connection, ids: list[int], passages: list[Passage], prepared: object) -> None:
        lexical.index_passages(conn, ids, [p.text for p in passages])
        if self.embedder is not None:
            vectors.store(conn, self.embedder, ids, prepared)
            if self.tagger is not None:
                from kb.themes import store as theme_store

                units = [theme_store.passage_units(p.text, p.sentences, v, sv)
                         for p, v, sv in zip(passages, prepared.passages, prepared.sentences, strict=True)]
                theme_store.write_tags(conn, ids, self.tagger.tag_passages(units))
                if theme_store.stored_taxonomy(conn) is None:
                    theme_store.record_taxonomy(conn, self.tagger)


def passage_hook(embedder: Embedder | None, tagger=None) -> SearchIndexHook:
    return SearchIndexHook(embedder, tagger)
