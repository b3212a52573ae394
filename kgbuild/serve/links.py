"""Where a value on a page links to: entity and paper URLs, and table cells of query rows.

Site queries return an entity's key beside its name (``method`` and ``method_key``), so the
name links to the entity's page. The user's query packs return names only; a name in a column
that names an entity type links to a search for it, which goes straight to the entity's page
when exactly one entity of that type has that name; a paper's title alone links to a search
for that title, which goes to the paper.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from pydantic import BaseModel

# Column -> entity type of the names it holds, for rows of the site's queries and the packs.
NAME_COLUMNS: dict[str, str] = {
    "method": "method", "backbone": "method", "compared_with": "method", "dataset": "dataset",
    "dataset_a": "dataset", "dataset_b": "dataset", "metric": "metric", "task": "task", "repo": "repo",
}
TITLE_COLUMNS = ("title", "paper", "example_paper")


class Cell(BaseModel):
    text: str
    href: str | None = None


def entity_href(url_type: str, key: str) -> str:
    return f"/entity/{url_type}/{quote(key, safe='/:@')}"


def paper_href(paper_id: str) -> str:
    return f"/paper/{quote(paper_id, safe='/:@')}"


def graph_href(kind: str, key: str) -> str:
    """The graph view of an entity (``kind`` its URL type) or of a paper (``kind`` "paper")."""
    return f"/graph/{kind}/{quote(key, safe='/:@')}"


def web_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) address: a paper's ``url`` comes from its input record,
    and a ``javascript:`` one must not become a link."""
    if value and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return None


def search_href(name: str, url_type: str | None = None) -> str:
    return "/search?" + urlencode({"q": name, **({"type": url_type} if url_type else {})})


def shown_columns(columns: list[str]) -> list[str]:
    """The columns a table shows: keys and paper ids are links, not text."""
    names = set(columns)
    return [c for c in columns if not (c.endswith("_key") and c[:-4] in names)
            and not (c == "paper_id" and names & set(TITLE_COLUMNS)) and c != "anchor"]


def cells(row: dict[str, Any], columns: list[str]) -> list[Cell]:
    return [Cell(text=text(row.get(column)), href=_href(row, column)) for column in columns]


def _href(row: dict[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None or isinstance(value, (list, dict)):
        return None
    if column in NAME_COLUMNS:
        key = row.get(f"{column}_key")
        if key is not None:
            return entity_href(NAME_COLUMNS[column], str(key))
        return None if f"{column}_key" in row else search_href(str(value), NAME_COLUMNS[column])
    if column == "paper_id" or (column in TITLE_COLUMNS and row.get("paper_id")):
        return paper_href(str(row.get("paper_id") or value))
    if column == "paper":  # pack rows without a paper_id hold the paper's id here
        return paper_href(str(value))
    if column in TITLE_COLUMNS:  # a title alone: the search finds the paper by its exact title
        return search_href(str(value))
    return None


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
