"""Helpers for the child processes kb forks (file readers, the embedding helper)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None) -> None:
    """Ask Linux to kill this child when its parent dies (e.g. `kb ingest` killed with SIGKILL).

    Without it a forked helper would outlive a killed ingest, holding its pipes open. Where
    prctl is unavailable this does nothing; the helper then exits when its pipe closes.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid if parent_pid is not None else os.getppid() == 1:
        os._exit(1)  # the parent died before prctl took effect (the orphan was re-parented)
