"""The web explorer: a Starlette application over one read-only store.

Every route answers GET only, renders HTML from Jinja2 templates with autoescaping on, and
gives the same data as JSON with ``?format=json``. Errors become a page (or a JSON object)
with the message and the next step, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kgbuild.errors import InputError, KgbuildError, QueryError, QueryTimeout, StoreError
from kgbuild.serve import graphview, pages
from kgbuild.serve.packs import pack_response, packs_page
from kgbuild.serve.reader import DEFAULT_TIMEOUT, SiteReader
from kgbuild.serve.web import error_page, page, wants
from kgbuild.stores import GraphReader, StoreConfig, open_store

log = logging.getLogger("kgbuild.serve")
# Scripts only from the site itself: the graph view's data is a JSON block, not code. Inline
# styles are allowed because Cytoscape.js sets its canvas's style attributes.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def reader_of(request: Request) -> SiteReader:
    return request.app.state.reader


def home(request: Request) -> Response:
    return page(request, "home.html", pages.home(reader_of(request)))


def search(request: Request) -> Response:
    url_type = request.query_params.get("type") or None
    if url_type:
        pages.label_of(url_type)
    found = pages.search(reader_of(request), request.query_params.get("q", ""), url_type)
    only = found.only_hit()
    if only and wants(request) != "json":
        return RedirectResponse(only, status_code=303)
    return page(request, "search.html", found)


def entity(request: Request) -> Response:
    number = request.query_params.get("page", "1")
    if not number.isdigit():
        raise InputError(f"page must be a whole number, got {number!r}", hint="use ?page=2 for the second page")
    record = pages.entity(reader_of(request), request.path_params["type"], request.path_params["key"], int(number))
    return page(request, "entity.html", record)


def paper(request: Request) -> Response:
    return page(request, "paper.html", pages.paper(reader_of(request), request.path_params["paper_id"]))


def graph(request: Request) -> Response:
    kind, key = request.path_params["type"], request.path_params["key"]
    reader = reader_of(request)
    record = graphview.paper_graph(reader, key) if kind == "paper" else graphview.entity_graph(reader, kind, key)
    return page(request, "graph.html", record)


def packs(request: Request) -> Response:
    return page(request, "packs.html", packs_page())


def pack(request: Request) -> Response:
    return pack_response(request, reader_of(request), request.path_params["name"])


def _status(exc: KgbuildError) -> int:
    if isinstance(exc, QueryTimeout):
        return 504
    if isinstance(exc, StoreError):
        return 500
    if isinstance(exc, (QueryError, InputError)):
        return 400
    return 500


async def on_kgbuild_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KgbuildError)
    return error_page(request, _status(exc), str(exc), exc.hint)


async def on_not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, 404, str(exc), "search for it from the home page")


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    hint = "the site only reads: every page answers GET" if exc.status_code == 405 else "start from the home page"
    return error_page(request, exc.status_code, exc.detail, hint)


async def on_internal_error(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s", request.url.path, exc_info=exc)
    return error_page(request, 500, f"internal error: {type(exc).__name__}",
                      "this is a kgbuild bug; the server's log has the details; please report it")


class ResponseHeaders:
    """Adds SECURITY_HEADERS to every response, and a Server-Timing header with the time the
    site took to produce it (what benchmarks/serve_speed.py reads)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - started) * 1000
                extra = [*SECURITY_HEADERS.items(), ("server-timing", f"app;dur={took:.2f}")]
                message["headers"] = list(message.get("headers", [])) + [
                    (name.encode(), value.encode()) for name, value in extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(target: StoreConfig | None = None, timeout: float = DEFAULT_TIMEOUT,
               store: GraphReader | None = None) -> Starlette:
    """The site over an open ``store``, or over the store ``target`` names, opened read-only
    for the app's lifetime (the embedded store then serves it while a build or rebuild writes)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if store is not None:
            app.state.reader = SiteReader(store, timeout=timeout)
            yield
            return
        with open_store(target or StoreConfig(), read_only=True) as opened:
            app.state.reader = SiteReader(opened, timeout=timeout)
            yield

    routes = [
        Route("/", home),
        Route("/search", search),
        Route("/paper/{paper_id:path}", paper),
        Route("/entity/{type}/{key:path}", entity),
        Route("/graph/{type}/{key:path}", graph),
        Route("/packs", packs),
        Route("/packs/{name}", pack),
        Mount("/static", StaticFiles(packages=[("kgbuild.serve", "static")]), name="static"),
    ]
    handlers = {KgbuildError: on_kgbuild_error, pages.NotFound: on_not_found, HTTPException: on_http_error,
                Exception: on_internal_error}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.add_middleware(ResponseHeaders)
    return app
