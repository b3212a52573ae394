"""Rendering shared by the routes: the templates, and a page as HTML or as JSON."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from kgbuild.serve import links


def _templates() -> Jinja2Templates:
    env = Environment(loader=PackageLoader("kgbuild.serve", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals.update(entity_href=links.entity_href, paper_href=links.paper_href, search_href=links.search_href,
                       graph_href=links.graph_href, web_url=links.web_url,
                       cells=links.cells, shown_columns=links.shown_columns, text=links.text)
    return Jinja2Templates(env=env)


TEMPLATES = _templates()


def wants(request: Request) -> str:
    return request.query_params.get("format", "html").lower()


def page(request: Request, template: str, record: BaseModel, **extra: Any) -> Response:
    """``record`` as JSON (``?format=json``) or rendered by ``template``."""
    if wants(request) == "json":
        return JSONResponse(record.model_dump(mode="json"))
    return TEMPLATES.TemplateResponse(request, template, {"page": record, **extra})


def error_page(request: Request, status: int, message: str, hint: str = "") -> Response:
    if wants(request) in ("json", "csv"):
        return JSONResponse({"error": message, "hint": hint}, status_code=status)
    return TEMPLATES.TemplateResponse(request, "error.html", {"status": status, "message": message, "hint": hint},
                                      status_code=status)
