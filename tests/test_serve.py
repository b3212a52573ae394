"""kgbuild serve's pages and their JSON forms, over the sample built into the embedded store,
checked against what the store itself answers (and, for one page of each kind, against the
same pages served from Neo4j)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import Neo4jTarget, real_neo4j_runs
from site_helpers import REPO, SAMPLE, build_store
from starlette.testclient import TestClient

from kgbuild import render
from kgbuild.build import build
from kgbuild.queries import load_packs
from kgbuild.serve.app import create_app
from kgbuild.serve.pages import PAGE_SIZE, SECTIONS
from kgbuild.stores import StoreConfig
from kgbuild.stores.falkordb_store import FalkorDBStore

CBNET = "title:fdbe49ac6c2d7364"  # "CBNet: A Composite Backbone Network Architecture for Object Detection"
MARK = re.compile(r'<mark id="([^"]+)" class="([^"]+)" data-type="([^"]+)" data-key="([^"]+)" data-name="([^"]*)" '
                  r'data-field="(\w+)" data-start="(\d+)" data-end="(\d+)"[^>]*><a [^>]+>(.*?)</a></mark>', re.S)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve") / "store")


@pytest.fixture(scope="module")
def client(sample_dir: Path):
    with TestClient(create_app(StoreConfig(directory=sample_dir))) as opened:
        yield opened


@pytest.fixture(scope="module")
def store(sample_dir: Path):
    """An independent reader of the same store, to check the site's answers against."""
    with FalkorDBStore(sample_dir, read_only=True) as opened:
        yield opened


def test_the_sites_files_ship_in_the_package():
    """Templates, static files and the site's queries are package data: an installed kgbuild
    (not a checkout) must find them (setuptools' package-data patterns in pyproject.toml)."""
    import fnmatch
    import tomllib

    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["kgbuild.serve"]
    served = REPO / "kgbuild" / "serve"
    files = [f.relative_to(served).as_posix() for f in served.rglob("*")
             if f.is_file() and f.suffix not in (".py", ".pyc") and "__pycache__" not in f.parts]
    assert len(files) > 10
    assert all(any(fnmatch.fnmatch(f, pattern) for pattern in patterns) for f in files), files


def test_home_counts_are_the_stores_and_it_lists_top_datasets_and_backbones(client, store):
    home = client.get("/?format=json").json()
    counts = store.counts()
    assert home["counts"] == {"Paper": counts.papers, **counts.entities, "Result": counts.results}
    assert home["counts"]["Paper"] == 292
    assert home["top_datasets"][0]["papers"] >= home["top_datasets"][-1]["papers"] > 0
    assert home["top_backbones"] and all(row["backbone_key"] for row in home["top_backbones"])
    assert home["runs"] == []  # built with kgbuild build, which records no rebuild run
    page = client.get("/").text
    assert "<b>292</b> papers" in page and 'href="/entity/dataset/imagenet"' in page


