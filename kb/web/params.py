"""Request parameters checked before anything uses them: every failure is a 4xx with one line.

Nothing from a request is ever a path: files are served by the id the database gave them. The
checks here still refuse path-like values (`../`), NUL and other control characters outright, so
a probe gets a clear 400 instead of travelling further.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from starlette.exceptions import HTTPException

MAX_QUERY = 2000  # characters of a search query or one recommendation
MAX_TEXT = 200  # characters of a short filter (author)
MAX_VALUES = 5000  # repeated values of one parameter (chosen papers and works)
MAX_BODY = 256 * 1024  # bytes of a posted form
MAX_QUERY_STRING = 16 * 1024  # bytes of a URL's query string
MAX_ID = 10**12

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRAVERSAL = re.compile(r"(?:^|[/\\])\.\.(?:[/\\]|$)")
_INT = re.compile(r"[+-]?[0-9]{1,13}")


class BadRequest(HTTPException):
    def __init__(self, message: str, status_code: int = 400):
        super().__init__(status_code=status_code, detail=message)


def problem(value: str) -> str | None:
    """Why a raw value is refused (control characters, a path-like part), or None."""
    if _CONTROL.search(value):
        return "control characters (such as %00) are not allowed"
    if _TRAVERSAL.search(value):
        return "path-like values ('../') are not allowed"
    return None


def check_all(pairs: Iterable[tuple[str, str]]) -> None:
    for key, value in pairs:
        why = problem(key) or problem(value)
        if why:
            raise BadRequest(f"parameter {key[:40]!r}: {why}")


def text(params: Mapping, name: str, limit: int = MAX_TEXT, default: str = "") -> str:
    value = params.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise BadRequest(f"{name}: expected text")
    value = value.strip()
    if len(value) > limit:
        raise BadRequest(f"{name}: too long ({len(value)} characters, at most {limit})")
    why = problem(value)
    if why:
        raise BadRequest(f"{name}: {why}")
    return value


def integer(params: Mapping, name: str, lo: int, hi: int, default: int | None = None) -> int | None:
    raw = text(params, name, 20)
    if not raw:
        return default
    return parse_int(raw, name, lo, hi)


def parse_int(raw: str, name: str, lo: int, hi: int) -> int:
    if not _INT.fullmatch(raw.strip()):
        raise BadRequest(f"{name}: expected a whole number, got {raw[:20]!r}")
    value = int(raw)
    if not lo <= value <= hi:
        raise BadRequest(f"{name}: must be between {lo} and {hi}")
    return value


def choice(params: Mapping, name: str, options: Iterable[str], default: str) -> str:
    value = text(params, name, 40) or default
    options = tuple(options)
    if value not in options:
        raise BadRequest(f"{name}: expected one of {', '.join(options)}")
    return value


def ids(values: list[str], name: str) -> list[int]:
    """Distinct positive ids, in the order given."""
    if len(values) > MAX_VALUES:
        raise BadRequest(f"{name}: at most {MAX_VALUES} values")
    out: dict[int, None] = {}
    for raw in values:
        if not isinstance(raw, str):
            raise BadRequest(f"{name}: expected ids")
        out[parse_int(raw, name, 1, MAX_ID)] = None
    return list(out)


def path_id(raw: str, what: str) -> int:
    """An id from the URL path; not a number is a 400, a number no row has is the caller's 404."""
    if not re.fullmatch(r"[0-9]{1,13}", raw):
        raise BadRequest(f"{what} id must be a number, got {raw[:20]!r}")
    value = int(raw)
    if not 1 <= value <= MAX_ID:
        raise BadRequest(f"{what} id out of range")
    return value
