"""The site's only way to the graph: named queries, parameters only, read-only, with a time limit.

The site's own queries live in ``site.cypher`` beside this module (package data, read with
importlib.resources) in the query packs' format; the user's packs come from
:func:`kgbuild.queries.load_packs`. Every call goes through ``GraphReader.query``, which runs
read-only on both backends.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from typing import Any

from kgbuild.errors import QueryError
from kgbuild.queries import NamedQuery, parse_pack
from kgbuild.stores import GraphReader

DEFAULT_TIMEOUT = 10.0


@cache
def site_queries() -> dict[str, NamedQuery]:
    text = resources.files("kgbuild.serve").joinpath("site.cypher").read_text(encoding="utf-8")
    return {query.name: query for query in parse_pack(text, "site")}


class SiteReader:
    """Runs named queries on one open store for many request threads.

    The Neo4j store keeps one session, which is not safe to share between threads, so the
    queries of concurrent requests take turns; each is stopped after ``timeout`` seconds.
    """

    def __init__(self, store: GraphReader, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.store = store
        self.timeout = timeout
        self._turn = threading.Lock()

    def site(self, name: str, **values: Any) -> list[dict[str, Any]]:
        """Rows of the site query ``name`` as dicts; ``values`` are its parameters."""
        named = site_queries()[name]
        # bind() checks the names and types and fills in the defaults; values are typed already.
        bound = named.bind({key: _as_text(value) for key, value in values.items()}, canonical=False)
        return self.rows(named, bound)

    def rows(self, named: NamedQuery, bound: dict[str, Any]) -> list[dict[str, Any]]:
        result = self.run(named, bound)
        return [dict(zip(result.columns, row)) for row in result.rows]

    def run(self, named: NamedQuery, bound: dict[str, Any]):
        with self._turn:
            return self.store.query(named.cypher, bound, timeout=self.timeout)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        raise QueryError("a site query parameter is missing", hint="this is a kgbuild bug; report it")
    return str(value)
