"""Turn exported performance-goal tables into plain records (no RDF here).

Entry point: :func:`ingest.parse_paths` / :func:`ingest.parse_file`.
"""
from ingest.records import (
    Budget,
    Indicator,
    LegalRef,
    ParseWarning,
    SourceRecord,
    TableRecord,
    Target,
)

__all__ = [
    "Budget",
    "Indicator",
    "LegalRef",
    "ParseWarning",
    "SourceRecord",
    "TableRecord",
    "Target",
    "parse_file",
    "parse_paths",
]


def __getattr__(name: str):  # lazy: keep `import ingest.records` light
    if name in ("parse_file", "parse_paths"):
        from ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
