"""Neo4j Browser, served by the test Neo4j, driven in headless Chromium as a user would.

Browser comes from Maven Central with the server (org.neo4j.client:neo4j-browser in
tests/neo4j/pom.xml). The test logs in, applies the style sheet `kgbuild browser-assets`
writes, plays the guide it writes (served on localhost, which Browser allows by default),
runs the first query slide by clicking its blocks, and checks what Browser shows against
what kgbuild's store answers. Screenshots go to docs/screenshots/ (KGBUILD_SCREENSHOTS=1
refreshes the committed ones; otherwise they go to the test's temporary directory).

It needs Chromium (Debian's `chromium` package) and Playwright (in the test extras; it drives
the installed Chromium, it downloads no browser). Where Chromium is missing it is skipped,
also under CI: it checks Neo4j's user interface with kgbuild's assets, not kgbuild's Neo4j path.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import Neo4jTarget

from kgbuild.browser import STYLE_FILE, example_values, write_browser_assets
from kgbuild.build import build
from kgbuild.queries import load_packs

REPO = Path(__file__).parent.parent
SAMPLE = REPO / "examples" / "sample"
PAPER_FILL = "#4C8EDA"  # style.grass: node.Paper color


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("needs Chromium (apt-get install chromium) to drive Neo4j Browser")
    return path


class _AssetHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the CORS headers Browser's fetch of a guide asks for."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "*")
        super().end_headers()

    def do_OPTIONS(self) -> None:  # noqa: N802 (the handler's naming)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def assets(tmp_path: Path):
    """`kgbuild browser-assets` output, served on localhost (Browser's default allowlist)."""
    directory = tmp_path / "browser"
    write_browser_assets(directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_AssetHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield directory, f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _screenshot_dir(tmp_path: Path) -> Path:
    if os.environ.get("KGBUILD_SCREENSHOTS"):
        return REPO / "docs" / "screenshots"
    return tmp_path


def test_browser_plays_the_guide_applies_the_style_and_runs_a_pack(launched_neo4j, neo4j_target: Neo4jTarget,
                                                                   assets, tmp_path: Path):
    executable = chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright (pip install -e '.[test]')")
    directory, base = assets
    shots = _screenshot_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    server = launched_neo4j
    neo4j_target.wipe()
    packs = load_packs()
    # The guide's slides in order (the first one introduces); the test runs the first query
    # whose example values find something in the sample.
    slides = [html.unescape(name) for name in re.findall(r"<h3>(.*?)</h3>", (directory / "guide.html").read_text())]
    with neo4j_target.store() as store:
        build([str(SAMPLE)], store)
        for position, name in enumerate(slides[1:], start=1):
            named = packs[name]
            expected = store.query(named.cypher, named.bind(example_values(named))).rows
            if expected:
                break
    assert expected and position <= 3, "the guide's first examples find nothing in the sample"

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(60_000)
            bolt = server.bolt_uri
            page.goto(f"{server.http_uri}/browser/?dbms={bolt}&preselectAuthMethod=NATIVE")
            page.select_option("select[data-testid='authenticationMethod']", "NATIVE")
            page.fill("[data-testid='username']", server.user)
            page.fill("[data-testid='password']", server.password)
            page.click("[data-testid='connect']")
            page.wait_for_selector("text=You are connected as user")

            def run(text: str | None = None) -> None:
                frames = page.locator("[data-testid='frame']").count()
                if text is not None:
                    page.locator("[data-testid='activeEditor']").first.click()
                    page.keyboard.type(text)
                page.locator("[data-testid='editor-Run']").first.click()
                sync_api.expect(page.locator("[data-testid='frame']")).to_have_count(frames + 1)

            # The style sheet, as one line (grass ignores line breaks): Browser echoes what it took.
            grass = (directory / STYLE_FILE).read_text()
            run(":style " + " ".join(grass.split()))
            assert "node.Paper" in page.locator("[data-testid='frame']").first.inner_text()

            run(f":play {base}/guide.html")
            # The guide's frame (new frames go on top of it as commands run).
            guide = page.locator("[data-testid='frame']").filter(has=page.locator("div.slide")).first
            guide.locator("div.slide h3", has_text="kgbuild query packs").wait_for()
            page.wait_for_timeout(1000)  # the frame opens
            page.screenshot(path=str(shots / "browser-guide.png"))
            for _ in range(position):  # Browser shows one slide at a time
                guide.locator("button.next-slide").last.click()
            guide.locator("div.slide h3", has_text=named.name).wait_for()
            # Click each block (it goes into the editor) and run it: the parameters, then the query.
            blocks = guide.locator("div.slide pre.runnable")
            assert blocks.count() == len(example_values(named)) + 1  # the :param blocks, then the query
            for i in range(blocks.count()):
                blocks.nth(i).click()
                run()
            page.wait_for_timeout(500)
            result = page.locator("[data-testid='frame']").first
            shown = result.inner_text()
            page.screenshot(path=str(shots / "browser-pack.png"))
            for row in expected[:3]:
                assert all(str(value) in shown for value in row[:2]), (row, shown[:800])

            # A graph with the style applied: papers are blue and captioned by their title.
            run("MATCH (p:Paper)-[r:PROPOSES]->(m:Method) RETURN p, r, m ORDER BY p.id LIMIT 5")
            graph = page.locator("[data-testid='frame']").first.locator("svg g.node").first
            graph.wait_for()
            page.wait_for_timeout(1500)  # the layout settles
            page.screenshot(path=str(shots / "browser-graph.png"))
            fills = page.locator("svg g.node circle.b-outline").evaluate_all(
                "circles => circles.map(c => (c.getAttribute('fill') || '').toUpperCase())")
            assert PAPER_FILL in fills, fills
        finally:
            browser.close()