@pytest.mark.parametrize("text", ["COCO", "MS COCO", "ms-coco", "Microsoft COCO", "Common Objects in Context"])
def test_search_matches_any_alias_and_the_lexicons_names_as_kgbuild_query_does(client, text):
    found = client.get("/search", params={"q": text, "format": "json"}).json()
    assert [(e["type"], e["key"]) for e in found["entities"]] == [("Dataset", "coco")]
    moved = client.get("/search", params={"q": text}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/entity/dataset/coco"


def test_search_finds_papers_by_id_and_says_when_nothing_matches(client):
    found = client.get("/search", params={"q": CBNET, "format": "json"}).json()
    assert [p["paper_id"] for p in found["papers"]] == [CBNET]
    empty = client.get("/search", params={"q": "no such thing at all"})
    assert empty.status_code == 200 and "Nothing has that name" in empty.text


def test_dataset_leaderboards_are_best_first_and_each_row_is_its_papers_sentence(client, store):
    page = client.get("/entity/dataset/coco?format=json").json()
    assert page["name"] == "COCO" and page["leaderboards"]
    abstracts = {}
    for board in page["leaderboards"]:
        values = [row["value"] for row in board["rows"]]
        assert values == sorted(values, reverse=True), board
        for row in board["rows"]:
            paper = abstracts.setdefault(row["paper_id"], client.get(f"/paper/{row['paper_id']}?format=json").json())
            assert paper[row["field"]][row["start"]:row["end"]] == row["evidence"]
            assert row["metric"] == board["metric"] and row["split"] == board["split"]
    box_ap = next(b for b in page["leaderboards"] if b["metric"] == "box AP" and b["split"] == "test-dev")
    assert box_ap["rows"][0]["value"] == 59.4 and box_ap["rows"][0]["method"] == "Dual-Swin-L"
    # the sentence link lands on an anchored sentence of the paper page
    first = box_ap["rows"][0]
    assert f'href="/paper/{first["paper_id"]}#{first["anchor"]}"' in client.get("/entity/dataset/coco").text
    assert f'id="{first["anchor"]}"' in client.get(f"/paper/{first['paper_id']}").text


def test_dataset_sections_agree_with_the_packs(client, store):
    page = client.get("/entity/dataset/coco?format=json").json()
    sections = {s["title"]: s["rows"] for s in page["sections"]}
    packs = load_packs()
    for title, pack in (("Methods evaluated on it", "methods-evaluated-on"),
                        ("Backbones used by papers evaluating on it", "backbones-evaluated-on")):
        named = packs[pack]
        expected = store.query(named.cypher, named.bind({"dataset": "COCO", "limit": "25"})).rows
        assert [(row[0], row[2]) for row in expected] == \
               [(row.get("method") or row.get("backbone"), row["papers"]) for row in sections[title]]


@pytest.mark.parametrize("url_type", ["method", "dataset", "metric", "task", "repo"])
def test_every_entity_type_has_its_page(client, store, url_type):
    label = url_type.capitalize()
    key, papers = store.query(f"MATCH (e:{label})<-[:MENTIONS]-(p:Paper) WITH e, count(p) AS papers "
                              "RETURN e.key, papers ORDER BY papers DESC, e.key LIMIT 1").rows[0]
    page = client.get(f"/entity/{url_type}/{key}?format=json").json()
    assert page["papers"] == papers
    assert [s["title"] for s in page["sections"]] == [title for title, _ in SECTIONS[label]]
    assert len(page["mentions"]) == min(papers, PAGE_SIZE)
    for mention in page["mentions"]:
        snippet = mention["snippet"]
        paper = client.get(f"/paper/{mention['paper_id']}?format=json").json()
        assert paper[mention["field"]][mention["start"]:mention["end"]] == snippet["match"]
    assert client.get(f"/entity/{url_type}/{key}").status_code == 200


def test_papers_of_an_entity_page_through_all_of_them_once(client, store):
    key, papers = store.query("MATCH (t:Task)<-[:MENTIONS]-(p:Paper) WITH t, count(p) AS papers "
                              "RETURN t.key, papers ORDER BY papers DESC LIMIT 1").rows[0]
    assert papers > PAGE_SIZE, "the sample should hold an entity with more than one page of papers"
    seen = []
    for number in range(1, -(-papers // PAGE_SIZE) + 1):
        seen += [m["paper_id"] for m in client.get(f"/entity/task/{key}?page={number}&format=json").json()["mentions"]]
    expected = [row[0] for row in store.query("MATCH (:Task {key: $key})<-[:MENTIONS]-(p:Paper) RETURN p.id",
                                              {"key": key}).rows]
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))


def _marks(page_html: str) -> list[dict]:
    return [{"anchor": m[0], "again": "again" in m[1], "type": m[2], "key": html.unescape(m[3]),
             "name": html.unescape(m[4]), "field": m[5], "start": int(m[6]), "end": int(m[7]),
             "text": html.unescape(m[8])} for m in MARK.findall(page_html)]


def test_every_highlighted_span_is_the_text_at_its_offsets_on_every_paper(client, store):
    ids = [row[0] for row in store.query("MATCH (p:Paper) RETURN p.id ORDER BY p.id").rows]
    stored_marks = 0
    for paper_id in ids:
        paper = client.get(f"/paper/{paper_id}?format=json").json()
        page = client.get(f"/paper/{paper_id}").text
        marks = _marks(page)
        spellings = {m["key"]: set(m["texts"]) | {m["name"]} for m in paper["mentions"]}
        for mark in marks:
            assert paper[mark["field"]][mark["start"]:mark["end"]] == mark["text"], (paper_id, mark)
            assert mark["text"] in spellings[mark["key"]], (paper_id, mark)
        first = {(m["field"], m["start"]) for m in paper["mentions"] if m["start"] >= 0}
        stored_marks += sum((m["field"], m["start"]) in first for m in marks if not m["again"])
        anchors = set(re.findall(r'id="([^"]+)"', page))
        for fact in paper["facts"]:
            assert fact["anchor"] in anchors, (paper_id, fact)
            if fact["fact"] in ("evaluated_on", "reports"):
                assert paper[fact["field"]][fact["start"]:fact["end"]] == fact["evidence"]
    assert stored_marks > 1000  # most mentions are shown at the offsets the graph holds


def test_paper_page_lists_each_kind_of_fact(client):
    paper = client.get(f"/paper/{CBNET}?format=json").json()
    kinds = {f["fact"] for f in paper["facts"]}
    assert {"evaluated_on", "reports", "has_code", "uses_backbone"} <= kinds
    result = next(f for f in paper["facts"] if f["fact"] == "reports" and f["value"] == 59.4)
    assert (result["subject"]["name"], result["object"]["key"], result["metric"]["name"]) == \
           ("Dual-Swin-L", "coco", "box AP")
    page = client.get(f"/paper/{CBNET}").text
    assert f'href="#{result["anchor"]}"' in page and 'href="/entity/method/dualswinl"' in page


def test_packs_page_lists_every_named_query_with_a_form_from_its_params(client):
    page = client.get("/packs").text
    packs = load_packs()
    assert all(f'href="/packs/{name}"' in page for name in packs)
    form = client.get("/packs/leaderboard").text
    for param in packs["leaderboard"].params:
        field = re.search(rf'<(input|select) name="{param.name}"[^>]*>', form)
        assert field, param.name
        assert ("required" in field.group(0)) == param.required
    assert "<table" not in form  # a query with required parameters waits for them


def test_a_pack_run_from_the_web_is_kgbuild_query(client, store):
    named = load_packs()["backbones-evaluated-on"]
    expected = store.query(named.cypher, named.bind({"dataset": "COCO"}))
    as_json = client.get("/packs/backbones-evaluated-on?dataset=COCO&format=json").json()
    assert as_json["columns"] == expected.columns
    assert [list(row.values()) for row in as_json["rows"]] == expected.rows
    assert as_json["params"] == {"dataset": "coco", "limit": 25}
    as_csv = client.get("/packs/backbones-evaluated-on?dataset=COCO&format=csv")
    assert as_csv.text == render.query_result(expected, "csv") + "\n"
    assert as_csv.headers["content-disposition"] == 'attachment; filename="backbones-evaluated-on.csv"'
    download = client.get("/packs/backbones-evaluated-on?dataset=COCO&format=json&download=1")
    assert download.headers["content-disposition"] == 'attachment; filename="backbones-evaluated-on.json"'
    table = client.get("/packs/backbones-evaluated-on", params={"dataset": "COCO", "limit": ""}).text
    assert table.count("<tr>") == len(expected.rows) + 1
    backbone = next(row[0] for row in expected.rows if re.fullmatch(r"[\w-]+", row[0]))
    assert f'href="/search?q={backbone}&amp;type=method"' in table  # names link to their pages
    title = expected.rows[0][3]  # a title without its id links to a search for it: the paper
    link = re.search(r'href="(/search\?q=[^"]+)">' + re.escape(html.escape(title, quote=False)) + "<", table)
    moved = client.get(html.unescape(link.group(1)), follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].startswith("/paper/")


def test_pack_results_link_to_entity_and_paper_pages(client):
    page = client.get("/packs/leaderboard?dataset=COCO&metric=box+AP").text
    assert 'href="/search?q=Dual-Swin-L&amp;type=method"' in page
    assert f'href="/paper/{CBNET}"' in page
    followed = client.get("/search?q=Dual-Swin-L&type=method", follow_redirects=False)
    assert followed.headers["location"] == "/entity/method/dualswinl"


def test_graph_view_data_links_every_node_to_its_page(client):
    for url in ("/graph/dataset/coco", f"/graph/paper/{CBNET}"):
        graph = client.get(url + "?format=json").json()
        ids = {node["id"] for node in graph["nodes"]}
        assert len(ids) == len(graph["nodes"]) > 5
        assert sum(node["center"] for node in graph["nodes"]) == 1
        assert all(edge["source"] in ids and edge["target"] in ids for edge in graph["edges"])
        for node in graph["nodes"][:8]:
            assert client.get(node["href"]).status_code == 200, node
        page = client.get(url).text
        assert '<script src="/static/cytoscape.min.js"></script>' in page
    assert client.get("/static/cytoscape.min.js").status_code == 200
    assert client.get("/static/cytoscape.LICENSE.txt").status_code == 200


@pytest.mark.parametrize(("url", "status", "says"), [
    ("/entity/dataset/no-such-key", 404, "no dataset with key"),
    ("/entity/planet/earth", 404, "no entity type 'planet'"),
    (f"/paper/{CBNET}x", 404, "no paper with id"),
    ("/packs/no-such-query", 404, "no query named"),
    ("/graph/method/nothing-here", 404, "no method with key"),
    ("/entity/dataset/coco?page=two", 400, "page must be a whole number"),
    ("/packs/leaderboard?dataset=COCO&metric=AP&limit=many", 400, "must be a int"),
    ("/packs/leaderboard?dataset=COCO&metric=AP&colour=red", 400, "has no parameter colour"),
    ("/nowhere", 404, "Not Found"),
])
def test_bad_requests_get_a_clear_page_and_a_clear_json_error(client, url, status, says):
    page = client.get(url)
    assert page.status_code == status and says in html.unescape(page.text) and "Next:" in page.text
    assert "Traceback" not in page.text
    as_json = client.get(url + ("&" if "?" in url else "?") + "format=json")
    assert as_json.status_code == status and says in as_json.json()["error"] and as_json.json()["hint"]


def test_a_required_parameter_missing_from_the_api_is_a_400(client):
    answer = client.get("/packs/leaderboard?format=json&dataset=COCO")
    assert answer.status_code == 400 and "needs --param metric" in answer.json()["error"]


def test_pages_carry_security_headers_and_the_time_they_took(client):
    answer = client.get("/")
    assert "script-src" not in answer.headers["content-security-policy"]  # default-src 'self' covers it
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r"app;dur=\d+\.\d\d", answer.headers["server-timing"])


@pytest.mark.skipif(not real_neo4j_runs(), reason="needs a real Neo4j (FalkorDB's Bolt port cannot stand in here)")
def test_neo4j_serves_the_same_pages(client, neo4j_target: Neo4jTarget):
    neo4j_target.wipe()
    with neo4j_target.store(batch_size=200) as neo4j_store:
        build([str(SAMPLE)], neo4j_store)
        with TestClient(create_app(store=neo4j_store)) as neo4j_client:
            for url in ("/", "/search?q=MS+COCO", "/entity/dataset/coco", "/entity/method/resnet50",
                        "/entity/task/objectdetection", f"/paper/{CBNET}", "/graph/dataset/coco",
                        f"/graph/paper/{CBNET}", "/packs/leaderboard?dataset=COCO&metric=box+AP"):
                url += ("&" if "?" in url else "?") + "format=json"
                assert neo4j_client.get(url).json() == client.get(url).json(), url
