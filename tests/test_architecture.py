"""The house's layering, read from the source: ingest → graph → search → api, one way.

Every import is checked, including those inside functions (the code imports lazily).
``api/`` is the outside face: the ingest pipeline (worker pool, parse/map/audit, batch
writes, keeping the index in step) lives in ``graph.ingest_workers`` and
``search.indexed_ingest``, never in ``api/`` (docs/architecture.md).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "graph", "search", "api")
# what each package may not import: everything downstream of it
FORBIDDEN = {"ingest": {"graph", "search", "api"}, "graph": {"search", "api"}, "search": {"api"}}
# the pipeline's own steps: the outside face calls the pipeline, it does not run them
PIPELINE_NAMES = {"ProcessPoolExecutor", "multiprocessing", "concurrent", "write_sources", "replace_source",
                  "parse_file", "map_source", "prepare", "audit_sources", "attach_findings", "source_rows",
                  "withdraw", "prefetch", "prepare_files", "prepared_files"}


def _modules(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, package
    return files


def _imports(path: Path) -> set[str]:
    """The top-level packages a module imports (absolute imports; relative ones stay inside)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def _names(path: Path) -> set[str]:
    """Every name, attribute and imported name a module uses."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
        elif isinstance(node, ast.Import):
            out.update(part for a in node.names for part in a.name.split("."))
        elif isinstance(node, ast.ImportFrom):
            out.update(a.name for a in node.names)
            out.update((node.module or "").split("."))
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_one_downstream_of_it(package):
    wrong = {str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN[package]) for p in _modules(package)}
    assert not {k: v for k, v in wrong.items() if v}, f"{package}/ imports downstream of itself"


def test_api_runs_no_step_of_the_ingest_pipeline():
    used = {str(p.relative_to(ROOT)): sorted(_names(p) & PIPELINE_NAMES) for p in _modules("api")}
    assert not {k: v for k, v in used.items() if v}, "the ingest pipeline belongs in graph/ and search/, not api/"


def test_the_checks_see_what_they_look_for(tmp_path):
    # the readers above find imports and calls where the code keeps them: inside functions
    f = tmp_path / "m.py"
    f.write_text("def go(store, files):\n"
                 "    from concurrent.futures import ProcessPoolExecutor\n"
                 "    import search.graph_rows\n"
                 "    from graph.base import prepare\n"
                 "    return store.write_sources(files)\n", encoding="utf-8")
    assert _imports(f) == {"concurrent", "search", "graph"}
    assert {"ProcessPoolExecutor", "write_sources", "prepare", "concurrent"} <= _names(f) & PIPELINE_NAMES


def test_the_pipeline_lives_where_the_docs_say():
    from graph import ingest_workers
    from search import indexed_ingest

    assert "ProcessPoolExecutor" in _names(ROOT / "graph" / "ingest_workers.py")
    assert callable(ingest_workers.prepared_files) and callable(indexed_ingest.ingest_files)
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "graph/ingest_workers.py" in text and "search/indexed_ingest.py" in text
