"""How much work one file may cause: limits checked while a file is read, before it costs much.

A table is a few dozen rows (the largest real ones have about 60); a file a few hundred
tables at most. A file far beyond that is an accident or an attack (one heading followed
by 500,000 copies of a row is a 12 MB file that would take gigabytes to store), so it is
refused with an error that names the file, the line and the limit; nothing from it is
stored, and the other files of the ingest go on.

Defaults are generous multiples of real tables. Each can be changed with an environment
variable (a positive integer), read when the limits are made::

    JIXIAO_MAX_FILE_BYTES=400000000 JIXIAO_MAX_TABLE_ROWS=5000 jixiao ingest big/

| limit | default | environment variable |
|---|---|---|
| bytes in one file | 200 MB | ``JIXIAO_MAX_FILE_BYTES`` |
| lines in one file | 300,000 | ``JIXIAO_MAX_FILE_LINES`` |
| rows in one table | 1,000 | ``JIXIAO_MAX_TABLE_ROWS`` |
| tables in one file | 2,000 | ``JIXIAO_MAX_FILE_TABLES`` |
| indicators in one file | 20,000 | ``JIXIAO_MAX_FILE_INDICATORS`` |
| indicators in one ingest | 5,000,000 | ``JIXIAO_MAX_INGEST_INDICATORS`` |
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields

_ENV = {
    "max_bytes": "JIXIAO_MAX_FILE_BYTES",
    "max_lines": "JIXIAO_MAX_FILE_LINES",
    "max_table_rows": "JIXIAO_MAX_TABLE_ROWS",
    "max_tables": "JIXIAO_MAX_FILE_TABLES",
    "max_indicators": "JIXIAO_MAX_FILE_INDICATORS",
    "max_ingest_indicators": "JIXIAO_MAX_INGEST_INDICATORS",
}


@dataclass(frozen=True)
class IngestLimits:
    max_bytes: int = 200 * 1024 * 1024  # bytes in one file (checked before reading it)
    max_lines: int = 300_000  # lines in one file (checked before splitting it into cells)
    max_table_rows: int = 1_000  # rows from a table's heading to the next table (before reading it)
    max_tables: int = 2_000  # tables in one file
    max_indicators: int = 20_000  # indicators in one file
    max_ingest_indicators: int = 5_000_000  # indicators stored by one ingest

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> IngestLimits:
        """The defaults, overridden by ``JIXIAO_MAX_*`` variables; a bad value is a ValueError."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(_ENV[f.name])
            if raw is None or not raw.strip():
                continue
            try:
                value = int(raw.strip().replace("_", ""))
            except ValueError:
                value = 0
            if value <= 0:
                raise ValueError(f"{_ENV[f.name]} must be a positive whole number, not {raw!r}")
            values[f.name] = value
        return cls(**values)


def env_name(limit: str) -> str:
    """The environment variable that sets a limit (``env_name("max_table_rows")``)."""
    return _ENV[limit]


class LimitExceeded(Exception):
    """A file asks for more work than a limit allows."""

    def __init__(self, code: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.code, self.line, self.message = code, line, message
