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


def test_readme_exit_code_table_is_the_one_every_command_uses():
    import signal

    from click.testing import CliRunner

    from kgbuild import exit_codes
    from kgbuild.cli import cli

    documented = {int(code) for code in re.findall(r"^\| (\d+) \| .+ \|$", (REPO / "README.md").read_text(), re.M)}
    used = {exit_codes.SUCCEEDED, exit_codes.FAILED, exit_codes.USAGE, exit_codes.SUCCEEDED_WITH_REJECTS,
            exit_codes.NOTHING_LOADED, exit_codes.UNAVAILABLE, exit_codes.BUSY,
            exit_codes.SIGNAL_BASE + signal.SIGINT, exit_codes.SIGNAL_BASE + signal.SIGPIPE,
            exit_codes.SIGNAL_BASE + signal.SIGTERM}
    assert documented == used
    help_text = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"  {code} " in help_text for code in used - {143}) and "143 stopped by SIGTERM" in help_text


def test_the_five_minute_tour_runs_as_shown(tmp_path: Path, monkeypatch):
    """Every command of the README's tour works, in a directory that is not a checkout."""
    import shlex

    from click.testing import CliRunner

    from kgbuild.cli import cli

    text = (REPO / "README.md").read_text()
    tour = re.search(r"## A five-minute tour\n+```sh\n(.+?)\n```", text, re.S)
    assert tour, "the README's tour shows its commands in a sh block"
    commands = tour.group(1).splitlines()
    assert commands[0] == "kgbuild build --sample" and len(commands) >= 5
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGBUILD_STORE", raising=False)
    monkeypatch.delenv("KGBUILD_PACKS", raising=False)
    runner = CliRunner()
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "kgbuild"
        result = runner.invoke(cli, argv[1:])
        assert result.exit_code == 0, f"{command}: {result.output}"
        assert result.output.strip() and "(no rows)" not in result.output, command
