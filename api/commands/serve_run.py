"""`jixiao serve` without the command-line framework: its options read directly, then the server.

Typer builds a pydantic adapter for every option it parses (pydantic imported: ~0.3 s before
the server could bind). ``parse`` reads the serve command's options itself when they are
plain (``--name value``, ``--name=value``, the ``--allow-service`` flag, the same
environment variables and defaults); anything else — ``--help``, an unknown option, a value
out of range — returns None and Typer parses the command as always, with its help and its
errors (api.cli). tests/test_cli_serve_args.py checks both read every command line alike.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# option -> (parameter, type, lowest value); the same as api.commands.serve_cmd.serve's
OPTIONS: dict[str, tuple[str, type, float | None]] = {
    "--data": ("data", Path, None),
    "--store": ("store", str, None),
    "--host": ("host", str, None),
    "--port": ("port", int, None),
    "--update-token": ("update_token", str, None),
    "--timeout": ("timeout", float, 0.1),
    "--max-rows": ("max_rows", int, 1),
    "--sparql-workers": ("workers", int, 1),
    "--replica-mb": ("replica_mb", int, 0),
    "--cors-origin": ("cors_origin", str, None),
}
FLAGS: dict[str, tuple[str, bool]] = {"--allow-service": ("allow_service", True)}
DEFAULTS: dict[str, Any] = {"data": Path("jixiao-data"), "store": None, "host": "127.0.0.1", "port": 8000,
                            "update_token": None, "timeout": 30.0, "max_rows": 10_000, "workers": 2,
                            "replica_mb": None, "allow_service": False, "cors_origin": "*"}
ENV = {"data": "JIXIAO_DATA", "store": "JIXIAO_STORE", "update_token": "JIXIAO_UPDATE_TOKEN"}


GRACEFUL_STOP_SECONDS = 5  # how long a stop waits for requests in flight


def parse(argv: list[str]) -> dict[str, Any] | None:
    """The serve command's parameters from its arguments (after ``serve``), or None to leave
    the command line to Typer."""
    values: dict[str, Any] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in FLAGS:
            name, flag = FLAGS[arg]
            values[name] = flag
            i += 1
            continue
        option, eq, inline = arg.partition("=")
        if option not in OPTIONS:
            return None
        if eq:
            raw, i = inline, i + 1
        elif i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            raw, i = argv[i + 1], i + 2
        else:
            return None
        name, kind, lowest = OPTIONS[option]
        try:
            value = kind(raw)
        except ValueError:
            return None
        if lowest is not None and value < lowest:
            return None
        values[name] = value
    for name, var in ENV.items():
        if name not in values and os.environ.get(var):
            values[name] = Path(os.environ[var]) if name == "data" else os.environ[var]
    return {**DEFAULTS, **values}


def run(data: Path, store: str | None, host: str, port: int, update_token: str | None, timeout: float,
        max_rows: int, workers: int, replica_mb: int | None, allow_service: bool, cors_origin: str) -> None:
    """Bind at once with the front (api.server.front), build the application behind it."""
    import uvicorn

    from api.server.front import Front
    from api.server.lowlevel import JsonH11Protocol

    def build():
        from api.app import Jixiao
        from api.server import ServerConfig, create_app

        # without updates the server only reads: it opens the store's published snapshot, so
        # `jixiao ingest` can write meanwhile (the server sees the new data when it publishes)
        jx = Jixiao(data=data, store_url=store, read_only=not update_token)
        # the search index and the encoder load meanwhile (the app's warm-up then finds them)
        threading.Thread(target=_preload_search, args=(jx,), name="jixiao-preload", daemon=True).start()
        config = ServerConfig(update_token=update_token or None, timeout=timeout, max_rows=max_rows,
                              workers=workers, replica_mb=replica_mb, allow_service=allow_service,
                              cors_origin=cors_origin or None)
        return create_app(jx, config), jx.close

    import threading

    print(f"jixiao: http://{host}:{port}/  (SPARQL: /sparql, API docs: /docs)", file=sys.stderr, flush=True)
    # the front answers from what a read-only embedded store keeps (its figures) at once
    front = Front(build, data=None if (store or update_token) else data, cors_origin=cors_origin or None)
    # no limit_concurrency: its 503 is plain text; api.server.admission bounds the work
    # a stop (SIGTERM, Ctrl-C) waits at most a few seconds for requests in flight: a long query still
    # running is then cut off and its worker killed, rather than holding the stop for its time limit
    server = uvicorn.Server(uvicorn.Config(front, host=host, port=port, log_level="info", http=JsonH11Protocol,
                                           timeout_keep_alive=5, server_header=False,
                                           timeout_graceful_shutdown=GRACEFUL_STOP_SECONDS))
    front.on_failure = lambda: setattr(server, "should_exit", True)
    server.run()
    if front.error is not None:  # the application could not be built: the server stopped
        raise front.error


def _preload_search(jx) -> None:
    try:
        from api.server.app import preload_search

        preload_search(jx.searcher)
    except Exception:  # the app's warm-up loads it again and reports the problem
        pass
