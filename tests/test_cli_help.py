"""Every command's --help works, shows an example, and renders click's line-keeping marker."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from linkcore.cli import COMMANDS, LazyGroup, main


def _all_commands() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for name in COMMANDS:
        cmd = LazyGroup._load(name)
        if cmd is None:
            continue
        paths.append((name,))
        if isinstance(cmd, click.Group):
            paths += [(name, sub) for sub in cmd.list_commands(click.Context(cmd))]
    return paths


COMMAND_PATHS = _all_commands()

# Commands whose help lacks an example or shows a raw "\b" today; owned by other engineers,
# reported to the lead. Not strict: the test starts passing as soon as they are fixed.
RAW_B = "r-string docstring: click shows a literal \\b (use a plain docstring + noqa: D301)"
KNOWN_GAPS: dict = {}


def test_top_level_help_lists_every_built_command():
    res = CliRunner().invoke(main, ["--help"])
    assert res.exit_code == 0
    assert "Example" in res.output
    for path in COMMAND_PATHS:
        if len(path) == 1:
            assert path[0] in res.output


def test_demo_is_built():
    assert ("demo",) in COMMAND_PATHS


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_help_shows_an_example(path, request):
    if path in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_GAPS[path], strict=False))
    res = CliRunner().invoke(main, [*path, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage: " in res.output
    assert "Example" in res.output
    assert f"linkcore {path[0]}" in res.output.split("Example", 1)[1]
    assert "\\b" not in res.output


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_unknown_option_is_a_usage_error(path):
    res = CliRunner().invoke(main, [*path, "--no-such-option"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


@pytest.mark.parametrize("group", ["store", "schema"])
def test_a_group_given_no_command_says_so_in_one_line(group):
    """Regression: `linkcore store` alone printed its whole help text as the error (20 lines)."""
    res = CliRunner().invoke(main, [group])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: `")
    assert f"{group}` needs a command: " in lines[0]
