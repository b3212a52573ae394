"""kgbuild serve's safety promises, each shown on a real store: no write reaches the graph from
the web (embedded and Neo4j), values from the graph are escaped, a slow or failing query is a
clear error page, the site binds loopback unless told otherwise, and a rebuild completes while
the site serves, which then shows the new graph, never half of it."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from pathlib import Path

import httpx2
import orjson
import pytest
from conftest import Neo4jTarget, real_neo4j_runs
from site_helpers import KGBUILD, SAMPLE, Site, build_store
from starlette.testclient import TestClient

from kgbuild.build import build
from kgbuild.models import Paper
from kgbuild.queries import PACKS_ENV, load_packs
from kgbuild.serve.app import create_app
from kgbuild.serve.server import exposure_warning
from kgbuild.sources import read_papers
from kgbuild.stores.falkordb_store import FalkorDBStore

HOSTILE = [
    "x'}) DETACH DELETE n //",
    '") MATCH (n) DETACH DELETE n //',
    "coco'}) CREATE (:Hacked {by: 'web'}) //",
    "1; MATCH (n) DETACH DELETE n",
    "` DELETE n //",
    "CREATE (:Hacked)",
    "$key",
    "\\' OR 1=1 MERGE (:Hacked) //",
]
ROUTES = ["/search?q={v}", "/search?q={v}&type=dataset", "/entity/method/{v}", "/entity/dataset/{v}",
          "/entity/metric/{v}", "/entity/task/{v}", "/entity/repo/{v}", "/entity/{v}/coco", "/paper/{v}",
          "/graph/dataset/{v}", "/graph/paper/{v}", "/graph/{v}/coco", "/entity/dataset/coco?page={v}",
          "/packs/{v}", "/packs/leaderboard?{v}=1", "/?format={v}", "/search?q=COCO&format={v}"]


def _backends() -> list[str]:
    return ["embedded", "neo4j"] if real_neo4j_runs() else ["embedded"]


@pytest.fixture(scope="module", params=_backends())
def sample_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The sample in an open store of each backend the run has."""
    if request.param == "neo4j":
        target: Neo4jTarget = request.getfixturevalue("neo4j_target")
        target.wipe()
        with target.store(batch_size=200) as store:
            build([str(SAMPLE)], store)
            yield store
        return
    directory = build_store(tmp_path_factory.mktemp("safety") / "store")
    with FalkorDBStore(directory, read_only=True) as store:
        yield store


def _snapshot(store) -> str:
    nodes, relationships = store.export()
    key = lambda item: json.dumps(item, sort_keys=True, default=str)  # noqa: E731
    return json.dumps([sorted(map(key, nodes)), sorted(map(key, relationships))])


def test_write_cypher_through_every_parameter_and_url_leaves_the_graph_unchanged(sample_store):
    before = _snapshot(sample_store)
    answered: dict[int, int] = {}
    with TestClient(create_app(store=sample_store), raise_server_exceptions=False) as client:
        urls = [route.replace("{v}", httpx2.QueryParams({"v": value})["v"] if "?" not in route.split("{v}")[0]
                              else value) for route in ROUTES for value in HOSTILE]
        for named in load_packs().values():
            for param in named.params:
                for value in HOSTILE:
                    required = {p.name: "COCO" if p.type == "string" else "1" for p in named.params if p.required}
                    urls.append(httpx2.URL(f"/packs/{named.name}", params={**required, param.name: value}).raw_path.decode())
        for url in urls:
            status = client.get(url).status_code
            answered[status] = answered.get(status, 0) + 1
            assert status < 500, (url, status)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            for url in ("/", "/packs/leaderboard", "/entity/dataset/coco", "/search"):
                assert client.request(method, url, content=b"MATCH (n) DETACH DELETE n").status_code == 405
    assert answered.get(200, 0) > 100 and answered.get(404, 0) > 50 and answered.get(400, 0) > 10, answered
    assert _snapshot(sample_store) == before
    assert sample_store.query("MATCH (n:Hacked) RETURN count(n)").rows in ([[0]], [])


@pytest.fixture
def script_title_store(tmp_path: Path) -> Path:
    corpus = tmp_path / "hostile.jsonl"
    rows = [{"id": "xss-1", "title": "<script>alert(1)</script> ResNet-50 on COCO", "url": "javascript:alert(3)",
             "abstract": "We evaluate ResNet-50 on COCO <img src=x onerror=alert(2)> and report 40.1% box AP "
                         "on COCO test-dev. </textarea><b>bold</b> \"quoted\" & 'single'."}]
    corpus.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return build_store(tmp_path / "store", [corpus])


def test_a_script_in_a_title_renders_as_text_everywhere(script_title_store: Path):
    with FalkorDBStore(script_title_store, read_only=True) as store, TestClient(create_app(store=store)) as client:
        [[paper_id]] = store.query("MATCH (p:Paper) RETURN p.id").rows  # ids are made from the title
        pages = {url.replace(paper_id, "xss-1"): client.get(url).text for url in (
            f"/paper/{paper_id}", "/entity/dataset/coco", "/entity/method/resnet50", f"/graph/paper/{paper_id}",
            f"/search?q={paper_id}", "/packs/backbones-evaluated-on?dataset=COCO", f"/packs/paper-card?paper={paper_id}")}
        assert all("404" not in page[:600] for page in pages.values())
        for url, page in pages.items():
            assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page, url
            assert "javascript:" not in page, url  # the paper's own url is not a safe link
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["/paper/xss-1"]
        assert "&lt;img src=x onerror=alert(2)&gt;" in pages["/paper/xss-1"]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["/entity/dataset/coco"]
        # the graph view's data block: JSON with "<" escaped, so no tag can close the block
        block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>',
                          pages["/graph/paper/xss-1"], re.S).group(1)
        assert json.loads(block)["title"].startswith("<script>alert(1)</script>")
        # and the JSON form gives the title as it is, as JSON
        assert client.get(f"/paper/{paper_id}?format=json").json()["title"].startswith("<script>alert(1)</script>")


