"""The CLI explains itself: every command and option has help, `fault add --help` lists every
effect with its parameters (from the fault engine itself), `fault list` shows them."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from mock_carriers.cli import main
from mock_carriers.core.faults import BEFORE, EFFECTS, PARAMETERS, WEBHOOK


def _commands(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, child in command.commands.items():
            yield from _commands(child, (*path, name))


COMMANDS = list(_commands(main))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(path) or "main" for path, _ in COMMANDS])
def test_every_command_and_option_has_help(path, command):
    assert (command.help or "").strip(), f"`{' '.join(path)}` has no help"
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"`{' '.join(path)} {param.opts[0]}` has no help"


def test_every_url_option_says_it_reads_mock_carriers_url():
    for path, command in COMMANDS:
        for param in command.params:
            if param.name == "url":
                assert "MOCK_CARRIERS_URL" in param.help and param.envvar == "MOCK_CARRIERS_URL", path


def test_the_url_comes_from_the_environment(live_server):
    url = live_server()
    result = CliRunner().invoke(main, ["fault", "list"], env={"MOCK_CARRIERS_URL": url})
    assert result.exit_code == 0, result.output


def test_fault_add_help_lists_every_effect_with_its_parameters():
    text = CliRunner().invoke(main, ["fault", "add", "--help"], terminal_width=200).output
    lines = text.splitlines()
    for effect in EFFECTS:
        line = next((line for line in lines if line.split()[:1] == [effect]), None)
        assert line is not None, f"{effect} is not listed"
        for parameter in PARAMETERS.get(effect, ()):
            assert parameter in line, f"{effect}'s {parameter} is not listed"
    assert text.index(BEFORE[0]) < text.index(WEBHOOK[0]) and "--event" in text


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_fault_list_shows_parameters_and_says_when_there_are_none(live_server):
    ns = ["--url", live_server(), "-n", "default"]
    assert run("fault", "list", *ns).output == "no fault rules in namespace default\n"
    run("fault", "add", "status", "--carrier", "bex", "-p", "status=502", "--times", "2", *ns)
    run(
        "fault",
        "add",
        "latency",
        "-p",
        "distribution=uniform",
        "-p",
        "min_ms=1",
        "-p",
        "max_ms=3",
        "--probability",
        "0.5",
        "--description",
        "slow sometimes",
        *ns,
    )
    first, second = run("fault", "list", *ns).output.splitlines()
    assert first.split()[:4] == ["fault_1", "status", "carrier=bex", "status=502"] and "times=2" in first
    assert "distribution=uniform min_ms=1 max_ms=3" in second and "probability=0.5" in second
    assert "every request" in second and "slow sometimes" in second
