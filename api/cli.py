"""`jixiao` command line. Thin: each command parses options and calls the app object."""
from __future__ import annotations

import typer

from api.commands import audit_cmd, graph_cmds, parse_cmd, search_cmds, serve_cmd

app = typer.Typer(
    name="jixiao",
    help="jixiao (绩效): a knowledge graph with semantic search over government "
    "project performance-goal tables (财政项目支出绩效目标表).\n\n"
    "Example: jixiao ingest data/samples && jixiao search 满意度",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """jixiao: parse, ingest, query and search performance-goal tables."""


for module in (parse_cmd, graph_cmds, search_cmds, serve_cmd, audit_cmd):
    module.register(app)


def main() -> None:
    import sys

    if sys.argv[1:2] == ["serve"] and "--help" not in sys.argv:
        # `jixiao serve` builds only its own command's options, not every command's (~0.1-0.2 s
        # of the server's start); the same options, help and errors
        serve_app = typer.Typer(name="jixiao", add_completion=False, pretty_exceptions_enable=False)
        serve_app.callback()(_root)
        serve_cmd.register(serve_app)
        serve_app()
        return
    app()


if __name__ == "__main__":
    main()
