"""`jixiao` command line. Thin: each command parses options and calls the app object.

The Typer application (``app``) is built on first use: ``jixiao serve`` with plain options
starts the server without it (api.commands.serve_run), so the server binds sooner.
"""
from __future__ import annotations

from typing import Any

HELP = ("jixiao (绩效): a knowledge graph with semantic search over government "
        "project performance-goal tables (财政项目支出绩效目标表).\n\n"
        "Example: jixiao ingest data/samples && jixiao search 满意度")


def _root() -> None:
    """jixiao: parse, ingest, query and search performance-goal tables."""


def build_app(commands: tuple[str, ...] | None = None) -> Any:
    """The Typer application with every command (or only those named in ``commands``)."""
    import typer

    from api.commands import audit_cmd, graph_cmds, parse_cmd, search_cmds, serve_cmd

    app = typer.Typer(name="jixiao", help=HELP, no_args_is_help=True, add_completion=False,
                      pretty_exceptions_enable=False)
    app.callback()(_root)
    modules = {"parse": parse_cmd, "graph": graph_cmds, "search": search_cmds, "serve": serve_cmd,
               "audit": audit_cmd}
    for name, module in modules.items():
        if commands is None or name in commands:
            module.register(app)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        app = build_app()
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    import sys

    if sys.argv[1:2] == ["serve"]:
        from api.commands.serve_run import parse, run

        options = parse(sys.argv[2:])
        if options is not None:  # plain options: no Typer (no pydantic) before the server binds
            run(**options)
            return
        if "--help" not in sys.argv:
            # Typer with only the serve command's options (the same options, help and errors)
            build_app(("serve",))()
            return
    build_app()()


if __name__ == "__main__":
    main()
