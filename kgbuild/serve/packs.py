"""The query packs on the web: each named query as a form built from its ``// params:`` header,
its results as a table, CSV or JSON. Values are bound by the query's own ``bind`` (typed,
names mapped through the lexicon as ``kgbuild query`` does) and sent as parameters."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kgbuild import render
from kgbuild.queries import NamedQuery, load_packs
from kgbuild.serve import pages
from kgbuild.serve.reader import SiteReader
from kgbuild.serve.web import TEMPLATES, wants

RESERVED = ("format", "download")


class PacksPage(BaseModel):
    queries: list[NamedQuery]


class PackRun(BaseModel):
    query: NamedQuery
    values: dict[str, str]  # as typed into the form
    params: dict[str, Any] | None = None  # as bound and sent; None: not run yet
    columns: list[str] = []
    rows: list[dict[str, Any]] = []


def packs_page() -> PacksPage:
    return PacksPage(queries=list(load_packs().values()))


def find(name: str) -> NamedQuery:
    queries = load_packs()
    if name not in queries:
        raise pages.NotFound(f"no query named '{name}' in the packs")
    return queries[name]


def pack_response(request: Request, reader: SiteReader, name: str) -> Response:
    named = find(name)
    # An empty form field means "not given": the parameter's default applies.
    values = {k: v for k, v in request.query_params.items() if k not in RESERVED and v.strip()}
    fmt = wants(request)
    record = PackRun(query=named, values=values)
    if values or fmt in ("json", "csv") or not any(p.required for p in named.params):
        record.params = named.bind(values)
        result = reader.run(named, record.params)
        record.columns, record.rows = result.columns, [dict(zip(result.columns, row)) for row in result.rows]
        if fmt == "csv":
            return Response(render.query_result(result, "csv") + "\n", media_type="text/csv; charset=utf-8",
                            headers={"content-disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "json":
        headers = {"content-disposition": f'attachment; filename="{name}.json"'} \
            if request.query_params.get("download") else None
        return JSONResponse(record.model_dump(mode="json"), headers=headers)
    return TEMPLATES.TemplateResponse(request, "pack.html", {"page": record})
