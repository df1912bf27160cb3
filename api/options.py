"""Options shared by every command that reads or writes data."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_DATA = Path("jixiao-data")

DataOption = Annotated[
    Path,
    typer.Option(
        "--data",
        envvar="JIXIAO_DATA",
        help="Data folder holding the store and the search index (env JIXIAO_DATA).",
        show_default=True,
    ),
]

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="JIXIAO_STORE",
        help="URL of a SPARQL 1.1 server with the Graph Store Protocol "
        "(e.g. http://127.0.0.1:7878 for `oxigraph serve`) instead of the embedded store. "
        "Credentials: http://USER:PASSWORD@host… or env JIXIAO_STORE_USER/JIXIAO_STORE_PASSWORD; "
        "Virtuoso: http://host:8890#query=sparql&update=sparql-auth&gsp=sparql-graph-crud-auth.",
    ),
]
