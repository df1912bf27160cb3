"""`jixiao audit`: check tables against the setting rules (ontology/audit.ttl). Thin."""
from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.commands.richlazy import Console, Table  # rich on first use
from api.options import DEFAULT_DATA, DataOption, StoreOption


class AuditFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Severity(StrEnum):
    violation = "violation"
    warning = "warning"
    info = "info"


class Engine(StrEnum):
    sparql = "sparql"
    pyshacl = "pyshacl"


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)


def audit(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders of tables to audit without a store; none: audit the store.")] = None,
    format: Annotated[AuditFormat, typer.Option("--format", "-f", help="table, json or csv.")] = AuditFormat.table,
    severity: Annotated[list[Severity] | None, typer.Option(
        "--severity", "-s", help="Only findings of this severity (repeatable).")] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", "-r", help="Only this rule id (repeatable).")] = None,
    fail_on: Annotated[Severity, typer.Option(
        "--fail-on", help="Exit 1 when a finding of this severity or a graver one is shown.")] = Severity.info,
    setting: Annotated[list[str] | None, typer.Option(
        "--set", help="A rule setting NAME=VALUE, e.g. costRequiredFrom=2025 (repeatable).")] = None,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="sparql (the store's engine, fast) or pyshacl (the reference, small graphs).")
    ] = Engine.sparql,
    save: Annotated[bool, typer.Option(
        "--save/--no-save", help="Store audit: replace the store's audit graph with the findings.")] = True,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="Print the rules and exit.")] = False,
    data: DataOption = DEFAULT_DATA,
    store: StoreOption = None,
) -> None:
    """Check performance-goal tables against the setting rules; each finding at its line.

    Examples:

      jixiao audit data/samples --format json

      jixiao audit --data jixiao-data --severity violation

    With PATHS the files are parsed and audited without a store. Without PATHS every table
    in the store is audited and the findings are saved in its audit graph (an
    sh:ValidationReport, see docs/audit.md). Exit status: 1 when a finding at or above
    --fail-on is shown (or a file could not be read), 2 on bad options.
    """
    from api.app import Jixiao
    from graph.audit import SEVERITY_RANK, AuditError, rules

    err = Console(stderr=True)
    if list_rules:
        _print_rules(rules(), format)
        return
    jx = Jixiao(data=data, store_url=store)
    try:
        report = jx.audit(paths=paths or None, engine=engine.value, settings=setting or (), save=save and not paths)
        shown = report.filtered([s.value for s in severity or ()], rule or ())
    except AuditError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    finally:
        jx.close()
    if format is AuditFormat.json:
        json.dump(shown.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif format is AuditFormat.csv:
        sys.stdout.write(shown.to_csv())
    else:
        _print_findings(shown)
    for e in report.errors:
        where = f"{e.get('path')}:{e['line']}" if e.get("line") else str(e.get("path"))
        err.print(f"[red]error[/red] {where}: {e.get('message')}")
    err.print(f"{len(shown.findings)} finding(s) in {report.projects} table(s), {report.seconds:.2f} s "
              f"({report.engine})")
    limit = SEVERITY_RANK[fail_on.value]
    if report.errors or any(SEVERITY_RANK[f.severity] <= limit for f in shown.findings):
        raise typer.Exit(1)


def _print_findings(report) -> None:
    table = Table(title="jixiao audit")
    for col in ("file", "line", "severity", "rule", "message"):
        table.add_column(col)
    colour = {"violation": "red", "warning": "yellow", "info": "cyan"}
    for f in report.findings:
        table.add_row(f.file or "", str(f.line or ""), f"[{colour[f.severity]}]{f.severity}[/]", f.rule, f.message)
    Console().print(table)


def _print_rules(rules, format: AuditFormat) -> None:
    if format is AuditFormat.json:
        json.dump({"rules": [r.to_dict() for r in rules]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    table = Table(title="jixiao audit rules")
    for col in ("rule", "severity", "group", "label", "source"):
        table.add_column(col)
    for r in rules:
        table.add_row(r.id, r.severity, r.group, r.label_zh, r.source)
    Console().print(table)
