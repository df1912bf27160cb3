"""Figures kept beside a published snapshot of the embedded store, read without opening it.

A figure over the whole store that only changes when a writer publishes (the home page's
counts) is computed once per snapshot and kept as ``DATA/snapshots/NAME.KEY.json``
(``graph.replica.per_snapshot`` writes it). This module only locates and reads those files:
it imports neither rdflib nor the store, so ``jixiao serve`` can answer from them before
either is loaded (``api.server.front``).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CURRENT = "CURRENT"  # the file naming the published snapshot (graph.store.EmbeddedStore)


def current_snapshot(snapshots: Path) -> str | None:
    """The published snapshot's name, or None when nothing is published."""
    try:
        return (Path(snapshots) / CURRENT).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def kept_path(snapshots: Path, name: str, key: str) -> Path:
    return Path(snapshots) / f"{name}.{key}.json"


def read_kept(data: Path, key: str) -> Any | None:
    """The figure ``key`` kept for the snapshot published in the data folder ``data`` now;
    None when there is none (nothing published, not computed yet, or unreadable)."""
    snapshots = Path(data) / "snapshots"
    name = current_snapshot(snapshots)
    if name is None or not (snapshots / name).is_dir():
        return None
    try:
        return json.loads(kept_path(snapshots, name, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
