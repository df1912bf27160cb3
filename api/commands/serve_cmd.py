"""`jixiao serve`: the SPARQL endpoint, the JSON API and the web pages over HTTP."""
from __future__ import annotations

from typing import Annotated

import typer

from api.options import DEFAULT_DATA, DataOption, StoreOption


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    update_token: Annotated[str | None, typer.Option(
        "--update-token", envvar="JIXIAO_UPDATE_TOKEN",
        help="Allow SPARQL Update for requests carrying 'Authorization: Bearer TOKEN' (env JIXIAO_UPDATE_TOKEN). "
             "Without it the endpoint is read-only.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds a SPARQL query may run; "
                                                                      "then it is stopped (503).")] = 30.0,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Most rows (or triples) in one SPARQL answer.")] = 10_000,
    workers: Annotated[int, typer.Option("--sparql-workers", min=1, help="SPARQL worker processes.")] = 2,
    replica_mb: Annotated[int | None, typer.Option(
        "--replica-mb", min=0, help="MiB each SPARQL worker may use for an in-memory copy of the store, which "
                                    "answers the heavy queries ~10x faster once loaded (0: none; default: half "
                                    "the available memory, shared by the workers).")] = None,
    allow_service: Annotated[bool, typer.Option(
        "--allow-service", help="Allow SPARQL SERVICE (federated queries): the server then sends requests "
                                "to addresses clients choose. Off by default.")] = False,
    cors_origin: Annotated[str, typer.Option(
        "--cors-origin", help="Access-Control-Allow-Origin for reads: '*' (any site may query), one origin "
                              "(https://example.org), or '' for no CORS. Never for requests with the update token.")
    ] = "*",
) -> None:
    """Serve the web UI, the JSON API (/api/, docs at /docs) and a SPARQL 1.1 endpoint (/sparql).

    Example: jixiao serve --data jixiao-data --port 8000, then open http://127.0.0.1:8000
    """
    from api.commands.serve_run import run

    run(data=data, store=store, host=host, port=port, update_token=update_token, timeout=timeout,
        max_rows=max_rows, workers=workers, replica_mb=replica_mb, allow_service=allow_service,
        cors_origin=cors_origin)
