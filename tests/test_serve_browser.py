"""kgbuild serve, used in a real headless Chromium as a researcher would use it.

`kgbuild serve` runs as its own process over the sample; Playwright drives the system's
Chromium (it downloads no browser): home, search "COCO", the dataset page and its
leaderboard, a paper from it with its highlighted spans checked against the offsets, the
backbones-evaluated-on pack run from its form, and the graph view with its drawn nodes counted.
Screenshots go to docs/screenshots/ with KGBUILD_SCREENSHOTS=1 (the committed ones), else to the
test's temporary directory. Chromium missing fails under CI (.ci/run installs it), else skips.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import IN_CI
from site_helpers import REPO, Site, build_store

from kgbuild.queries import load_packs
from kgbuild.stores.falkordb_store import FalkorDBStore


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "needs Chromium (apt-get install chromium) to test kgbuild serve in a browser"
        if IN_CI:
            pytest.fail(message + "; .ci/run installs it", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    store = build_store(tmp_path_factory.mktemp("browser") / "store")
    running = Site(["--store", str(store)])
    running.store = store
    yield running
    running.stop()


def _shots(tmp_path: Path) -> Path:
    directory = REPO / "docs" / "screenshots" if os.environ.get("KGBUILD_SCREENSHOTS") else tmp_path
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_a_researcher_goes_from_search_to_leaderboard_to_paper_to_pack_to_graph(site, tmp_path: Path):
    executable = chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright (pip install -e '.[test]')")
    expect = sync_api.expect
    shots = _shots(tmp_path)
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.set_default_timeout(30_000)
            # Script errors and refused resources (the content security policy) show here.
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)

            page.goto(site.base + "/")
            expect(page.locator("h1")).to_have_text("The graph")
            expect(page.locator(".counts")).to_contain_text("292 papers")
            page.screenshot(path=str(shots / "serve-home.png"))

            page.fill(".big-search input[name=q]", "COCO")
            page.press(".big-search input[name=q]", "Enter")
            page.wait_for_url("**/entity/dataset/coco")
            expect(page.locator("h1")).to_contain_text("COCO")
            boards = page.locator("#leaderboard table.leaderboard")
            assert boards.count() > 1
            box_ap = page.locator("h3.board", has_text="box AP · test-dev")
            expect(box_ap).to_have_count(1)
            first_row = page.locator("#leaderboard h3.board:has-text('box AP · test-dev') + .scroll tbody tr").first
            expect(first_row.locator("td").nth(1)).to_have_text("Dual-Swin-L")
            expect(first_row.locator("td").nth(2)).to_have_text("59.4%")
            page.screenshot(path=str(shots / "serve-dataset.png"))

            # Follow the leaderboard's sentence link to the paper, where that sentence is anchored.
            first_row.locator("td.evidence a").click()
            page.wait_for_url("**/paper/**")
            paper_id = page.url.split("/paper/", 1)[1].split("#", 1)[0]
            anchor = page.url.split("#", 1)[1]
            expect(page.locator(f"[id='{anchor}']")).to_be_visible()
            paper = site.get(f"/paper/{paper_id}?format=json").json()
            marks = page.locator(".abstract mark[data-start]")
            assert marks.count() > 5
            for i in range(marks.count()):
                mark = marks.nth(i)
                start, end = int(mark.get_attribute("data-start")), int(mark.get_attribute("data-end"))
                assert mark.inner_text() == paper["abstract"][start:end], (i, start, end)
            coco = page.locator(".abstract mark[data-key='coco']").first
            start, end = int(coco.get_attribute("data-start")), int(coco.get_attribute("data-end"))
            aliases = site.get("/entity/dataset/coco?format=json").json()["aliases"]
            assert coco.inner_text() == paper["abstract"][start:end] and coco.inner_text() in aliases
            # the page's text is the abstract, character for character, so offsets line up
            assert page.locator(".abstract").text_content() == paper["abstract"]
            page.screenshot(path=str(shots / "serve-paper.png"), full_page=True)

            page.goto(site.base + "/packs")
            page.click("a[href='/packs/backbones-evaluated-on']")
            page.fill("input[name=dataset]", "COCO")
            page.click("form.pack-form button[type=submit]")
            page.wait_for_url("**/packs/backbones-evaluated-on?**")
            rows = page.locator("section.results tbody tr")
            named = load_packs()["backbones-evaluated-on"]
            with FalkorDBStore(site.store, read_only=True) as store:
                expected = store.query(named.cypher, named.bind({"dataset": "COCO"})).rows
            expect(rows).to_have_count(len(expected))
            assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == \
                   [row[0] for row in expected]
            page.screenshot(path=str(shots / "serve-pack.png"))

            page.goto(site.base + "/graph/dataset/coco")
            graph = site.get("/graph/dataset/coco?format=json").json()
            page.wait_for_selector("#graph[data-drawn-nodes]")
            drawn = page.evaluate("""() => {
                const cy = window.kgbuildGraph, box = document.getElementById('graph').getBoundingClientRect();
                const inside = cy.nodes().filter(n => { const b = n.renderedBoundingBox();
                    return b.w > 0 && b.x1 >= -1 && b.y1 >= -1 && b.x2 <= box.width + 1 && b.y2 <= box.height + 1; });
                return {nodes: cy.nodes().length, inside: inside.length, edges: cy.edges().length,
                        canvases: document.querySelectorAll('#graph canvas').length};
            }""")
            assert drawn["nodes"] == len(graph["nodes"]) > 10
            assert drawn["inside"] == drawn["nodes"], drawn  # every node drawn within the view
            assert drawn["edges"] == len(graph["edges"]) and drawn["canvases"] > 0
            page.wait_for_timeout(300)
            page.screenshot(path=str(shots / "serve-graph.png"))
            # a node is a link to its page
            page.evaluate("() => window.kgbuildGraph.nodes('[?center]').emit('tap')")
            page.wait_for_url("**/entity/dataset/coco")

            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
            phone.goto(site.base + f"/paper/{paper_id}")
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, f"the paper page is {width}px wide on a 390px phone"
            phone.screenshot(path=str(shots / "serve-paper-phone.png"))
        finally:
            browser.close()
    assert not problems, problems
