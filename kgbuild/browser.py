"""Neo4j Browser assets made from the query packs: a style sheet and a playable guide.

- ``style.grass``: colour and caption per label (papers by title, entities by name, results
  by value), loaded in Neo4j Browser by dropping the file on the ``:style`` frame.
- ``guide.html``: a Browser guide (``:play URL`` or ``:guide URL``) with one slide per named
  query: its description, a clickable ``:param`` block for each parameter (example values
  from the query's ``// example:`` line, else its default) and the query itself.

``write_browser_assets`` writes both; ``cypher/browser/`` holds the copies made from the
packs in the repository (a test keeps them in step). Only ``:param NAME => VALUE`` is used
to set parameters: Browser evaluates the right-hand side as Cypher, so 25 stays an integer
(``LIMIT`` refuses the float the ``:params {...}`` form would send).
"""

from __future__ import annotations

import html
import shlex
from itertools import groupby
from pathlib import Path
from typing import Any

from kgbuild.queries import NamedQuery, load_packs

STYLE_FILE = "style.grass"
# Packs in the order a newcomer meets them in the guide; any other pack follows, by name.
PACK_ORDER = ("evaluation", "landscape", "tasks", "code", "papers", "curation")
GUIDE_FILE = "guide.html"

# label -> (fill, border, caption property)
LABEL_STYLES: dict[str, tuple[str, str, str]] = {
    "Paper": ("#4C8EDA", "#2870C2", "title"),
    "Method": ("#F79767", "#F36924", "name"),
    "Dataset": ("#57C7E3", "#23B3D7", "name"),
    "Metric": ("#C990C0", "#B261A5", "name"),
    "Task": ("#8DCC93", "#5DB665", "name"),
    "Repo": ("#A5ABB6", "#9AA1AC", "name"),
    "Result": ("#FFC454", "#D7A013", "value"),
}
RELATIONSHIP_COLOURS: dict[str, str] = {
    "MENTIONS": "#C9CDD4", "PROPOSES": "#F36924", "USES_BACKBONE": "#D9534F", "HAS_CODE": "#9AA1AC",
    "EVALUATED_ON": "#23B3D7", "REPORTS": "#D7A013", "OF_METHOD": "#F36924", "ON_DATASET": "#23B3D7",
    "MEASURED_BY": "#B261A5",
}


def grass_style() -> str:
    """GraSS for the kgbuild graph model."""
    blocks = [
        "node {\n  diameter: 50px;\n  color: #A5ABB6;\n  border-color: #9AA1AC;\n  border-width: 2px;\n"
        "  text-color-internal: #FFFFFF;\n  font-size: 10px;\n}",
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 8px;\n  padding: 3px;\n"
        "  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n  caption: \"<type>\";\n}",
    ]
    for label, (fill, border, caption) in LABEL_STYLES.items():
        diameter = "65px" if label == "Paper" else "50px"
        blocks.append(f"node.{label} {{\n  color: {fill};\n  border-color: {border};\n  diameter: {diameter};\n"
                      f"  text-color-internal: #FFFFFF;\n  caption: \"{{{caption}}}\";\n}}")
    for rel_type, colour in RELATIONSHIP_COLOURS.items():
        width = "1px" if rel_type == "MENTIONS" else "2px"
        blocks.append(f"relationship.{rel_type} {{\n  color: {colour};\n  shaft-width: {width};\n"
                      f"  caption: \"<type>\";\n}}")
    return "\n\n".join(blocks) + "\n"


def cypher_literal(value: Any) -> str:
    """A parameter value as Cypher text for ``:param NAME => VALUE``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def example_values(named: NamedQuery) -> dict[str, Any]:
    """Parameter values for the guide: the ``// example:`` line's, else the defaults."""
    given: dict[str, str] = {}
    words = shlex.split(named.example) if named.example else []
    for flag, pair in zip(words, words[1:]):
        if flag in ("--param", "-p") and "=" in pair:
            key, _, value = pair.partition("=")
            given[key] = value
    bound = named.bind({k: v for k, v in given.items() if k in {p.name for p in named.params}}, canonical=False)
    return {p.name: bound.get(p.name) for p in named.params}


def _runnable(text: str) -> str:
    return f'<pre class="pre-scrollable code runnable">{html.escape(text, quote=False)}</pre>'


def _slide(named: NamedQuery) -> str:
    values = example_values(named)
    params = "\n".join(
        f"<li><code>${p.name}</code> ({p.type}{'' if p.required else f', default {cypher_literal(p.default)}'})"
        f"</li>" for p in named.params)
    param_blocks = "\n".join(_runnable(f":param {name} => {cypher_literal(value)}") for name, value in values.items())
    return f"""<slide class="row-fluid">
  <div class="col-sm-3">
    <h3>{html.escape(named.name)}</h3>
    <p class="lead">{html.escape(named.description)}</p>
    <p>Pack: <code>{html.escape(named.pack)}</code></p>
    <ul>
{params}
    </ul>
  </div>
  <div class="col-sm-9">
    <p>Set the parameters (click a block, then run it):</p>
{param_blocks}
    <p>Then run the query:</p>
{_runnable(named.cypher)}
  </div>
</slide>"""


def guide_html(queries: dict[str, NamedQuery] | None = None) -> str:
    """A Neo4j Browser guide with one slide per named query, grouped by pack."""
    queries = queries or load_packs()
    ordered = sorted(queries.values(), key=lambda q: (
        PACK_ORDER.index(q.pack) if q.pack in PACK_ORDER else len(PACK_ORDER), q.pack))
    contents = "\n".join(
        f"<li><code>{html.escape(pack)}</code>: "
        + ", ".join(html.escape(q.name) for q in group) + "</li>"
        for pack, group in groupby(ordered, key=lambda q: q.pack))
    intro = f"""<slide class="row-fluid">
  <div class="col-sm-3">
    <h3>kgbuild query packs</h3>
    <p class="lead">Named, parameterised queries over a graph of ML papers: methods, datasets, metrics,
    tasks, code and results, each fact with the sentence it was read from.</p>
  </div>
  <div class="col-sm-9">
    <p>Each slide is one query. Click the <code>:param</code> blocks to put them in the editor and run
    them, then click and run the query. Change a value by editing it before you run it, for example:</p>
{_runnable(":param dataset => 'COCO'")}
    <p>Names match ignoring case, spaces, hyphens, underscores and dots, against every spelling a
    paper used ('coco', 'MS COCO', 'ms-coco'). <code>:params</code> shows what is set.</p>
    <p>For kgbuild's colours and captions, run <code>:style</code> and drop <code>style.grass</code>
    on that frame.</p>
    <p>Queries, by pack:</p>
    <ul>
{contents}
    </ul>
  </div>
</slide>"""
    slides = "\n".join(_slide(q) for q in ordered)
    return ("<!-- Generated from cypher/packs by kgbuild browser-assets; do not edit by hand. -->\n"
            '<article class="guide">\n<carousel class="deck container-fluid">\n'
            f"{intro}\n{slides}\n</carousel>\n</article>\n")


def write_browser_assets(out_dir: Path, queries: dict[str, NamedQuery] | None = None) -> list[Path]:
    """Write style.grass and guide.html into ``out_dir``; returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((STYLE_FILE, grass_style()), (GUIDE_FILE, guide_html(queries))):
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
