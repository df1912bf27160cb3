"""The audit over real HTTP: /api/audit (JSON, CSV, filters), the /audit overview page by
rule and by issuer, and the findings on a project's page. Data: the fixture tables of
tests/data/audit ingested with ``Jixiao.ingest``; server: uvicorn in a thread."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest

from api.app import Jixiao
from api.server import ServerConfig, create_app
from api.server.runner import ServerThread
from graph import audit

FIXTURES = Path(__file__).resolve().parent / "data" / "audit"
FILES = ["duplicate-indicator.txt", "no-legal-basis.txt", "base.txt"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data = tmp_path_factory.mktemp("audit-http")
    writer = Jixiao(data=data)
    try:
        assert not writer.ingest([FIXTURES / f for f in FILES], index=False).errors
    finally:
        writer.close()
    jx = Jixiao(data=data, read_only=True)
    app = create_app(jx, ServerConfig(timeout=10, workers=1))
    try:
        with ServerThread(app) as url, httpx.Client(base_url=url, timeout=60) as c:
            yield c
    finally:
        jx.close()


def test_api_audit_json_and_filters(client):
    out = client.get("/api/audit").json()
    assert {(f["rule"], Path(f["file"]).name, f["line"]) for f in out["findings"]} == {
        ("duplicate-indicator", "duplicate-indicator.txt", 12), ("no-legal-basis", "no-legal-basis.txt", 1)}
    assert out["counts"]["duplicate-indicator"] == 1 and set(out["counts"]) == set(audit.rule_ids())
    assert out["by_issuer"][0] == {"applicant": "示范培训中心", "tables": 2, "findings": 2, "violation": 0,
                                   "warning": 2, "info": 0}
    only = client.get("/api/audit", params={"rule": "no-legal-basis"}).json()
    assert [f["rule"] for f in only["findings"]] == ["no-legal-basis"]
    assert client.get("/api/audit", params={"severity": "violation"}).json()["findings"] == []
    bad = client.get("/api/audit", params={"rule": "nope"})
    assert bad.status_code == 400 and "unknown rule" in bad.text


def test_api_audit_csv_download(client):
    r = client.get("/api/audit", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(row["rule"] for row in rows) == ["duplicate-indicator", "no-legal-basis"]


def test_audit_page_by_rule_and_issuer(client):
    page = client.get("/audit", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for text in ("duplicate-indicator", "示范培训中心", "/api/audit?format=csv", "missing-cost"):
        assert text in page.text


def test_project_page_shows_its_findings(client):
    found = client.get("/api/audit", params={"rule": "duplicate-indicator"}).json()["findings"][0]
    project = client.get("/api/projects", params={"q": "示范培训"}).json()["items"]
    assert len(project) == 3
    assert found["project_iri"] in {p["iri"] for p in project}
    key = found["project_iri"].removeprefix("https://w3id.org/jixiao/id/")
    data = client.get(f"/api/projects/{key}").json()
    assert [(f["rule"], f["line"]) for f in data["audit"]] == [("duplicate-indicator", 12)]
    html = client.get(f"/projects/{key}", headers={"Accept": "text/html"}).text
    assert "审核发现" in html and "指标「培训人次」在本表中重复" in html
