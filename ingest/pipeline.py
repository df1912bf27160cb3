"""Parse files into SourceRecords (placeholder until the reader lands)."""
from __future__ import annotations
