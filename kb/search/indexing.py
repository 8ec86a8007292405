"""What ingest does for search: the full-text row and the vectors of every new passage.

Runs inside the ingest transaction, so a passage is never stored without them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kb.embed.base import DEFAULT_SPEC, Embedder, canonical_spec, get_embedder
from kb.errors import EmbedderMismatch
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
    return get_embedder(key, cache_dir=Path(kb_dir) / "cache" / key.replace(":", "_").replace("/", "_")[:80])


def passage_hook(embedder: Embedder | None):
    """The ingest hook: lexical index always, vectors when an embedder is given."""

    def on_passages(conn: sqlite3.Connection, ids: list[int], passages: list[Passage]) -> None:
        lexical.index_passages(conn, ids, [p.text for p in passages])
        if embedder is not None:
            vectors.embed_and_store(conn, embedder, ids, passages)

    return on_passages