@pytest.fixture
def trouble_packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "trouble.cypher").write_text(
        "// name: slow-query\n// description: Three methods at a time: far too many rows.\n// params: none\n"
        "MATCH (a:Method), (b:Method), (c:Method) WHERE a.name + b.name = c.name RETURN a.name LIMIT 1\n\n"
        "// name: failing-query\n// description: Calls a function no store has.\n// params: none\n"
        "RETURN no_such_function(1) AS nothing\n")
    monkeypatch.setenv(PACKS_ENV, str(packs))


def test_a_slow_query_is_stopped_with_a_clear_error_page(sample_store, trouble_packs):
    with TestClient(create_app(store=sample_store, timeout=0.5)) as client:
        started = time.monotonic()
        page = client.get("/packs/slow-query")
        assert time.monotonic() - started < 15
        assert page.status_code == 504
        assert "the query was stopped after 0.5 s" in page.text and "Next: narrow it" in page.text
        assert "Traceback" not in page.text and "File " not in page.text
        answer = client.get("/packs/slow-query?format=json")
        assert answer.status_code == 504 and answer.json()["error"] == "the query was stopped after 0.5 s"
        failed = client.get("/packs/failing-query")
        assert failed.status_code == 500 and "query failed" in failed.text and "Traceback" not in failed.text
        # and the site goes on serving (Neo4j may take a moment to stop the abandoned work)
        deadline = time.monotonic() + 20
        while (status := client.get("/").status_code) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 200


def test_loopback_hosts_give_no_warning_and_others_do():
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert exposure_warning(host) is None, host
    for host in ("0.0.0.0", "::", "192.168.1.20", "example.org"):
        assert "anyone who can reach this machine" in exposure_warning(host), host


def _listening(port: int) -> set[str]:
    """The local addresses a TCP socket of ``port`` listens on (Linux's /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":  # 0A: LISTEN
            found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_serve_binds_loopback_by_default_and_warns_on_other_hosts(tmp_path: Path):
    store = build_store(tmp_path / "store", [SAMPLE / "000_41274441ca6ed97e.txt"])
    site = Site(["--store", str(store)])
    try:
        assert _listening(site.port) == {"127.0.0.1"}
        assert site.get("/").status_code == 200
    finally:
        _, err = site.stop()
    assert "warning" not in err and f"at http://127.0.0.1:{site.port}/" in err
    assert site.process.returncode == 0  # stopped by SIGTERM, as a service manager stops it
    exposed = Site(["--store", str(store), "--host", "0.0.0.0"], host="0.0.0.0")
    try:
        assert _listening(exposed.port) == {"0.0.0.0"}
    finally:
        _, err = exposed.stop()
    assert "warning: serving on 0.0.0.0: anyone who can reach this machine" in err


def test_serve_without_a_store_says_what_to_do(tmp_path: Path):
    import subprocess

    done = subprocess.run([*KGBUILD, "serve", "--store", str(tmp_path / "nothing")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "no graph store at" in done.stderr and "next: build one first" in done.stderr


def _counts(site: Site) -> tuple:
    return tuple(sorted(site.get("/?format=json").json()["counts"].items()))


def test_a_rebuild_completes_while_the_site_serves_and_then_it_shows_the_new_graph(tmp_path: Path):
    import subprocess

    store, state = tmp_path / "store", tmp_path / "state"
    config = tmp_path / "kgbuild.toml"

    def configure(files: list[str]) -> None:
        config.write_text(f'[[sources]]\npaths = {json.dumps([str(SAMPLE / f) for f in files])}\n\n'
                          f'[store]\nbackend = "embedded"\ndirectory = "{store}"\n\n'
                          f'[options]\nstate_dir = "{state}"\n')

    def rebuild() -> subprocess.Popen:
        return subprocess.Popen([*KGBUILD, "rebuild", "--config", str(config), "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    files = sorted(p.name for p in SAMPLE.glob("*.txt"))
    configure(files[:1])
    first = rebuild()
    assert first.wait(timeout=300) == 0, first.communicate()
    site = Site(["--store", str(store)])
    try:
        before = _counts(site)
        first_ids = {paper.id for paper in read_papers([SAMPLE / files[0]]) if isinstance(paper, Paper)}
        late_paper = next(paper.id for paper in read_papers([SAMPLE / files[-1]])
                          if isinstance(paper, Paper) and paper.id not in first_ids)
        assert site.get(f"/paper/{late_paper}").status_code == 404
        configure(files)
        running = rebuild()
        seen: list[tuple] = []
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                seen.append(_counts(site))

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            assert running.wait(timeout=600) == 0, running.communicate()
        finally:
            stop.set()
            poller.join()
        after = _counts(site)
        assert after != before and dict(after)["Paper"] > dict(before)["Paper"]
        assert len(seen) >= 5, f"only {len(seen)} requests were served during the rebuild"
        assert set(seen) <= {before, after}, "a page showed a graph that was neither the old nor the new one"
        assert site.get(f"/paper/{late_paper}").status_code == 200
        runs = site.get("/?format=json").json()["runs"]
        assert [run["outcome"] for run in runs] == ["succeeded", "succeeded"]
        assert html.unescape(site.get("/").text).count("succeeded") >= 2
    finally:
        site.stop()
