"""The web app's one way into the knowledge base: a connection, a Searcher and the embedder.

Threads. `kb.store.db.connect` opens SQLite with the module's default `check_same_thread=True`:
a connection may only be used by the thread that opened it. Starlette runs requests on the event
loop and a pool of threads, so something has to give. One connection per request thread would
mean one Searcher (and one copy of the FAISS index) per thread; one connection shared with
`check_same_thread=False` needs a lock around every use anyway. So the connection is opened by,
and only ever used on, a single worker thread: handlers hand it functions (`Service.run`) and
await the result. Queries take milliseconds and the app serves one person, so running them one
after another costs nothing, and the Searcher with its cached dense index is shared without locks.

The embedder (USE, 1–2 s to load) loads on a second thread that never touches the connection.
Until it is ready `Kb.ready` is False and pages fall back to lexical search; then it is attached
to the Searcher on the worker thread. A `kb ingest` made while serving is noticed through
SQLite's `PRAGMA data_version` and the Searcher is recreated, so its dense index is never stale.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kb.embed.base import Embedder
from kb.search.search import Searcher
from kb.store import db
from kb.themes import taxonomy as taxlib

log = logging.getLogger("kb.web")
T = TypeVar("T")
EVIDENCE_CACHE = 16  # recent evidence results kept, so the downloads after a report do not search again


@dataclass
class Kb:
    """What work functions get, on the worker thread only."""

    conn: sqlite3.Connection
    kb_dir: Path
    searcher: Searcher
    taxonomy: taxlib.Taxonomy
    embedder: Embedder | None = None
    facets: dict | None = None  # languages and years for the search form; None until computed
    evidence: OrderedDict = field(default_factory=OrderedDict)

    @property
    def ready(self) -> bool:
        return self.embedder is not None


def default_loader(service: Service) -> Embedder:
    """The knowledge base's own embedder, loaded and warmed (the first call allocates)."""
    from kb.search import indexing

    emb = service.submit(lambda kb: indexing.embedder_for(kb.conn, kb.kb_dir)).result()
    load = getattr(emb, "load", None)
    if load is not None:
        load()
    emb.embed_queries(["warm up"])
    return emb


class Service:
    """The knowledge base behind the app; see the module docstring for the threading."""

    def __init__(self, kb_dir: Path, *, load_model: bool = True,
                 loader: Callable[[Service], Embedder] = default_loader):
        self.kb_dir = Path(kb_dir)
        self.model_state = "loading" if load_model else "off"  # loading, ready, off, unavailable
        self.model_message = ""
        self._ready = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-db")
        self._kb: Kb | None = None
        self._version: int | None = None
        self._closed = False
        try:
            self._pool.submit(self._open).result()  # no knowledge base: the error reaches the caller now
        except BaseException:
            self._pool.shutdown(wait=False)
            raise
        self.taxonomy = self._kb.taxonomy  # immutable, safe to read from any thread
        if load_model:
            threading.Thread(target=self._load_model, args=(loader,), name="kb-model", daemon=True).start()
        else:
            self._ready.set()

    # --- the worker thread -----------------------------------------------------------------

    def _open(self) -> None:
        from kb.search import lexical

        conn = db.connect(self.kb_dir, create=False)
        lexical.ensure_index(conn)
        self._kb = Kb(conn, self.kb_dir, Searcher(conn, self.kb_dir, None), taxlib.load(None, self.kb_dir))
        self._version = self._data_version()

    def _data_version(self) -> int:
        return self._kb.conn.execute("PRAGMA data_version").fetchone()[0]

    def _refresh(self) -> None:
        """Another process committed (e.g. `kb ingest`): start from fresh caches."""
        version = self._data_version()
        if version != self._version:
            kb = self._kb
            kb.searcher = Searcher(kb.conn, kb.kb_dir, kb.embedder)
            kb.facets = None
            kb.evidence.clear()
            self._version = version

    def _call(self, fn: Callable[..., T], args: tuple) -> T:
        self._refresh()
        return fn(self._kb, *args)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future:
        """Run fn(kb, *args) on the worker thread."""
        return self._pool.submit(self._call, fn, args)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Await fn(kb, *args) run on the worker thread, without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(fn, *args))

    # --- the model thread ------------------------------------------------------------------

    def _load_model(self, loader: Callable[[Service], Embedder]) -> None:
        try:
            emb = loader(self)
            self.submit(_attach, emb).result()
            self.model_state = "ready"
        except Exception as exc:  # the app keeps serving lexical search
            log.warning("kb serve: the embedder could not be loaded: %s", exc)
            self.model_state, self.model_message = "unavailable", " ".join(str(exc).split())[:300]
        finally:
            self._ready.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the model has loaded or failed; True when it is ready."""
        self._ready.wait(timeout)
        return self.model_state == "ready"

    def status(self) -> dict:
        return {"model": self.model_state, "message": self.model_message}

    def close(self) -> None:
        """Close the connection on its own thread and stop the worker; a second call does nothing."""
        if self._closed:
            return
        self._closed = True

        def close_conn() -> None:
            if self._kb is not None:
                self._kb.conn.close()

        try:
            self._pool.submit(close_conn).result(timeout=5)
        finally:
            self._pool.shutdown(wait=False)


def _attach(kb: Kb, emb: Embedder) -> None:
    """Give the Searcher the embedder and load the dense index now rather than on the first query."""
    from kb.search import vectors

    vectors.check_embedder(kb.conn, emb)
    kb.embedder = emb
    kb.searcher = Searcher(kb.conn, kb.kb_dir, emb)
    if vectors.recorded_embedder(kb.conn) is not None:
        kb.searcher.search("warm up", k=1)
