"""The audit rules (ontology/audit.ttl) on a real store: each rule fires on its fixture table
(tests/data/audit/<rule>.txt) at the right line and not on the clean table (base.txt); the
findings are stored as an sh:ValidationReport that SPARQL finds; pyshacl (the reference
engine) and the set-based SPARQL engine agree; the three defects of the issue are found
in a copy of the sample."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.app import Jixiao
from api.cli import app as cli
from graph import audit
from graph.mapping import audit_budget_facts, audit_indicator_facts, one_number
from graph.vocab import JX
from ingest.records import Indicator, TableRecord, Target

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "audit"
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
HEADING = 1  # the fixtures' heading line: where a finding about the whole table is
# rule → the line of its finding in its fixture (the offending row, or the heading)
EXPECTED_LINE = {
    "no-indicators": HEADING, "missing-output": HEADING, "missing-benefit": HEADING,
    "missing-satisfaction": HEADING, "missing-cost": HEADING, "l1-without-l2": 15,
    "no-quantity-indicator": HEADING, "quantity-target-not-measurable": 11,
    "quality-target-not-measurable": 12, "target-without-unit": 11, "target-without-operator": 11,
    "missing-target": 14, "duplicate-indicator": 12, "unit-contradicts-name": 11, "percent-over-100": 12,
    "target-below-last-year": 12, "weights-not-100": HEADING, "budget-parts-mismatch": HEADING,
    "no-legal-basis": HEADING, "legal-basis-without-number": HEADING, "document-after-table-year": HEADING,
    "self-evaluation-shortfall": 12, "score-above-points": 14,
}
SETTINGS = ["costRequiredFrom=2023"]  # missing-cost is off by default


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """Every fixture ingested into one real embedded store, audited and saved once."""
    data = tmp_path_factory.mktemp("audit-data")
    jx = Jixiao(data=data)
    try:
        summary = jx.ingest([FIXTURES], index=False)
        assert not summary.errors and summary.sources == len(EXPECTED_LINE) + 1
        report = jx.audit(settings=SETTINGS, save=True)
        yield jx, report
    finally:
        jx.close()


def _by_file(report) -> dict[str, list[audit.Finding]]:
    out: dict[str, list[audit.Finding]] = {}
    for f in report.findings:
        out.setdefault(Path(f.file).stem, []).append(f)
    return out


def test_at_least_15_rules_each_with_id_severity_rationale_source():
    rules = audit.rules()
    assert len(rules) >= 15 and set(EXPECTED_LINE) == {r.id for r in rules}
    for r in rules:
        assert re.fullmatch(r"[a-z0-9-]+", r.id) and r.iri.endswith("#" + r.id)
        assert r.severity in audit.SEVERITIES and r.group in audit.GROUPS
        assert r.rationale and r.source and r.label_zh and r.label_en and r.message
    assert {r.group for r in rules} == set(audit.GROUPS)


@pytest.mark.parametrize("rule", sorted(EXPECTED_LINE))
def test_rule_fires_on_its_fixture_at_its_line_and_not_on_the_clean_table(audited, rule):
    _jx, report = audited
    by_file = _by_file(report)
    hits = [f for f in by_file.get(rule, []) if f.rule == rule]
    assert hits, f"{rule} did not fire on tests/data/audit/{rule}.txt"
    assert [f.line for f in hits] == [EXPECTED_LINE[rule]]
    f = hits[0]
    assert f.project == f"示范培训项目（{rule}）" and f.file.endswith(f"{rule}.txt") and f.message
    assert f.severity == next(r.severity for r in audit.rules() if r.id == rule)
    assert rule not in {f.rule for f in by_file.get("base", [])}


def test_clean_table_has_no_findings(audited):
    assert _by_file(audited[1]).get("base", []) == []


def test_unverified_rule_is_off_without_its_setting(audited):
    jx, _ = audited
    off = jx.audit(rules=["missing-cost"])
    assert off.findings == []
    on = jx.audit(rules=["missing-cost"], settings=SETTINGS)
    assert {Path(f.file).stem for f in on.findings} == {"missing-cost", "missing-output"}
    later = jx.audit(rules=["missing-cost"], settings=["costRequiredFrom=2024"])
    assert later.findings == []  # the fixtures are 2023 tables


def test_findings_are_stored_as_a_validation_report_queryable_by_sparql(audited):
    jx, report = audited
    graph = str(jx.store.minter.audit_graph())
    rows = jx.store.select(audit.saved_findings_query(graph))
    assert len(rows) == len(report.findings) > len(EXPECTED_LINE)
    dup = [r for r in rows if r["rule"] == "duplicate-indicator"]
    assert len(dup) == 1 and dup[0]["line"] == 12 and dup[0]["severity"].endswith("#Warning")
    # the result points at the table (focus node) and at the row (sh:value, with its line)
    assert jx.store.ask(f"""ASK {{ GRAPH <{graph}> {{ ?r jx:rule "duplicate-indicator" ;
        <http://www.w3.org/ns/shacl#focusNode> <{dup[0]["project"]}> ; <http://www.w3.org/ns/shacl#value> ?row }}
        ?row jx:sourceLine 12 . <{dup[0]["project"]}> a jx:Project }}""")
    # the settings used are part of the report
    assert jx.store.ask(f'ASK {{ GRAPH <{graph}> {{ ?s <https://w3id.org/jixiao/audit#costRequiredFrom> ?y }} }}')


def test_rerun_replaces_the_stored_report(tmp_path):
    jx = Jixiao(data=tmp_path)
    try:
        jx.ingest([FIXTURES / "missing-cost.txt", FIXTURES / "duplicate-indicator.txt"], index=False)
        graph = str(jx.store.minter.audit_graph())
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?report <{audit.SH}result> ?r }} ?r jx:rule ?rule }}"
        first = jx.audit(settings=SETTINGS, save=True)
        assert sorted(f.rule for f in first.findings) == ["duplicate-indicator", "missing-cost", "weights-not-100"]
        assert jx.store.select(count)[0]["n"] == 3
        second = jx.audit(save=True)  # missing-cost off now: its finding must go
        assert sorted(f.rule for f in second.findings) == ["duplicate-indicator", "weights-not-100"]
        assert jx.store.select(count)[0]["n"] == 2
    finally:
        jx.close()


def _stored_reports(jx) -> list[dict]:
    sh = "http://www.w3.org/ns/shacl#"
    return jx.store.select(f"""SELECT ?g ?r ?v WHERE {{ GRAPH ?g {{
        ?r a <{sh}ValidationReport> ; <{audit.JXA}rulesVersion> ?v }} }}""")


def _tamper(jx, graph: str, rule: str, message: str) -> None:
    """Overwrite the stored message of a finding of ``rule`` in a source's graph."""
    sh = "http://www.w3.org/ns/shacl#"
    jx.store.update(f"""DELETE {{ GRAPH <{graph}> {{ ?x <{sh}resultMessage> ?m }} }}
        INSERT {{ GRAPH <{graph}> {{ ?x <{sh}resultMessage> "{message}"@zh }} }}
        WHERE {{ GRAPH <{graph}> {{ ?x jx:rule "{rule}" ; <{sh}resultMessage> ?m }} }}""")


def test_store_audit_gathers_the_findings_stored_at_ingest(tmp_path):
    """Ingest audits each file's tables in its workers and stores the findings with the
    source; a store audit gathers them (the same findings as every rule run over the whole
    store now) and audits again only the sources whose stored findings are not current."""
    jx = Jixiao(data=tmp_path)
    try:
        names = ["duplicate-indicator", "missing-satisfaction", "no-legal-basis", "base"]
        jx.ingest([FIXTURES / f"{n}.txt" for n in names], index=False)
        stored = _stored_reports(jx)
        assert len(stored) == len(names) and {r["v"] for r in stored} == {audit.audit_version()}
        everything = audit.audit_query(lambda q: jx.store.query(q).raw)  # every rule, whole store, now
        gathered = jx.audit(save=True)
        assert [f.to_dict() for f in gathered.findings] == [f.to_dict() for f in everything.findings]
        one = gathered.findings[0].project_iri  # a project page: its findings alone
        assert [f.to_dict() for f in jx.audit(focus=[one]).findings] == \
            [f.to_dict() for f in gathered.findings if f.project_iri == one]
        # the saved report points at the results stored with the sources
        saved = jx.store.select(audit.saved_findings_query(str(jx.store.minter.audit_graph())))
        assert sorted((r["rule"], r["line"]) for r in saved) == sorted((f.rule, f.line) for f in gathered.findings)
        assert {f.rule for f in gathered.findings} >= {"duplicate-indicator", "missing-satisfaction", "no-legal-basis"}
        graph_of = {Path(f.file).stem: g for f in gathered.findings
                    for g in [next(r["g"] for r in stored if jx.store.ask(
                        f'ASK {{ GRAPH <{r["g"]}> {{ ?s jx:path "{f.file}" }} }}'))]}
        # gathered, not recomputed: a message changed in the store is what the audit shows
        _tamper(jx, graph_of["duplicate-indicator"], "duplicate-indicator", "stored")
        # a source whose findings come from other rules (another version) is audited again
        _tamper(jx, graph_of["no-legal-basis"], "no-legal-basis", "stale")
        jx.store.update(f"""DELETE {{ GRAPH ?g {{ ?r <{audit.JXA}rulesVersion> ?v }} }}
            INSERT {{ GRAPH ?g {{ ?r <{audit.JXA}rulesVersion> "older" }} }}
            WHERE {{ GRAPH ?g {{ ?r <{audit.JXA}rulesVersion> ?v }} VALUES ?g {{ <{graph_of["no-legal-basis"]}> }} }}""")
        messages = {f.rule: f.message for f in jx.audit().findings}
        assert messages["duplicate-indicator"] == "stored"
        assert messages["no-legal-basis"] == "表中没有立项依据"
        # other settings: nothing stored applies, every table is audited now
        cost = {f.rule: f.message for f in jx.audit(settings=SETTINGS).findings}
        assert cost["duplicate-indicator"] != "stored" and cost["no-legal-basis"] == "表中没有立项依据"
    finally:
        jx.close()


def test_tables_sharing_a_project_iri_are_audited_each_at_its_own_file_and_line(tmp_path):
    """Two files with the same year, applicant and title are one project (one IRI); each
    table is still audited against its own rows, and each finding names its file and line."""
    base = (FIXTURES / "base.txt").read_text(encoding="utf-8").split("\n")
    dup = next(i for i, line in enumerate(base) if "培训合格率" in line)
    a = tmp_path / "a.txt"
    a.write_text("\n".join(base[:dup + 1] + [base[dup]] + base[dup + 1:]), encoding="utf-8")
    b = tmp_path / "b.txt"  # two lines more before the heading; no satisfaction row
    b.write_text("\n".join(["", ""] + [line for line in base if "满意度" not in line]), encoding="utf-8")
    # the weights of each table are summed on their own: 120 in a, 80 in b (at the heading)
    expected = [("a.txt", 1, "weights-not-100"), ("a.txt", dup + 2, "duplicate-indicator"),
                ("b.txt", 3, "missing-satisfaction"), ("b.txt", 3, "weights-not-100")]

    def found(report) -> list[tuple]:
        return sorted((Path(f.file).name, f.line, f.rule) for f in report.findings)

    jx = Jixiao(data=tmp_path / "d")
    try:
        files = jx.audit(paths=[a, b])
        assert found(files) == expected
        assert len({f.project_iri for f in files.findings}) == 1  # one project: the IRIs merge them
        jx.ingest([a, b], index=False)
        assert found(jx.audit()) == expected
    finally:
        jx.close()


def _mapped(path: Path):
    """One file parsed, mapped and serialized, with its footprint (what the ingest workers make)."""
    import ingest
    from graph.base import prepare
    from graph.iris import Minter
    from graph.mapping import map_source

    minter = Minter()
    mapped = map_source(ingest.parse_file(path), minter)
    return prepare(mapped, str(minter.shared_graph())), audit.Footprint.of(mapped.own, mapped.shared_ox)


def test_batched_audit_gives_each_file_the_findings_it_gets_alone(tmp_path):
    """The ingest workers audit many files in one in-memory store: each file gets exactly the
    findings it gets audited alone, also where two files' tables share a project IRI (they go
    to different stores) or two files describe one cited document differently."""
    base = (FIXTURES / "base.txt").read_text(encoding="utf-8").split("\n")
    dup = next(i for i, line in enumerate(base) if "培训合格率" in line)
    a = tmp_path / "a.txt"  # one project with b: same year, applicant and title
    a.write_text("\n".join(base[:dup + 1] + [base[dup]] + base[dup + 1:]), encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("\n".join(["", ""] + [line for line in base if "满意度" not in line]), encoding="utf-8")
    c = tmp_path / "c.txt"  # the document 沪府发〔2024〕3号 under another title, in another project
    c.write_text((FIXTURES / "document-after-table-year.txt").read_text(encoding="utf-8")
                 .replace("示范培训管理办法", "示范培训管理规定").replace("document-after-table-year", "c"),
                 encoding="utf-8")
    files = [a, *sorted(FIXTURES.glob("*.txt")), b, c]
    prepared, footprints = zip(*(_mapped(f) for f in files), strict=True)
    settings = audit.parse_settings(SETTINGS)
    alone = [audit.audit_source(p.nquads, settings) for p in prepared]
    together = audit.audit_sources([p.nquads for p in prepared], footprints, settings)
    assert together == alone
    # the same through the in-memory stores alone (graph/audit_direct.py off)
    assert audit.audit_sources([p.nquads for p in prepared], footprints, settings, direct=False) == alone
    assert sum(map(len, alone)) >= len(EXPECTED_LINE) + 4 and alone[0] and alone[-2] and alone[-1]
    assert {f.project_iri for f in alone[0]} == {f.project_iri for f in alone[-2]}  # a and b: one project
    groups = audit.audit_groups(footprints)
    group_of = {i: n for n, members in enumerate(groups) for i in members}
    assert len(groups) < len(files) // 2  # batched: the fixtures share their applicant and frameworks
    assert group_of[0] != group_of[len(files) - 2]  # a and b apart
    doc_year = files.index(FIXTURES / "document-after-table-year.txt")
    assert group_of[doc_year] != group_of[len(files) - 1]  # the document's two titles apart
    # the stores an ingest makes: the same findings stored for every file
    jx = Jixiao(data=tmp_path / "d")
    try:
        jx.ingest(files, index=False)
        stored = jx.audit()
    finally:
        jx.close()
    assert sorted(f.key() for f in stored.findings) == sorted(f.key() for fs in alone for f in fs
                                                              if f.rule != "missing-cost")


@pytest.mark.slow
def test_pyshacl_reference_engine_gives_the_same_findings(audited):
    jx, report = audited
    reference = jx.audit(settings=SETTINGS, engine="pyshacl")
    assert {f.key() for f in reference.findings} == {f.key() for f in report.findings}
    assert len(reference.findings) == len(report.findings)
    # with the default settings: the findings stored at ingest, gathered
    reference, gathered = jx.audit(engine="pyshacl"), jx.audit()
    assert {f.key() for f in reference.findings} == {f.key() for f in gathered.findings}
    assert len(reference.findings) == len(gathered.findings)


def test_pyshacl_runs_the_shapes_file_as_written(tmp_path):
    """A researcher's run: pyshacl with ontology/audit.ttl on the exported graph of one table."""
    import pyshacl
    from rdflib import Graph, URIRef

    from ontology import load

    jx = Jixiao(data=tmp_path)
    try:
        jx.ingest([FIXTURES / "weights-not-100.txt"], index=False)
        data = Graph().parse(data=jx.store.export("nt"), format="nt")
    finally:
        jx.close()
    conforms, results, _ = pyshacl.validate(data, shacl_graph=load("audit.ttl"), ont_graph=load("audit.ttl"),
                                            advanced=True, allow_warnings=True)
    sh = "http://www.w3.org/ns/shacl#"
    shapes = {str(o) for o in results.objects(None, URIRef(sh + "sourceShape"))}
    assert shapes == {str(audit.JXA["weights-not-100"])}
    assert conforms  # a warning does not break conformance


def test_audit_files_without_a_store_cli_json(tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["audit", str(FIXTURES / "duplicate-indicator.txt"), str(FIXTURES / "base.txt"),
                              "--format", "json"])
    assert res.exit_code == 1, res.output
    out = json.loads(res.stdout)
    assert [set(f) for f in out["findings"]] == [{"rule", "severity", "message", "file", "line", "project",
                                                  "project_iri", "applicant"}]
    f = out["findings"][0]
    assert (f["rule"], f["line"], f["project"]) == ("duplicate-indicator", 12, "示范培训项目（duplicate-indicator）")
    assert not (tmp_path / "jixiao-data").exists()
    clean = runner.invoke(cli, ["audit", str(FIXTURES / "base.txt"), "--format", "csv"])
    assert clean.exit_code == 0 and clean.stdout.splitlines() == [",".join(audit.CSV_FIELDS)]


def test_cli_filters_and_exit_status():
    runner = CliRunner()
    args = ["audit", str(FIXTURES / "target-without-operator.txt"), str(FIXTURES / "percent-over-100.txt"), "-f", "json"]
    both = json.loads(runner.invoke(cli, args).stdout)
    assert {f["rule"] for f in both["findings"]} == {"target-without-operator", "percent-over-100",
                                                     "self-evaluation-shortfall"}
    only = runner.invoke(cli, [*args, "--severity", "violation"])
    assert only.exit_code == 1 and [f["rule"] for f in json.loads(only.stdout)["findings"]] == ["percent-over-100"]
    info = runner.invoke(cli, [*args, "--rule", "target-without-operator", "--fail-on", "warning"])
    assert info.exit_code == 0 and len(json.loads(info.stdout)["findings"]) == 1
    bad = runner.invoke(cli, [*args, "--rule", "no-such-rule"])
    assert bad.exit_code == 2 and "unknown rule" in bad.output
    bad_setting = runner.invoke(cli, [*args, "--set", "costRequiredFrom=soon"])
    assert bad_setting.exit_code == 2 and "year" in bad_setting.output


def test_cli_store_audit_saves_the_report(tmp_path):
    runner = CliRunner()
    data = str(tmp_path / "d")
    assert runner.invoke(cli, ["ingest", str(FIXTURES / "no-legal-basis.txt"), "--data", data, "--no-index"]
                         ).exit_code == 0
    res = runner.invoke(cli, ["audit", "--data", data, "-f", "json"])
    assert res.exit_code == 1
    assert [f["rule"] for f in json.loads(res.stdout)["findings"]] == ["no-legal-basis"]
    q = runner.invoke(cli, ["sparql", "SELECT ?rule WHERE { ?r jx:rule ?rule }", "--data", data, "--format", "csv"])
    assert q.exit_code == 0 and "no-legal-basis" in q.stdout


def _inject_defects(text: str) -> tuple[str, dict[str, int]]:
    """The issue's three defects in the sample: a 数量指标 target 较好, a duplicated row, and a
    project without its satisfaction row. Returns the text and the expected lines."""
    lines = text.split("\n")
    q = next(i for i, line in enumerate(lines) if "专窗服务高峰人才及团队人数" in line)
    lines[q] = lines[q].replace("=15名", "较好")
    d = next(i for i, line in enumerate(lines) if "\t系统运维验收通过率\t" in line)
    lines.insert(d + 1, lines[d])
    s = next(i for i, line in enumerate(lines) if "高峰人才及团队满意度" in line)
    del lines[s]
    return "\n".join(lines), {"quantity-target-not-measurable": q + 1, "duplicate-indicator": d + 2}


def test_three_injected_defects_are_found_at_their_lines(tmp_path):
    text, where = _inject_defects(SAMPLE.read_text(encoding="utf-8"))
    copy = tmp_path / "sample-with-defects.txt"
    copy.write_text(text, encoding="utf-8")
    jx = Jixiao(data=tmp_path / "unused")
    before = {(f.rule, f.project) for f in jx.audit(paths=[SAMPLE]).findings}
    report = jx.audit(paths=[copy])
    new = [f for f in report.findings if (f.rule, f.project) not in before or f.rule in where]
    first = "高峰人才及其团队服务专项"
    found = {(f.rule, f.line, f.project) for f in new}
    assert ("quantity-target-not-measurable", where["quantity-target-not-measurable"], first) in found
    assert ("duplicate-indicator", where["duplicate-indicator"], first) in found
    heading = next(f.line for f in report.findings if f.project == first and f.rule == "missing-satisfaction")
    assert text.split("\n")[heading - 1].startswith("财政项目支出绩效目标表")
    assert {f.rule for f in new} == {"quantity-target-not-measurable", "duplicate-indicator", "missing-satisfaction"}


def test_docs_list_exactly_the_rules_of_the_shapes_file():
    doc = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", doc, re.M))
    assert listed == set(audit.rule_ids())


# ------------------------------------------------------------------ the audit facts in the mapping

def test_one_number_reads_only_clean_numbers():
    assert one_number("95%") == 95 and one_number("≥ 1,200.5万元") == 1200.5 and one_number(" 30 ") == 30
    for text in ("较好", "2022年12月", "10-20", "", None, True, "约100人，其中50"):
        assert one_number(text) is None, text


def test_indicator_facts_from_columns_and_future_record_fields():
    ind = Indicator("产出指标", "数量指标", "培训人次", Target("≥500人次", "≥", 500, "人次"), 11, 1,
                    extra={"权重(%)": "20", "2022年实际值": "450", "实际完成值": "520", "分值": "20", "得分": "18",
                           "备注": "12"})
    facts = {p.value.rsplit("#", 1)[1]: float(v) for p, v in audit_indicator_facts(ind, 2023)}
    assert facts == {"weight": 20, "previousActual": 450, "actualNumericValue": 520, "points": 20,
                     "evaluationScore": 18}
    assert "previousActual" not in {p.value.rsplit("#", 1)[1] for p, _ in audit_indicator_facts(ind, 2025)}
    ind.actual, ind.score = "530", "19"  # the record's fields win over the columns
    facts = {p.value.rsplit("#", 1)[1]: float(v) for p, v in audit_indicator_facts(ind, 2023)}
    assert facts["actualNumericValue"] == 530 and "evaluationScore" not in facts  # the mapping writes the score


def test_budget_facts_from_header_fields():
    t = TableRecord(title="x", header_fields={"其中": "财政拨款 6,070.00", "其他资金": "", "预算执行率权重(%)": "10"})
    assert {p.value: float(v) for p, v in audit_budget_facts(t)} == {
        str(JX.budgetFiscal): 6070.0, str(JX.executionRateWeight): 10.0}
    assert audit_budget_facts(TableRecord(title="x", header_fields={"其中": "中央补助 - -"})) == []


def test_operator_or_unit_in_the_name_and_date_targets_are_not_findings(tmp_path):
    base = (FIXTURES / "base.txt").read_text(encoding="utf-8")
    text = (base.replace("培训人次\t≥500人次", "培训人次(≥**人次)\t500")
                .replace("培训完成时间\t2023年12月", "培训完成时间\t2023.12"))
    path = tmp_path / "names.txt"
    path.write_text(text, encoding="utf-8")
    report = Jixiao(data=tmp_path / "unused").audit(paths=[path])
    assert report.findings == []
    # the same rows written without those hints are findings
    bare = base.replace("培训人次\t≥500人次", "培训人次\t500")
    path.write_text(bare, encoding="utf-8")
    rules = {f.rule for f in Jixiao(data=tmp_path / "unused").audit(paths=[path]).findings}
    assert rules == {"target-without-unit", "target-without-operator"}
