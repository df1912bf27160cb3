"""`jixiao parse`: print the structured records of performance-goal tables (no store)."""
from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.commands.richlazy import Console, Table  # rich on first use


class ParseFormat(StrEnum):
    json = "json"
    summary = "summary"


def register(app: typer.Typer) -> None:
    app.command("parse")(parse)


def parse(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of tables: text exports, CSV, HTML, .xlsx/.xls, .docx, PDF.")],
    format: Annotated[ParseFormat, typer.Option("--format", "-f", help="json (the contract) or summary.")] = ParseFormat.json,
) -> None:
    """Parse performance-goal tables and print their records, without storing anything.

    Example: jixiao parse data/samples/*.txt --format json > tables.json

    The JSON shape is the stable contract in docs/parse-output.md. Files that cannot be
    read or hold no table are reported under "errors"; the exit status is then 1.
    """
    from ingest import parse_paths

    sources = parse_paths(paths)
    if format is ParseFormat.json:
        json.dump({"sources": [s.to_dict() for s in sources]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_summary(sources)
    if any(s.errors for s in sources):
        raise typer.Exit(1)


def _print_summary(sources) -> None:
    console = Console()
    table = Table(title="jixiao parse")
    for col in ("file", "table", "lines", "indicators", "legal bases", "warnings"):
        table.add_column(col)
    for s in sources:
        for t in s.tables:
            table.add_row(s.path, t.title or "?", f"{t.lines[0]}–{t.lines[1]}", str(len(t.indicators)),
                          str(len(t.legal_bases)), str(len(t.warnings)))
        for e in s.errors:
            table.add_row(s.path, f"[red]error[/red] {e.get('message')}", str(e.get("line") or ""), "", "", "")
    console.print(table)
