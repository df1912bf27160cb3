"""The pyoxigraph-term mapper writes exactly the triples the earlier rdflib-term mapper wrote.

The oracle is ``graph/mapping.py`` as it was at commit ``d8f79be`` (rdflib terms, converted
with ``to_ox`` when stored), read from git history and run against the current IRI minter,
frameworks and units. Compared source by source, in order: the file graph's triples, the
shared triples, warnings and counts — on the bundled sample, a synthetic corpus with export
defects, and hand-made records with every value form (decimals, dates, booleans, unknown
units, local categories, issuing bodies). Skipped without git (e.g. an sdist).
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
from pathlib import Path

import pytest

from graph.base import prepare, to_ox
from graph.iris import Minter
from graph.mapping import MAPPING_VERSION, map_source
from ingest import parse_file, parse_paths
from ingest.pipeline import expand_paths
from ingest.records import Budget, Indicator, LegalRef, ParseWarning, SourceRecord, TableRecord, Target

ROOT = Path(__file__).resolve().parents[1]
ORACLE_COMMIT = "d8f79be"  # last commit of the rdflib-term mapper, MAPPING_VERSION "1"


@pytest.fixture(scope="module")
def old_mapping() -> types.ModuleType:
    if MAPPING_VERSION != "1":
        pytest.skip("the mapping changed on purpose since the oracle (MAPPING_VERSION bumped)")
    try:
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{ORACLE_COMMIT}:graph/mapping.py"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git history not available")
    name = "graph._mapping_rdflib_oracle"
    mod = types.ModuleType(name)
    mod.__file__ = f"{ORACLE_COMMIT}:graph/mapping.py"
    sys.modules[name] = mod  # dataclasses look their module up by name
    exec(compile(src, mod.__file__, "exec"), mod.__dict__)  # noqa: S102 - our own history
    yield mod
    sys.modules.pop(name, None)


def _ox(triples) -> list[tuple]:
    return [tuple(to_ox(t) for t in tr) for tr in triples]


def assert_same(old_mapping, record: SourceRecord, minter: Minter) -> int:
    old = old_mapping.map_source(record, minter)
    new = map_source(record, minter)
    assert new.ox_triples() == _ox(old.triples), record.path
    assert new.ox_shared() == _ox(old.shared), record.path
    # the rdflib view the tests use is the same as the old mapper's terms
    assert new.triples == old.triples and new.shared == old.shared
    assert (new.graph, new.source, new.sha256) == (old.graph, old.source, old.sha256)
    assert new.warnings == old.warnings
    assert (new.tables, new.indicators, new.parse_warnings) == (old.tables, old.indicators, old.parse_warnings)
    assert new.documents == old.documents
    return len(new.ox_triples()) + len(new.ox_shared())


def test_sample_maps_to_the_same_triples(old_mapping, sample_file):
    assert assert_same(old_mapping, parse_file(sample_file), Minter()) > 1000
    assert assert_same(old_mapping, parse_file(sample_file), Minter("http://example.org/base#")) > 1000


def test_synthetic_corpus_with_defects_maps_to_the_same_triples(old_mapping, tmp_path):
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    if spec is None or spec.loader is None:
        pytest.skip("benchmarks/synth.py not available")
    synth = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", synth)
    spec.loader.exec_module(synth)
    synth.generate(120, seed=11, out=tmp_path, defect_rate=0.3, tables_per_file=4)
    records = parse_paths(expand_paths([tmp_path]))
    assert len(records) >= 20
    minter = Minter()
    assert sum(assert_same(old_mapping, r, minter) for r in records) > 20_000


def test_every_value_form_maps_to_the_same_triples(old_mapping, tmp_path):
    ind = [
        Indicator("产出目标", "数量", "服务人数", Target("=15名", "=", 15, "名"), 31, 1),
        Indicator("效果目标", "满意度", "满意度", Target("≥85%", "≥", 85.5, "%"), 32, 2),
        Indicator("投入与管理", "财务管理", "资金使用规范性", Target("合规", qualitative="合规"), 33, 3),
        Indicator("产出目标", "质量", "验收面积", Target("=3600m²", "=", "1E+2", "m²"), 34, 4),
        Indicator("产出目标", "数量", "档案", Target("=5000卷", "=", 0.0000001, "卷"), 35, 5),
        Indicator("产出目标", "绿化养护", "本地", Target("≈3", "≈", "0.10", "卷"), 36, 6, extra={"备注": "x"}),
        Indicator("自定义一级", None, "无二级", Target("-0", "=", "-0", None), 37, 0),
        Indicator("产出目标", "质量", "无目标", None, None, 8),
        Indicator("产出目标", "质量", "非数", Target("=NaN", "=", "NaN", "个"), 39, 9),
    ]
    t1 = TableRecord(title="示例项目", unit=" 上海市人才服务中心 ", year=2020, category="经常性专项业务费",
                     performance_type="项目", gov_purchase=True, start="2020-02-30", end="2020/12/31",
                     budget=Budget(total=9_900_000, current_year=9_900_000.5, prev_year_budget="12.30",
                                   prev_year_executed=True),
                     text_fields={"项目概况": "概况", "其他说明": "补充", "立项依据": ""},
                     legal_bases=[LegalRef(title="上海市人才服务中心2016年度人才公共服务工作要点",
                                           doc_number="沪人服〔2016〕1号", issuer_code="沪人服", year=2016, serial=1),
                                  LegalRef(title="《中华人民共和国消防法》"), LegalRef(title="《》")],
                     other_cited_documents=[LegalRef(None, doc_number="沪财绩〔2014〕22号", issuer_code="沪财绩",
                                                     year=2014, serial=22)],
                     indicators=ind, warnings=[ParseWarning(33, "missing-target", "no target")], lines=(3, 40))
    t2 = TableRecord(title="示例项目", unit="上海市人才服务中心", year=999, gov_purchase=False,
                     start="2021-01-01", end="2021-12-31", indicators=ind[:3], lines=(41, 50))
    rec = SourceRecord(path=str(tmp_path / "a b.txt"), encoding="gb18030", sha256="0" * 64,
                       tables=[t1, t2, t2, TableRecord(title=None, indicators=ind[5:7], lines=(0, 0))])
    assert assert_same(old_mapping, rec, Minter()) > 100
    rec.encoding = None
    assert_same(old_mapping, rec, Minter("https://example.org/x"))


def test_prepared_nquads_hold_the_mapped_triples(sample_file):
    import pyoxigraph as ox

    m = map_source(parse_file(sample_file))
    p = prepare(m, str(Minter().shared_graph()))
    quads = list(ox.parse(p.nquads, ox.RdfFormat.N_QUADS))
    assert p.quads == len(quads) == len(m.ox_triples()) + len(m.ox_shared())
    own, shared = p.graph_triples()
    assert {(t.subject, t.predicate, t.object) for t in own} == set(m.ox_triples())
    assert {(t.subject, t.predicate, t.object) for t in shared} == set(m.ox_shared())
    assert p.triples == len(set(m.ox_triples()))


def test_prepared_nquads_are_what_oxigraphs_serializer_writes(sample_file, tmp_path):
    import pyoxigraph as ox

    rec = parse_file(sample_file)
    t = rec.tables[0]
    t.title = 'q"uote \\ back\nnew\rret\ttab \x00\x01\x7f\u2028 名'
    t.text_fields = {"项目概况": "\"\\\n", "其它": "«»\U0001F600"}
    m = map_source(rec)
    p = prepare(m, str(Minter().shared_graph()))
    g, sh = ox.NamedNode(str(m.graph)), ox.NamedNode(str(Minter().shared_graph()))
    quads = [ox.Quad(s, pr, o, g) for s, pr, o in m.ox_triples()] + [ox.Quad(s, pr, o, sh) for s, pr, o in m.ox_shared()]
    assert p.nquads == ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert list(ox.parse(p.nquads, ox.RdfFormat.N_QUADS)) == quads
