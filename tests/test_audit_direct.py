"""graph/audit_direct.py: the audit rules evaluated straight over a mapped source's triples
give exactly the findings of the SPARQL engine over an in-memory store (graph.audit.audit_source)
— rows, messages, lines, order — on every audit fixture and every real table, with the
default settings and with the setting that turns on the last rule; where it cannot know the
store's choice it says so and the store audits that source."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import ingest
from graph import audit, audit_direct
from graph.base import prepare
from graph.iris import Minter
from graph.mapping import map_source

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "audit"
REAL = sorted(p for p in (ROOT / "tests" / "data").glob("realdata*/tables/**/*") if p.is_file())
FILES = sorted(FIXTURES.glob("*.txt")) + [ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"] + REAL


def _mapped(path: Path):
    record = ingest.parse_file(path)
    if record.errors or not any(t.title or t.indicators for t in record.tables):
        return None
    minter = Minter()
    mapped = map_source(record, minter)
    return mapped, prepare(mapped, str(minter.shared_graph()))


@pytest.fixture(scope="module")
def sources():
    out = [(path, _mapped(path)) for path in FILES]
    return [(path, m) for path, m in out if m is not None]


def test_the_rules_are_those_the_direct_engine_implements():
    assert audit_direct.applies(), (
        "ontology/audit.ttl's rules changed: graph/audit_direct.py is off (the ingest audits through the "
        "store, 3-5x the CPU) until its rule is brought in line and RULES_DIGEST set to "
        f"{audit_direct._rules_digest()!r}")


@pytest.mark.parametrize("pairs", [(), ("costRequiredFrom=2023",)], ids=["default", "cost-required"])
def test_same_findings_as_the_store_on_every_fixture_and_real_table(sources, pairs):
    settings = audit.parse_settings(pairs)
    rules = audit._select_rules()
    fired: Counter[str] = Counter()
    assert len(sources) >= 100
    for path, (mapped, prepared) in sources:
        alone = audit.audit_source(prepared.nquads, settings)
        direct = audit_direct.source_findings(mapped.own, mapped.shared_ox, settings, rules)  # never unsure here
        assert direct == alone, path.name
        fired.update(f.rule for f in direct)
    # every rule fired somewhere: each evaluation was compared on findings, not only on silence
    expected = {r.id for r in rules} - ({"missing-cost"} if not pairs else set())
    assert expected <= set(fired), sorted(expected - set(fired))


def test_a_node_sparql_would_describe_two_ways_is_left_to_the_store(tmp_path):
    """A numberless document cited under two spellings of one title (one IRI, two titles): the
    store reports the title its engine returns first; the direct engine does not guess it, and
    ``audit_sources`` gives that file the store's findings."""
    text = (FIXTURES / "legal-basis-without-number.txt").read_text(encoding="utf-8")
    path = tmp_path / "two-titles.txt"
    path.write_text(text.replace("立项依据：\t《示范培训管理办法》",
                                 "立项依据：\t1.《示范培训ABC管理办法》；2.《示范培训abc管理办法》"), encoding="utf-8")
    mapped, prepared = _mapped(path)
    with pytest.raises(audit_direct.Unsure):
        audit_direct.source_findings(mapped.own, mapped.shared_ox, audit.default_settings(), audit._select_rules())
    clean_mapped, clean = _mapped(FIXTURES / "base.txt")
    alone = [audit.audit_source(p.nquads) for p in (prepared, clean)]
    footprints = [audit.Footprint.of(m.own, m.shared_ox) for m in (mapped, clean_mapped)]
    assert audit.audit_sources([prepared.nquads, clean.nquads], footprints) == alone
    assert [f.rule for f in alone[0]] == ["legal-basis-without-number"]


def test_computed_sums_are_written_as_oxigraph_writes_decimals():
    from decimal import Decimal

    assert [audit_direct._decimal_literal(Decimal(x)).value for x in ("100.00", "99.50", "0.000", "-0.25", "1E+2")] \
        == ["100", "99.5", "0", "-0.25", "100"]
