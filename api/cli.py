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
    app()


if __name__ == "__main__":
    main()
