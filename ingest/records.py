"""Plain records produced by the ingest layer.

Their ``to_dict`` forms are the `jixiao parse` JSON contract
(shared spec ``parse-output.md``): field names are never renamed or dropped.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Target:
    raw: str
    op: str | None = None  # one of = ≥ ≤ > <, None for qualitative
    value: float | int | None = None
    unit: str | None = None
    qualitative: str | None = None


@dataclass
class Indicator:
    l1: str | None
    l2: str | None
    name: str
    target: Target | None
    line: int
    position: int = 0  # 1-based order within its table
    extra: dict[str, str] = field(default_factory=dict)  # 权重, 分值, 指标性质, 上年实际值 …
    # self-evaluation tables (绩效自评表): the value achieved, the points the row is worth, the score given
    actual: str | None = None
    points: str | None = None
    score: str | None = None
    location: str | None = None  # where the row is in an office file: "项目表!A12:D12", "page 3 table 1 row 7"


@dataclass
class LegalRef:
    title: str | None
    doc_number: str | None = None
    doc_number_raw: str | None = None
    issuer_code: str | None = None
    year: int | None = None
    serial: int | None = None


@dataclass
class ParseWarning:
    line: int | None
    code: str
    message: str
    location: str | None = None  # as Indicator.location


@dataclass
class Budget:
    total: float | int | None = None
    current_year: float | int | None = None
    prev_year_budget: float | int | None = None
    prev_year_executed: float | int | None = None


@dataclass
class TableRecord:
    title: str | None
    unit: str | None = None
    year: int | None = None
    category: str | None = None
    start: str | None = None
    end: str | None = None
    gov_purchase: bool | None = None
    performance_type: str | None = None
    budget: Budget = field(default_factory=Budget)
    text_fields: dict[str, str] = field(default_factory=dict)
    legal_bases: list[LegalRef] = field(default_factory=list)
    other_cited_documents: list[LegalRef] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    lines: tuple[int, int] = (0, 0)  # first and last source line of the table
    header_fields: dict[str, str] = field(default_factory=dict)  # every key：value seen, as written
    kind: str = "goal"  # goal | self-evaluation | department
    locations: list[str | None] | None = None  # first and last row in an office file (None for text)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["lines"] = list(self.lines)
        return d


@dataclass
class SourceRecord:
    path: str
    encoding: str | None = None
    sha256: str | None = None
    format: str | None = None  # detected type: text, csv, html, xlsx, xls, docx, pdf
    tables: list[TableRecord] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"path", "line", "code", "message"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "encoding": self.encoding,
            "sha256": self.sha256,
            "format": self.format,
            "tables": [t.to_dict() for t in self.tables],
            "errors": list(self.errors),
        }

    @property
    def ok(self) -> bool:
        return not self.errors


def target_from_dict(d: dict[str, Any] | None) -> Target | None:
    return None if d is None else Target(**d)


def source_from_dict(d: dict[str, Any]) -> SourceRecord:
    """Rebuild a SourceRecord from its JSON form (the parse contract)."""
    tables = []
    for t in d.get("tables", []):
        tables.append(
            TableRecord(
                title=t.get("title"),
                unit=t.get("unit"),
                year=t.get("year"),
                category=t.get("category"),
                start=t.get("start"),
                end=t.get("end"),
                gov_purchase=t.get("gov_purchase"),
                performance_type=t.get("performance_type"),
                budget=Budget(**(t.get("budget") or {})),
                text_fields=dict(t.get("text_fields") or {}),
                legal_bases=[LegalRef(**x) for x in t.get("legal_bases", [])],
                other_cited_documents=[LegalRef(**x) for x in t.get("other_cited_documents", [])],
                indicators=[
                    Indicator(
                        l1=i.get("l1"),
                        l2=i.get("l2"),
                        name=i["name"],
                        target=target_from_dict(i.get("target")),
                        line=i.get("line", 0),
                        position=i.get("position", 0),
                        extra=dict(i.get("extra") or {}),
                        actual=i.get("actual"),
                        points=i.get("points"),
                        score=i.get("score"),
                        location=i.get("location"),
                    )
                    for i in t.get("indicators", [])
                ],
                warnings=[ParseWarning(**w) for w in t.get("warnings", [])],
                lines=tuple(t.get("lines") or (0, 0)),
                header_fields=dict(t.get("header_fields") or {}),
                kind=t.get("kind") or "goal",
                locations=t.get("locations"),
            )
        )
    return SourceRecord(
        path=d["path"], encoding=d.get("encoding"), sha256=d.get("sha256"), format=d.get("format"), tables=tables,
        errors=list(d.get("errors", [])),
    )
