"""Read each file in a child process with a time and memory limit.

A hostile PDF (a decompression bomb, a page tree thousands of levels deep, a reader bug that
crashes MuPDF) must cost one error line, not the ingest run: the child is killed when it runs
out of time, fails cleanly when it runs out of address space, and a crash of the child is
reported like any other unreadable file. What is already stored is never touched by the child.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from kb.errors import IngestError
from kb.proc import die_with_parent

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    seconds: float = 300.0  # wall time to read one file (OCR of a long scan is the slow case)
    memory_mb: int = 3072  # extra address space one file may use
    max_pages: int = 5000
    isolate: bool = True  # False: read in this process (no time or memory limit)


def _vm_size() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run(fn: Callable[[], T], limits: Limits) -> T:
    """fn() in a forked child under the limits; its IngestError (or a limit) becomes IngestError here."""
    if not limits.isolate or not hasattr(os, "fork"):
        return fn()
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        status = 0
        try:
            import faulthandler

            faulthandler.disable()  # a crash is reported by the parent in one line, not as a dump
            die_with_parent(parent)
            cap = _vm_size() + limits.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            try:
                payload = ("ok", fn())
            except IngestError as exc:
                payload = ("error", str(exc))
            except MemoryError:
                payload = ("error", f"needs more than {limits.memory_mb} MB of memory to read "
                                    "(limit: --max-memory)")
            except Exception as exc:  # a library bug: reported, never raised into the parent
                text = str(exc)
                if "malloc" in text.lower() or "out of memory" in text.lower():
                    text = f"needs more than {limits.memory_mb} MB of memory to read (limit: --max-memory)"
                    payload = ("error", text)
                else:
                    payload = ("error", f"unexpected error: {type(exc).__name__}: {text}")
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                n = os.write(write_fd, view[:1 << 20])
                view = view[n:]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + limits.seconds
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise IngestError(f"took longer than {limits.seconds:g} s to read (limit: --max-seconds)")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        raise IngestError(f"the PDF reader crashed on this file ({signal.Signals(sig).name})")
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except Exception as exc:
        raise IngestError("the PDF reader stopped without a result (out of memory?)") from exc
    if kind == "error":
        raise IngestError(value)
    return value
