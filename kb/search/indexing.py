"""What ingest does for search: the full-text row and the vectors of every new passage.

Runs inside the ingest transaction, so a passage is never stored without them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kb.embed.base import DEFAULT_SPEC, Embedder, canonical_spec, get_embedder
from kb.ingest.model import Passage
from kb.search import lexical, vectors


def embedder_for(conn: sqlite3.Connection, kb_dir: Path, spec: str | None = None) -> Embedder:
    """The embedder to use: the one asked for, else the one that made the stored vectors."""
    if spec is None:
        rec = vectors.recorded_embedder(conn)
        spec = rec["name"] if rec else DEFAULT_SPEC
    key = canonical_spec(spec)
    return get_embedder(key, cache_dir=Path(kb_dir) / "cache" / key.replace(":", "_").replace("/", "_")[:80])


def passage_hook(embedder: Embedder | None):
    """The ingest hook: lexical index always, vectors when an embedder is given."""

    def on_passages(conn: sqlite3.Connection, ids: list[int], passages: list[Passage]) -> None:
        lexical.index_passages(conn, ids, [p.text for p in passages])
        if embedder is not None:
            vectors.embed_and_store(conn, embedder, ids, passages)

    return on_passages
