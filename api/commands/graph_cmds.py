"""Graph commands: ingest, sparql, export, validate, stats. Thin: options in, app object called."""
from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.commands.richlazy import Console, Table  # rich on first use
from api.options import DEFAULT_DATA, DataOption, StoreOption


class ResultFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"
    ttl = "ttl"
    nt = "nt"


class ExportFormat(StrEnum):
    ttl = "ttl"
    nt = "nt"
    nq = "nq"
    jsonld = "jsonld"
    trig = "trig"


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("sparql")(sparql)
    app.command("export")(export)
    app.command("validate")(validate)
    app.command("stats")(stats)


def _app(data: Path, store: str | None, read_only: bool = False):
    from api.app import Jixiao

    return Jixiao(data=data, store_url=store, read_only=read_only)


def _open(data: Path, store: str | None, read_only: bool = False):
    """The app with its store open; a busy or unreachable store is a clean error."""
    from graph.store import StoreBusyError

    jx = _app(data, store, read_only)
    try:
        jx.store  # noqa: B018 - open now, to report problems before any work
    except (StoreBusyError, ConnectionError, OSError) as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    return jx


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of tables: text exports, CSV, HTML, .xlsx/.xls, .docx, PDF.")],
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
    no_index: Annotated[bool, typer.Option("--no-index", help="Do not update the search index.")] = False,
) -> None:
    """Parse tables and write them to the knowledge graph (one named graph per file).

    Example: jixiao ingest data/samples --data jixiao-data

    Re-ingesting an unchanged file changes nothing; a changed file replaces its graph in one
    step. A file that fails is reported (with its line) and the others are still ingested;
    the exit status is then 1.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ingest.pipeline import expand_paths

    err = Console(stderr=True)
    jx = _open(data, store)
    try:
        total = len(expand_paths(paths))
        with Progress(TextColumn("[bold]ingest[/bold]"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.description}"), console=err, transient=True) as bar:
            task = bar.add_task("", total=total)

            def step(path: Path, done: int, _total: int) -> None:
                bar.update(task, completed=done, description=path.name)

            summary = jx.ingest(paths, progress=step, index=not no_index)
    finally:
        jx.close()
    table = Table(title="jixiao ingest", show_header=False)
    for label, value in (("files", summary.sources), ("changed", summary.changed),
                         ("unchanged", summary.unchanged), ("failed", summary.failed),
                         ("tables", summary.tables), ("indicators", summary.indicators),
                         ("documents", summary.documents), ("warnings", summary.warnings),
                         ("triples written", summary.triples_added)):
        table.add_row(label, str(value))
    if summary.index:
        table.add_row("search index", summary.index)
    err.print(table)
    for e in summary.errors:
        where = f"{e.get('path')}:{e['line']}" if e.get("line") else str(e.get("path"))
        err.print(f"[red]error[/red] {where}: {e.get('message')}")
    if summary.outdated:
        err.print(f"[yellow]note[/yellow] {summary.outdated} source(s) in the store were written by an earlier "
                  "version of jixiao, whose IRIs depended on the files' paths. Ingest those files again (each "
                  "replaces its old version), or start a new data folder and ingest everything there.")
    if summary.failed:
        raise typer.Exit(1)


def sparql(
    query: Annotated[str | None, typer.Argument(help="The SPARQL query (or use --file).")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from this file.")] = None,
    format: Annotated[ResultFormat, typer.Option("--format", help="table, json (SPARQL 1.1 Query Results "
                                                 "JSON), csv, tsv, xml; ttl/nt for CONSTRUCT.")] = ResultFormat.table,
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query; the default graph is the union of all named graphs.

    Example: jixiao sparql 'SELECT ?title WHERE { ?p a jx:Project ; dcterms:title ?title }'

    The prefixes jx eli dcterms skos org prov unit rdf rdfs owl xsd are predeclared.
    """
    from graph.results import SparqlError

    if (query is None) == (file is None):
        raise typer.BadParameter("give a QUERY or --file, not both")
    text = query if query is not None else file.read_text(encoding="utf-8")
    jx = _open(data, store, read_only=True)
    try:
        try:
            result = jx.store.query(text)
        except SparqlError as exc:
            Console(stderr=True).print(f"[red]SPARQL error:[/red] {exc}")
            raise typer.Exit(2) from exc
        if format is ResultFormat.table:
            _print_table(result)
        else:
            fmt = format.value
            if result.kind == "graph" and fmt in ("json", "csv", "tsv"):
                fmt = "ttl"
            sys.stdout.buffer.write(result.serialize(fmt) or b"")
            sys.stdout.flush()
    finally:
        jx.close()


def _print_table(result) -> None:
    console = Console()
    if result.kind == "ask":
        console.print("true" if result else "false")
        return
    rows = result.rows()
    table = Table(show_lines=False)
    for v in result.variables:
        table.add_column(v)
    for row in rows:
        table.add_row(*("" if row.get(v) is None else str(row.get(v)) for v in result.variables))
    console.print(table)
    Console(stderr=True).print(f"{len(rows)} row(s)")


def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="trig/nq/jsonld keep the named graphs; "
                                                 "ttl/nt write their union.")] = ExportFormat.trig,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
) -> None:
    """Export the whole graph.

    Example: jixiao export --format ttl --out jixiao.ttl
    """
    jx = _open(data, store, read_only=True)
    try:
        if out is not None:
            jx.store.export(format.value, out)
        else:
            sys.stdout.buffer.write(jx.store.export(format.value) or b"")
            sys.stdout.flush()
    finally:
        jx.close()


def validate(
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
) -> None:
    """Check the graph against the SHACL shapes (ontology/shapes.ttl); exit 1 if it does not conform.

    Example: jixiao validate --data jixiao-data
    """
    from graph.validate import validate as run

    jx = _open(data, store, read_only=True)
    try:
        report = run(jx.store)
    finally:
        jx.close()
    console = Console()
    console.print(report.text)
    console.print(f"conforms: {report.conforms} (violations: {report.violations}, warnings: {report.warnings})")
    if not report.conforms:
        raise typer.Exit(1)


def stats(
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count projects, indicators, documents, organizations, sources and triples.

    Example: jixiao stats --data jixiao-data
    """
    import json

    jx = _open(data, store, read_only=True)
    try:
        counts = jx.store.stats()
    finally:
        jx.close()
    if as_json:
        typer.echo(json.dumps(counts))
        return
    table = Table(title="jixiao stats", show_header=False)
    for k, v in counts.items():
        table.add_row(k, str(v))
    Console().print(table)
