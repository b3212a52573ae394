"""The README's two first commands are what a new user types; keep them true."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).parent.parent


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    return re.findall(r"```(?:sh|bash)\n(.+?)\n```", text)


def test_readme_opens_with_install_and_run_then_test_command():
    commands = _readme_commands()
    assert len(commands) >= 2
    run_sample, run_tests = commands[0], commands[1]
    assert "pip install -e ." in run_sample and "kgbuild build examples/sample" in run_sample
    assert "backbones-evaluated-on --param dataset=COCO" in run_sample
    assert "pytest" in run_tests and ".[test]" in run_tests


def test_ci_runs_exactly_the_readme_test_command():
    ci_lines = (REPO / ".ci" / "run").read_text().splitlines()
    assert _readme_commands()[1] in ci_lines
