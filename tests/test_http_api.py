"""The JSON API and the web pages over real HTTP: every page has a JSON twin, the data the
three user groups need is there, errors are clean. Server: uvicorn in a thread, data from
``Jixiao.ingest`` of the bundled sample."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from api.app import Jixiao
from api.server import ServerConfig, create_app
from api.server.runner import ServerThread

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
DOC = "沪人服〔2016〕1号"
PROJECTS = {"高峰人才及其团队服务专项", "公共服务专项经费", "人才大厦管理维护专项", "人才公寓管理维护专项"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def client(data_dir):
    data = data_dir
    writer = Jixiao(data=data)
    try:
        assert not writer.ingest([SAMPLE]).errors
    finally:
        writer.close()
    jx = Jixiao(data=data, read_only=True)
    app = create_app(jx, ServerConfig(timeout=10, workers=1))
    try:
        with ServerThread(app) as url, httpx.Client(base_url=url, timeout=60, follow_redirects=True) as c:
            yield c
    finally:
        jx.close()


def html(client: httpx.Client, path: str, **params) -> httpx.Response:
    r = client.get(path, params=params, headers={"Accept": "text/html"})
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    return r


def twin(client: httpx.Client, page: httpx.Response) -> dict:
    """Follow the page's <link rel=alternate type=application/json> to its JSON twin."""
    m = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', page.text)
    assert m, "page has no JSON twin"
    r = client.get(m.group(1).replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    return r.json()


def test_stats_and_home(client):
    stats = client.get("/api/stats").json()["stats"]
    assert stats["projects"] == 4 and stats["indicators"] >= 190 and stats["documents"] >= 20
    page = html(client, "/")
    assert "满意度" in page.text and "/sparql" in page.text
    assert twin(client, page)["stats"] == stats


def test_search_satisfaction_covers_all_four_projects(client):
    found = client.get("/api/search", params={"q": "满意度", "k": 10}).json()
    assert found["query"] == "满意度"
    sat = [r for r in found["results"] if "满意度" in r["name"]]
    assert {r["project"]["title"] for r in sat} == PROJECTS
    for r in sat:
        assert r["target"]["raw"] == "≥85%" and r["l2"] and r["project"]["year"] == 2020
        assert set(r) >= {"iri", "name", "score", "l1", "l2", "target", "project"}
    page = html(client, "/search", q="满意度")
    for title in PROJECTS:
        assert title in page.text
    assert "≥85" in page.text and '<span class="unit">%</span>' in page.text  # the unit apart from the target
    assert twin(client, page)["results"]


def test_search_json_is_the_cli_json(client, data_dir):
    import json
    import subprocess
    import sys

    cli = subprocess.run([sys.executable, "-m", "api.cli", "search", "满意度", "--k", "8", "--format", "json",
                          "--data", str(data_dir)], capture_output=True, text=True, check=True)
    api = client.get("/api/search", params={"q": "满意度", "k": 8}).json()
    assert api == json.loads(cli.stdout)


def test_search_filters_and_modes(client):
    r = client.get("/api/search", params={"q": "满意度", "project": "公共服务", "mode": "lexical"}).json()
    assert r["results"] and all(x["project"]["title"] == "公共服务专项经费" for x in r["results"])
    assert client.get("/api/search", params={"q": "满意度", "mode": "psychic"}).status_code == 422
    assert client.get("/api/search", params={"q": "x" * 600}).status_code == 422


def test_projects_list_and_filters(client):
    data = client.get("/api/projects").json()
    assert data["total"] == 4 and {p["title"] for p in data["items"]} == PROJECTS
    assert client.get("/api/projects", params={"q": "公寓"}).json()["total"] == 1
    assert client.get("/api/projects", params={"year": 2019}).json()["total"] == 0
    page = html(client, "/projects")
    assert twin(client, page)["total"] == 4


def test_project_page_has_header_budget_bases_tree_warnings(client):
    items = client.get("/api/projects", params={"q": "人才大厦"}).json()["items"]
    page = html(client, "/projects")
    link = re.search(r'href="(/projects/[^"]+)">人才大厦管理维护专项', page.text).group(1)
    p = html(client, link)
    data = twin(client, p)
    assert data["iri"] == items[0]["iri"]
    assert data["applicant"] == "上海市人才服务中心" and data["year"] == 2020
    assert data["budget"]["total"] > 0
    numbers = {d["number"] for d in data["legal_bases"]}
    assert DOC in numbers and "沪发改投〔2016〕70号" in numbers
    assert any(d["number"] is None and "消防法" in (d["title"] or "") for d in data["legal_bases"])
    assert data["tree"] and all(g["indicators"] for n in data["tree"] for g in n["groups"])
    assert sum(len(g["indicators"]) for n in data["tree"] for g in n["groups"]) == len(data["indicators"])
    assert "立项依据" in p.text and DOC in p.text and "绩效指标" in p.text
    assert 'href="/documents/' in p.text  # legal bases are linked


def test_parse_warnings_are_shown(client):
    shown = 0
    for item in client.get("/api/projects").json()["items"]:
        data = client.get("/api/projects/" + item["iri"].split("/id/", 1)[1]).json()
        shown += len(data["warnings"])
    assert shown > 0  # the sample has missing targets


def test_legal_document_by_number(client):
    r = client.get("/documents/by-number/" + quote(DOC), headers={"Accept": "text/html"})
    assert r.status_code == 200 and DOC in r.text
    data = twin(client, r)
    assert data["number"] == DOC and data["issuer"] == "上海市人才服务中心"
    assert {p["title"] for p in data["resting"]} == {"人才大厦管理维护专项"}
    assert {p["title"] for p in data["citing"]} == {"公共服务专项经费"}
    kinds = {n["kind"] for n in data["graph"]["nodes"]}
    assert kinds == {"project", "document", "issuer"}
    assert "<svg" in r.text and "citegraph" in r.text
    api = client.get("/api/documents/by-number/" + quote(DOC)).json()
    assert api["iri"] == data["iri"]


def test_documents_list(client):
    data = client.get("/api/documents").json()
    assert data["total"] >= 20
    top = data["items"][0]
    assert top["basis_of"] + top["cited_by"] >= 1
    assert client.get("/api/documents", params={"q": "沪人服"}).json()["total"] == 1
    assert twin(client, html(client, "/documents"))["total"] == data["total"]


def test_indicator_and_similar(client):
    hit = client.get("/api/search", params={"q": "满意度", "k": 1}).json()["results"][0]
    key = hit["iri"].split("/id/", 1)[1]
    data = client.get("/api/indicators/" + key).json()
    assert data["name"] == hit["name"] and data["project"]["iri"] == hit["project"]["iri"]
    assert data["similar"] and all(s["project"]["iri"] != hit["project"]["iri"] for s in data["similar"])
    sim = client.get(f"/api/indicators/{key}/similar", params={"k": 3}).json()
    assert len(sim["results"]) == 3
    page = html(client, "/indicators/" + key)
    assert hit["name"] in page.text and twin(client, page)["iri"] == hit["iri"]


def test_reuse_clusters_with_chart(client):
    data = client.get("/api/clusters").json()
    assert data["clusters"] and all(c["projects"] >= 2 for c in data["clusters"])
    page = html(client, "/reuse")
    assert 'class="bars"' in page.text
    assert twin(client, page)["total"] == data["total"]


def test_sparql_page_has_editor_prefixes_and_gallery(client):
    page = html(client, "/sparql")
    assert "<textarea" in page.text and "PREFIX jx: &lt;https://w3id.org/jixiao/ontology#&gt;" in page.text
    for group in ("研究人员", "编制人员", "审计人员"):
        assert group in page.text
    run = html(client, "/sparql", example="satisfaction")
    assert "<table>" in run.text and "≥85%" in run.text and "format=csv" in run.text


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    for path in ("/api/search", "/api/projects", "/api/projects/{key}", "/api/documents", "/api/documents/{key}",
                 "/api/indicators/{key}", "/api/indicators/{key}/similar", "/api/clusters", "/api/stats"):
        assert path in spec["paths"], path


def test_not_found_is_clean(client):
    for path in ("/api/projects/project/nope", "/projects/project/nope", "/documents/by-number/无此文号"):
        for accept in ("application/json", "text/html"):
            r = client.get(path, headers={"Accept": accept})
            assert r.status_code == 404 and "Traceback" not in r.text
            if accept == "application/json":
                assert r.json()["status"] == 404


def test_instance_iris_resolve_to_pages(client):
    hit = client.get("/api/search", params={"q": "满意度", "k": 1}).json()["results"][0]
    key = hit["project"]["iri"].split("/id/", 1)[1]
    page = client.get("/id/" + key, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.url.path.startswith("/projects/")
    data = client.get("/id/" + key).json()
    assert data["iri"] == hit["project"]["iri"]
    assert client.get("/id/project/none").status_code == 404


def test_pages_load_nothing_from_elsewhere_and_escape_input(client):
    for path in ("/", "/docs", "/sparql", "/search?q=满意度", "/reuse", "/documents"):
        r = client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 200
        assert not re.search(r'(src|href)="(https?:)?//', r.text.replace('href="https://w3id.org', "")), path
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    r = client.get("/search", params={"q": "<script>alert(1)</script>"}, headers={"Accept": "text/html"})
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text


class _BrokenStore:
    def select(self, sparql):
        raise RuntimeError("secret internal detail")


class _BrokenJixiao:
    data = Path("/nonexistent-jixiao-data")
    store_url = None
    base_iri = None
    read_only = True
    store = _BrokenStore()

    @property
    def searcher(self):
        raise RuntimeError("secret internal detail")

    def close(self):
        pass


def test_a_crash_is_a_clean_500():
    app = create_app(_BrokenJixiao(), ServerConfig(workers=1))
    with ServerThread(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        for accept in ("application/json", "text/html"):
            for path in ("/api/projects", "/", "/api/search?q=x"):
                r = c.get(path, headers={"Accept": accept})
                assert r.status_code == 500
                assert "secret internal detail" not in r.text and "Traceback" not in r.text


# ----------------------------------------------------------------- the users' journeys (#18)

DOC_2018 = "沪委办发〔2018〕12号"


@pytest.mark.parametrize("written", [DOC_2018, "沪委办发[2018]12号", "沪委办发（2018）12号", "沪委办发(2018)12号",
                                     "沪委办发 [ 2018 ] 12 号", "沪委办发［２０１８］１２号"])
def test_document_number_in_any_written_form(client, written):
    doc = client.get("/api/documents/by-number/" + quote(written)).json()
    assert doc["number"] == DOC_2018
    r = client.get("/search", params={"q": written}, headers={"Accept": "text/html"})  # typed in the search box
    assert r.status_code == 200 and "/documents/doc/" in str(r.url) and DOC_2018 in r.text
    assert "%25" not in str(r.url)  # encoded once


def test_unknown_document_number_in_the_search_box_says_so(client):
    page = html(client, "/search", q="沪委办发[2099]1号")
    assert "沪委办发〔2099〕1号" in page.text and "no document numbered" in page.text


def test_links_are_encoded_once_and_old_links_still_work(client):
    page = html(client, "/documents/by-number/" + quote(DOC))
    assert "%25" not in page.text.split("<footer>")[0]
    old = "/documents/doc/" + quote(quote(DOC, safe=""), safe="")  # the twice-encoded links of before
    assert DOC in html(client, old).text


def test_citations_name_the_field_they_come_from(client):
    doc = client.get("/api/documents/by-number/" + quote(DOC)).json()
    fields = {c["title"]: c["fields"] for c in doc["citations"]}
    assert fields == {"人才大厦管理维护专项": ["立项依据"], "公共服务专项经费": ["保证项目实施的制度、措施"]}


def test_search_cuts_off_what_is_not_relevant(client):
    found = client.get("/api/search", params={"q": "满意度", "k": 30}).json()
    names = [r["name"] for r in found["results"]]
    assert len(names) == 5 and all("满意度" in n for n in names)
    assert all(r["match"] in ("strong", "good", "possible") and 0 < r["relevance"] <= 1 for r in found["results"])
    assert found["below_cutoff"] > 0
    everything = client.get("/api/search", params={"q": "满意度", "k": 30, "all": "true"}).json()
    assert len(everything["results"]) == 30  # the old behaviour, on request
    for nonsense in ("😀", "qwertyuiop"):
        assert client.get("/api/search", params={"q": nonsense, "k": 30}).json()["results"] == []
        assert "No good match" in html(client, "/search", q=nonsense).text


def test_identical_wordings_are_one_group(client):
    found = client.get("/api/search", params={"q": "预算执行率", "k": 30}).json()
    group = found["groups"][0]
    assert group["name"] == "预算执行率" and group["count"] == 4
    assert {p["title"] for p in group["projects"]} == PROJECTS
    assert group["targets"] == [{"target": "=100", "count": 4}] and group["units"] == ["%"]
    assert group["cluster"]["projects"] == 4
    page = html(client, "/search", q="预算执行率")
    assert page.text.count('class="result group"') == len(found["groups"])
    assert f'href="/reuse/{group["cluster"]["key"]}"' in page.text and 'class="copy"' in page.text
    cluster = html(client, f"/reuse/{group['cluster']['key']}")
    assert cluster.text.count('<li><a href="/projects/') == 4
    assert twin(client, cluster)["variants"][0]["members"]


def test_search_downloads_as_csv(client):
    r = client.get("/api/search", params={"q": "满意度", "k": 30, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("name,relevance,match") and len(lines) == 6
    page = html(client, "/search", q="满意度")
    assert "format=csv" in page.text


def test_booleans_read_yes_or_no(client):
    project = client.get("/api/search", params={"q": "满意度", "k": 1}).json()["results"][0]["project"]
    page = html(client, "/projects/" + project["iri"].split("/id/", 1)[1])
    header = page.text.split('<dl class="header">', 1)[1].split("</dl>", 1)[0]
    assert "是否含有政府购买服务" in header and "False" not in header and "True" not in header


@pytest.mark.parametrize(("page_path", "first_column", "rows"), [
    ("/projects", "title", 4), ("/documents", "number", None), ("/reuse", "label", None)])
def test_every_list_page_downloads_as_csv(client, page_path, first_column, rows):
    page = html(client, page_path)
    link = re.search(r'<a class="csv" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    r = client.get(link)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.lstrip("\ufeff").splitlines()
    assert lines[0].split(",")[0] == first_column
    assert len(lines) - 1 == (rows if rows is not None else twin(client, page)["total"])


def test_search_facets_count_and_narrow(client):
    page = html(client, "/search", q="完成")
    pairs = re.findall(r'<a href="([^"]+)" class="facet-value[^"]*">([^<]+?) <small>', page.text)
    facets = {label.strip(): href.replace("&amp;", "&") for href, label in pairs}
    assert "2020" in facets and "上海市人才服务中心" in facets
    narrowed = [k for k in facets if k not in ("2020", "上海市人才服务中心", "上海市")][0]  # a category
    r = client.get(facets[narrowed], headers={"Accept": "text/html"})
    assert r.text.count('class="result group"') >= 1 and f'value="{narrowed}"' in r.text
    # the region facet (the place the applicant's name starts with) narrows by that name
    assert "applicant=%E4%B8%8A%E6%B5%B7%E5%B8%82&" in facets["上海市"] + "&"
    r = client.get(facets["上海市"], headers={"Accept": "text/html"})
    assert r.text.count('class="result group"') >= 1 and 'value="上海市"' in r.text


def test_project_lists_each_document_once_with_the_fields_citing_it(client):
    hits = client.get("/api/search", params={"q": "满意度", "k": 30}).json()["results"]
    iri = next(r["project"]["iri"] for r in hits if r["project"]["title"] == "公共服务专项经费")
    project = client.get("/api/projects/" + iri.split("/id/", 1)[1]).json()
    bases = {d["iri"] for d in project["legal_bases"]}
    assert not bases & {d["iri"] for d in project["cited_documents"]}  # never twice
    cited = {d["number"]: d["fields"] for d in project["cited_documents"]}
    assert cited[DOC] == ["保证项目实施的制度、措施"]
    page = html(client, "/projects/" + iri.split("/id/", 1)[1])
    assert '<span class="field">保证项目实施的制度、措施</span>' in page.text
