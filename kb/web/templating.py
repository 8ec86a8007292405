"""Jinja2 templates shipped in the package, always autoescaped, and the one-line error answer."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

NAV = (("/", "Search"), ("/papers", "Papers"), ("/evidence", "Evidence"), ("/bib", "Bibliography"),
       ("/topics", "Topics"))


@lru_cache(maxsize=1)
def env() -> Environment:
    """Autoescape for every template (not by file extension): any value printed is escaped."""
    e = Environment(loader=PackageLoader("kb.web", "templates"), autoescape=True, undefined=StrictUndefined,
                    trim_blocks=True, lstrip_blocks=True)
    e.globals["nav"] = NAV
    e.filters["pages"] = pages_text
    return e


def pages_text(pages: dict) -> str:
    return pages["first"] if pages["first"] == pages["last"] else f"{pages['first']}–{pages['last']}"


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    service = request.app.state.service
    context.setdefault("model", service.status())
    context["path"] = request.url.path
    return HTMLResponse(env().get_template(name).render(**context), status_code=status_code)


def error(request: Request, status_code: int, message: str) -> Response:
    """One line saying what was wrong: a small page for a browser, plain text otherwise."""
    line = " ".join(str(message).split())[:300] or "error"
    if "text/html" in request.headers.get("accept", ""):
        html = env().get_template("error.html").render(status=status_code, message=line, path="")
        return HTMLResponse(html, status_code=status_code)
    return PlainTextResponse(line + "\n", status_code=status_code)
