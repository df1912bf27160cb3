"""On-disk layout of the search index and its crash-safe replacement.

    DATA/index/
      CURRENT               name of the live generation, replaced atomically (temp + rename)
      gen-000007/           one complete, immutable index
        manifest.json       format, encoder identity, index kind, counts, thresholds
        indicators.jsonl    one row per indicator: stable id, IRI, text, graph context
        columns.npz/.json   the rows' ids, wordings, filter fields and line offsets as columns
                            (a server reads only the rows a search returns: search.state)
        texts.json          distinct normalised names (row i of text_vectors.npy)
        text_vectors.npy    their embeddings: the text cache (identical names embedded once)
        vectors.faiss       FAISS index over indicator ids
        lexical/            bm25s index over texts.json

A sync writes a whole new generation into a temporary folder, renames it into place and only
then switches CURRENT. A crash at any point leaves CURRENT naming the previous generation,
which is complete; leftovers are removed by the next sync.
"""
from __future__ import annotations

import gc
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FORMAT = 1
CURRENT = "CURRENT"
GEN_PREFIX = "gen-"


class IndexFormatError(RuntimeError):
    """The index folder is damaged or written by an incompatible version."""


def index_root(data: Path) -> Path:
    return Path(data) / "index"


def current_generation(root: Path) -> Path | None:
    pointer = root / CURRENT
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    folder = root / name
    if not name.startswith(GEN_PREFIX) or not (folder / "manifest.json").exists():
        raise IndexFormatError(f"{pointer} names {name!r}, which is not a complete index generation")
    return folder


def new_generation_folder(root: Path, number: int) -> tuple[Path, Path]:
    """(temporary folder to write into, final folder name)."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"{GEN_PREFIX}{number:06d}"
    tmp = root / f".{final.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    return tmp, final


def publish_generation(root: Path, tmp: Path, final: Path) -> None:
    """Make ``tmp`` the live generation: fsync its files, rename it, switch CURRENT atomically."""
    for f in tmp.rglob("*"):
        if f.is_file():
            _fsync_file(f)
    if final.exists():  # a stale folder of the same number from a crashed sync
        shutil.rmtree(final)
    os.replace(tmp, final)
    write_atomic(root / CURRENT, final.name.encode())
    _fsync_dir(root)
    remove_stale(root, keep=final.name)


def write_atomic(path: Path, content: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


def read_json(path: Path) -> Any:
    """orjson (a dependency): the reuse clusters of a 10k-table index (~18 MB) in a third of the time."""
    try:
        from orjson import loads
    except ImportError:  # pragma: no cover — orjson is in the dependencies
        loads = json.loads
    return loads(path.read_bytes())


def write_jsonl(path: Path, rows: Iterable[dict]) -> list[int]:
    """One JSON object a line; the byte offset where each line starts, then the file's end."""
    offsets = [0]
    with open(path, "wb") as fh:
        for row in rows:
            line = json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n"
            fh.write(line)
            offsets.append(offsets[-1] + len(line))
    return offsets


def read_jsonl(path: Path) -> list[dict]:
    """One dict per line. orjson parses the ~200k rows of a 10k-table index ~3x faster than
    ``json`` (it is a dependency; ``json`` only if it is missing), with the garbage collector
    paused meanwhile: allocating that many dicts otherwise runs full collections over them."""
    try:
        from orjson import loads
    except ImportError:  # pragma: no cover — orjson is in the dependencies
        loads = json.loads
    with gc_paused(), open(path, "rb") as fh:
        return [loads(line) for line in fh if line.strip()]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def generation_number(folder: Path | None) -> int:
    return int(folder.name[len(GEN_PREFIX):]) if folder is not None else 0


def remove_stale(root: Path, keep: str) -> None:
    """Delete generations and temporary folders other than ``keep`` (leftovers of crashed syncs)."""
    for child in root.iterdir():
        if child.is_dir() and child.name != keep and (
                child.name.startswith(GEN_PREFIX) or child.name.startswith(f".{GEN_PREFIX}")):
            shutil.rmtree(child, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
