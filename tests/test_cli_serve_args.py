"""``jixiao serve`` reads plain options without Typer (api.commands.serve_run.parse) so the
server binds sooner; every command line must mean the same as Typer reads it, and what the
fast reader does not handle (help, errors, unknown options) must be left to Typer."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import build_app
from api.commands import serve_run

COMMAND_LINES = [
    [],
    ["--data", "d", "--port", "8123", "--host", "0.0.0.0"],
    ["--data=d2", "--port=9000", "--timeout", "2.5", "--max-rows", "7", "--sparql-workers", "3"],
    ["--replica-mb", "0", "--allow-service", "--cors-origin", ""],
    ["--cors-origin", "https://example.org", "--store", "http://127.0.0.1:7878"],
    ["--update-token", "secret", "--replica-mb=512"],
]
ENVIRONMENTS = [{}, {"JIXIAO_DATA": "from-env", "JIXIAO_STORE": "http://h:1", "JIXIAO_UPDATE_TOKEN": "tok"}]


def typer_reads(argv: list[str], env: dict[str, str], monkeypatch) -> dict:
    seen: dict = {}
    monkeypatch.setattr(serve_run, "run", lambda **kw: seen.update(kw))
    result = CliRunner().invoke(build_app(("serve",)), ["serve", *argv], env=env)
    assert result.exit_code == 0, result.output
    return seen


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("argv", COMMAND_LINES)
def test_fast_reader_reads_like_typer(argv, env, monkeypatch):
    for var in ("JIXIAO_DATA", "JIXIAO_STORE", "JIXIAO_UPDATE_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    expected = typer_reads(argv, env, monkeypatch)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert serve_run.parse(argv) == expected
    assert isinstance(serve_run.parse(argv)["data"], Path)


@pytest.mark.parametrize("argv", [["--help"], ["--port", "abc"], ["--timeout", "0"], ["--sparql-workers", "0"],
                                  ["--bogus", "1"], ["--no-allow-service"], ["--port"], ["--data", "--port", "1"], ["-h"]])
def test_what_the_fast_reader_cannot_read_is_left_to_typer(argv):
    assert serve_run.parse(argv) is None


def test_the_fast_reader_knows_every_option_of_the_command():
    import typer.main

    command = typer.main.get_command(build_app(("serve",))).commands["serve"]
    names = {o for p in command.params for o in [*p.opts, *p.secondary_opts]} - {"--help"}
    assert names == set(serve_run.OPTIONS) | set(serve_run.FLAGS)
    assert {p.name for p in command.params if p.name != "help"} == set(serve_run.DEFAULTS)
