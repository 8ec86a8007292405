"""`kb serve`: a local, read-only web app over one knowledge base.

Pages: search (/), papers (/papers, /papers/<id>), evidence (/evidence), bibliography (/bib),
topics (/topics, /topics/<theme>), the source PDFs (/files/<file id>.pdf). Every answer to a
bad request is a 4xx with one line; nothing a client sends can name a file or see a traceback.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kb.errors import KbError
from kb.store import db
from kb.web import params
from kb.web.pages import bib, evidence, files, papers, search, topics
from kb.web.service import Service
from kb.web.templating import error

log = logging.getLogger("kb.web")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class Guard:
    """Refuses hostile requests before routing (control characters or '../' in the path or any
    query parameter, an oversized query string, cross-site posts) and adds safety headers and a
    Server-Timing header (the app's own time, which scripts/bench_web.py reads)."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]):
        self.app = app
        self.allowed_hosts = allowed_hosts

    def refuse(self, scope: Scope) -> tuple[int, str] | None:
        why = params.problem(scope["path"])
        if why:
            return 400, f"path: {why}"
        qs = scope.get("query_string", b"")
        if len(qs) > params.MAX_QUERY_STRING:
            return 414, f"query string too long (at most {params.MAX_QUERY_STRING} bytes)"
        try:
            params.check_all(parse_qsl(qs.decode("latin-1"), keep_blank_values=True, errors="replace"))
        except params.BadRequest as exc:
            return 400, exc.detail
        if scope["method"] == "POST":
            origin = Headers(scope=scope).get("origin")
            if origin is not None and "*" not in self.allowed_hosts \
                    and (urlsplit(origin).hostname or "") not in self.allowed_hosts:
                return 403, "form posts from other sites are refused"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        refused = self.refuse(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["x-content-type-options"] = "nosniff"
                headers["referrer-policy"] = "same-origin"  # no-referrer would make Chrome post `Origin: null`
                headers["server-timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.2f}"
                if headers.get("content-type", "").startswith("text/html"):
                    headers["content-security-policy"] = CSP
                    headers["x-frame-options"] = "DENY"
            await send(message)

        if refused is not None:
            response = error(Request(scope), *refused)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error(request, exc.status_code, str(exc.detail))


async def _kb_error(request: Request, exc: Exception) -> Response:
    return error(request, 400, str(exc))


async def _db_error(request: Request, exc: Exception) -> Response:
    log.warning("kb serve: %s", exc)
    return error(request, 503, db.explain(exc))  # type: ignore[arg-type]


async def _crash(request: Request, exc: Exception) -> Response:
    log.error("kb serve: %s %s failed", request.method, request.url.path, exc_info=exc)
    return error(request, 500, "internal error; the details are in the server's log")


async def _status(request: Request) -> Response:
    return JSONResponse(request.app.state.service.status())


async def _no_icon(request: Request) -> Response:
    return Response(status_code=204)  # browsers ask for it on every page, the PDF viewer's too


def allowed_hosts_for(host: str) -> tuple[str, ...]:
    """The Host headers accepted (against DNS rebinding): loopback names, plus the address served on;
    any host when serving on every interface."""
    if host in ("0.0.0.0", "::", ""):
        return ("*",)
    return tuple(dict.fromkeys((*LOOPBACK, host.strip("[]"))))


def create_app(kb_dir: Path, *, host: str = "127.0.0.1", load_model: bool = True,
               loader: Callable | None = None) -> Starlette:
    """The app over the knowledge base in kb_dir; a missing or unreadable one raises StoreError now.

    load_model=False serves lexical search only (tests, or a machine without the model);
    loader replaces how the embedder is loaded (tests use it to hold the model back).
    """
    service = Service(kb_dir, load_model=load_model, **({"loader": loader} if loader else {}))

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        service.close()

    hosts = allowed_hosts_for(host)
    routes = [*search.routes, *papers.routes, *evidence.routes, *bib.routes, *topics.routes, *files.routes,
              Route("/status", _status, name="status"), Route("/favicon.ico", _no_icon),
              Mount("/static", app=StaticFiles(packages=[("kb.web", "static")]), name="static")]
    app = Starlette(
        routes=routes, lifespan=lifespan, max_body_size=params.MAX_BODY,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts)), Middleware(Guard, hosts)],
        exception_handlers={HTTPException: _http_error, KbError: _kb_error, sqlite3.Error: _db_error,
                            Exception: _crash})
    app.state.service = service
    return app


def _check_port(host: str, port: int) -> None:
    """A port already taken is one line now, not uvicorn's log after the model has started loading."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise KbError(f"cannot listen on {host}: {exc.strerror or exc}") from exc
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            raise KbError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (try --port)") from exc


def serve(kb_dir: Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Run the app with uvicorn until interrupted."""
    import click
    import uvicorn

    _check_port(host, port)
    app = create_app(kb_dir, host=host)
    if host not in LOOPBACK:
        click.echo(f"kb: warning: serving on {host}: anyone who can reach this machine can read the knowledge base",
                   err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"kb: serving {kb_dir} at http://{shown}:{port}/ (Ctrl-C to stop); the model loads in the "
               "background", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
