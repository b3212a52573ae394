"""The wheel a user installs works on its own: built from this checkout, installed into a fresh
virtual environment (dependencies from the package registry, through pip's cache), and run from
a directory outside the checkout, so nothing can come from the source tree by accident."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
# Not copied into the build: environments, build output, stores, caches.
IGNORED = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "node_modules", "target", "__pycache__",
                                 "*.egg-info", "kgbuild-data", ".kgbuild", ".pytest_cache", "*.pyc")


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(argv)} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """(the kgbuild command of a fresh venv holding only the wheel and its dependencies, its
    environment, a working directory outside the checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=IGNORED)  # a clean copy: no stale build/ can leak into the wheel
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("KGBUILD_", "NEO4J_", "PYTHON", "VIRTUAL_ENV"))}
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(root / "dist")],
         cwd=root, env=env)
    wheels = list((root / "dist").glob("kgbuild-*.whl"))
    assert len(wheels) == 1, wheels
    environment = root / "env"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(environment)
    python = environment / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheels[0])], cwd=root, env=env)
    work = root / "elsewhere"
    work.mkdir()
    return environment / "bin" / "kgbuild", env, work


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    kgbuild, env, work = installed
    python = kgbuild.parent / "python"
    where = _run([str(python), "-c", "import kgbuild, kgbuild.cypher, kgbuild.examples; "
                  "print(kgbuild.__file__); print(kgbuild.cypher.__file__); print(kgbuild.examples.__file__)"],
                 cwd=work, env=env).stdout.split()
    site = kgbuild.parent.parent / "lib"
    assert all(Path(path).is_relative_to(site) for path in where), where


def test_build_query_stats_export_and_browser_assets_from_the_wheel(installed):
    kgbuild, env, work = installed
    built = _run([str(kgbuild), "build", "--sample", "--json", "-q"], cwd=work, env=env)
    summary = json.loads(built.stdout)
    assert (summary["counts"]["papers"], summary["written"]) == (292, 292)

    packs = _run([str(kgbuild), "packs"], cwd=work, env=env).stdout
    assert "backbones-evaluated-on" in packs and "paper-card" in packs and "shipped" in packs

    rows = json.loads(_run([str(kgbuild), "query", "backbones-evaluated-on", "--param", "dataset=COCO",
                            "--format", "json"], cwd=work, env=env).stdout)
    assert rows and all(row["dataset"] == "COCO" for row in rows)

    stats = json.loads(_run([str(kgbuild), "stats", "--format", "json"], cwd=work, env=env).stdout)
    assert stats["papers"] == 292 and stats["entities"]["Method"] > 100

    _run([str(kgbuild), "export", "--format", "graphml", "--out", "graph.graphml"], cwd=work, env=env)
    assert (work / "graph.graphml").read_text().count("<node ") > 292

    _run([str(kgbuild), "browser-assets", "--out", "assets"], cwd=work, env=env)
    guide = (work / "assets" / "guide.html").read_text()
    assert "backbones-evaluated-on" in guide and (work / "assets" / "style.grass").stat().st_size > 0


def test_eval_on_a_bundled_annotated_fixture_from_the_wheel(installed):
    kgbuild, env, work = installed
    gold = work / "annotated"
    shutil.copytree(REPO / "tests" / "fixtures" / "annotated", gold)
    report = _run([str(kgbuild), "eval", str(gold / "corpus.jsonl"), "--format", "json"], cwd=work, env=env).stdout
    scored = json.loads(report)
    assert scored["missing"] == 0 and scored["papers"] > 0
    assert scored["rows"]["ENTITIES_MICRO"]["f1"] > 0.5


def test_rebuild_with_the_example_configuration_and_an_initialised_one(installed):
    kgbuild, env, work = installed
    work = work / "scheduled"  # the example's store is ../kgbuild-data: not the one the build test made
    work.mkdir()
    examples = work / "examples"
    shutil.copytree(REPO / "examples", examples, ignore=IGNORED)
    run = _run([str(kgbuild), "rebuild", "--config", str(examples / "kgbuild.toml"), "--json", "-q"], cwd=work, env=env)
    record = json.loads(run.stdout)
    assert (record["outcome"], record["papers_added"]) == ("succeeded", 292)

    _run([str(kgbuild), "rebuild", "--init", "job/kgbuild.toml"], cwd=work, env=env)
    shutil.copytree(REPO / "examples" / "sample", work / "job" / "papers", ignore=IGNORED)
    again = json.loads(_run([str(kgbuild), "rebuild", "--config", "job/kgbuild.toml", "--json", "-q"],
                            cwd=work, env=env).stdout)
    assert (again["outcome"], again["papers_added"]) == ("succeeded", 292)


def test_the_web_explorer_serves_from_the_wheel(installed):
    """kgbuild build --sample && kgbuild serve: its pages, templates and scripts come from the
    installed package (package data), not from a checkout."""
    import socket
    import time
    import urllib.error
    import urllib.request

    kgbuild, env, work = installed
    site = work / "site"
    site.mkdir()
    _run([str(kgbuild), "build", "--sample", "--store", "store", "-q"], cwd=site, env=env)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(kgbuild), "serve", "--store", "store", "--port", str(port)], cwd=site, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                home = urllib.request.urlopen(base + "/", timeout=5).read().decode()
                break
            except urllib.error.HTTPError:
                raise  # it answered, with an error page
            except OSError:  # not listening yet
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "kgbuild serve did not answer within 120 s"
                time.sleep(0.5)
        assert "COCO" in home
        dataset = json.loads(urllib.request.urlopen(base + "/entity/dataset/coco?format=json", timeout=30).read())
        # the page counts the papers the store holds for COCO, as the query pack does
        looked_up = json.loads(_run([str(kgbuild), "query", "entity-lookup", "--param", "name=COCO", "--store", "store",
                                     "--format", "json"], cwd=site, env=env).stdout)
        stored = next(row["papers"] for row in looked_up if (row["type"], row["key"]) == ("Dataset", "coco"))
        assert stored > 0 and (dataset["name"], dataset["papers"]) == ("COCO", stored)
        script = urllib.request.urlopen(base + "/static/cytoscape.min.js", timeout=30).read()
        assert len(script) > 100_000
    finally:
        server.terminate()
        server.wait(timeout=60)
