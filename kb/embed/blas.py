"""Set numpy's BLAS thread count directly, only when it has to change.

Entering a threadpoolctl ``limit()`` context on every encode call costs more than the
forward pass of a short query, so the count is set once and left in place; it is
changed again only when a caller asks for a different count.  Only numpy's own BLAS is
touched: FAISS and other libraries keep their thread settings.
"""

from __future__ import annotations

import threading
from typing import Any


class BlasThreads:
    """Process-wide setter for the thread count of numpy's BLAS."""

    def __init__(self) -> None:
        self._libs: list[Any] | None = None
        self._lock = threading.Lock()

    def _controllers(self) -> list[Any]:
        # Scanning the loaded libraries is the slow part of threadpoolctl: do it once.
        if self._libs is None:
            try:
                from threadpoolctl import ThreadpoolController

                libs = ThreadpoolController().select(user_api="blas").lib_controllers
            except Exception:  # threadpoolctl missing or broken: run with the defaults
                libs = []
            ours = [lib for lib in libs if "numpy" in str(getattr(lib, "filepath", "")).lower()]
            self._libs = ours or list(libs)
        return self._libs

    def set(self, n: int) -> None:
        """Make numpy's BLAS use ``n`` threads from now on (a no-op when it already does)."""
        with self._lock:
            for lib in self._controllers():
                if lib.get_num_threads() != n:
                    lib.set_num_threads(n)

    def get(self) -> int | None:
        """Current thread count of numpy's BLAS, or None when it cannot be controlled."""
        libs = self._controllers()
        return libs[0].get_num_threads() if libs else None


BLAS = BlasThreads()
