"""The three journeys in a real headless browser, with screenshots in test-artifacts/: the
preparer's search (满意度, nonsense, grouped wordings, copy), the auditor's document lookups
(every written form of 沪委办发〔2018〕12号, citations by field), the researcher's SPARQL editor
(YASGUI: examples that run, sorting, errors with their position, CONSTRUCT, cancel, history).

Debian's chromium (`make browser` installs it with apt), driven by Python Playwright with
``executable_path`` — no browser is ever downloaded. Skipped only when /usr/bin/chromium
is missing.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest

from api.app import Jixiao
from api.server.runner import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
DOC = "沪人服〔2016〕1号"
PROJECTS = ("高峰人才及其团队服务专项", "公共服务专项经费", "人才大厦管理维护专项", "人才公寓管理维护专项")

MISSING = not os.access(CHROMIUM, os.X_OK)
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")  # CI must run them, never skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING and not IN_CI,
                       reason=f"{CHROMIUM} not found: run `make browser` (installs Debian's chromium with apt)"),
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    jx = Jixiao(data=data)
    try:
        assert not jx.ingest([SAMPLE]).errors
    finally:
        jx.close()
    with ServerProcess(["--data", str(data)]) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if MISSING:  # only reached with CI=true
        pytest.fail(f"CI=true and {CHROMIUM} is missing: .ci/run installs it with `make browser`")
    if IN_CI:
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_preparer_search(base_url, browser):
    """The preparer: 满意度 gives its five indicators and stops; identical wordings are one row
    with their projects; relevance in words; a copy button; units apart; nonsense gets nothing."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.goto(base_url + "/")
    page.fill("input[name=q]", "满意度")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    rows = page.locator("article.result")
    names = rows.locator(".ind").all_inner_texts()
    assert len(names) == 5 and all("满意度" in n for n in names), names  # the five, and nothing after them
    text = page.locator(".results").inner_text()
    for title in PROJECTS:
        assert title in text  # the satisfaction indicators of all four projects …
    assert "≥85" in text and "很相关" in text  # … their targets, and relevance in words, not 0.033
    assert page.locator(".r-targets .unit", has_text="%").count() == 5  # the unit on its own
    rows.first.locator("button.copy").click()
    page.wait_for_selector("button.copy.done")
    assert page.evaluate("navigator.clipboard.readText()") == names[0]
    shot(page, "1-search-manyidu")

    for nonsense in ("😀", "qwertyuiop"):
        page.goto(base_url + "/search?q=" + quote(nonsense))
        assert rows.count() == 0
        assert "No good match" in page.locator(".nomatch").inner_text()
    shot(page, "1b-search-nonsense")

    page.goto(base_url + "/search?q=" + quote("预算执行率"))
    first = rows.first
    assert first.locator(".ind").inner_text() == "预算执行率"
    assert first.locator(".count").inner_text() == "4"  # four projects, one row
    assert first.locator(".r-projects li").count() == 4
    shot(page, "1c-search-grouped")
    first.locator("a.cluster").click()  # the wording's reuse cluster
    page.wait_for_url("**/reuse/*")
    assert "预算执行率" in page.locator("h1").inner_text()
    assert page.locator(".variant li").count() == 4
    context.close()


def test_auditor_documents(base_url, browser):
    """The auditor: every written form of a number opens the document, from the search box;
    citations say which field they come from; links are encoded once; 是/否, not False."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for form in ("沪委办发〔2018〕12号", "沪委办发[2018]12号", "沪委办发（2018）12号", "沪委办发(2018)12号",
                 "沪委办发 [2018] 12号", "沪委办发［２０１８］１２号"):
        page.goto(base_url + "/")
        page.fill("input[name=q]", form)
        page.press("input[name=q]", "Enter")
        page.wait_for_url("**/documents/**")
        assert "沪委办发〔2018〕12号" in page.locator("h1").inner_text(), form
        assert "%25" not in page.url
    page.goto(base_url + "/documents/by-number/" + quote(DOC))
    cites = page.locator("table.citations tbody tr")
    assert cites.count() == 2
    fields = {r.locator("td").first.inner_text(): r.locator("td").last.inner_text() for r in cites.all()}
    assert fields == {"人才大厦管理维护专项": "立项依据", "公共服务专项经费": "保证项目实施的制度、措施"}
    assert not page.locator("a[href*='%25']").count()  # no double-encoded links
    shot(page, "3-document-hurenfu-2016-1")

    page.locator("table.citations a", has_text="公共服务专项经费").click()
    page.wait_for_url("**/projects/**")
    assert page.locator("h1").inner_text() == "公共服务专项经费"
    header = page.locator("dl.header").inner_text()
    assert "是否含有政府购买服务" in header and "False" not in header and "True" not in header
    assert page.locator("ol.docs li").count() >= 5  # legal bases, linked
    assert page.locator(".tree .l1").count() >= 3  # the indicator tree
    shot(page, "2-project")
    page.locator("a", has_text=DOC).first.click()
    page.wait_for_url("**/documents/**")
    graph = page.locator("svg.citegraph")
    assert graph.is_visible()
    assert graph.locator(".node.project").count() == 2
    assert graph.locator(".node.document.focus").count() == 1
    assert graph.locator(".node.issuer").count() >= 1
    page.close()


def test_sparql_gallery_runs_in_the_browser(base_url, browser):
    """The researcher: YASGUI (vendored, no CDN) with highlighting and line numbers; an example
    without PREFIX lines loads and runs on click; results sort and page; history is kept."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = []
    page.on("request", lambda r: None if r.url.startswith((base_url, "data:")) else outside.append(r.url))
    page.goto(base_url + "/sparql")
    page.wait_for_selector("#yasgui .CodeMirror")
    assert page.locator("#sparql-form").is_hidden()  # the plain form is the no-JavaScript fallback
    page.wait_for_selector("#yasgui .CodeMirror-linenumber >> nth=2")  # numbered lines
    assert page.locator("#yasgui .cm-keyword").count() >= 1  # highlighted
    page.evaluate("() => { const y = window.jixiaoYasgui.getTab().getYasqe();"
                  " y.setValue('SELECT * WHERE {\\n  ?s a \\n}'); y.focus(); y.setCursor({line: 1, ch: 7}); }")
    page.keyboard.type("jx:Ind")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    assert "jx:Indicator" in page.locator(".CodeMirror-hints li").all_inner_texts()  # completion, offline
    page.keyboard.press("Escape")
    page.locator("a.example", has_text="Indicators per level-1 category").click()
    page.wait_for_selector("#yasgui .yasr table.dataTable tbody tr")
    editor = page.evaluate("window.jixiaoYasgui.getTab().getYasqe().getValue()")
    assert "jx:Indicator" in editor and "PREFIX" not in editor
    assert page.locator("#yasgui .CodeMirror-gutter-elt .error, #yasgui .gutterErrorBar .error").count() == 0
    cells = page.locator("#yasgui .yasr table.dataTable tbody tr td:last-child")
    counts = [int(c) for c in cells.all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and sum(counts) >= 190
    page.locator("#yasgui .yasr table.dataTable thead th", has_text="n").last.click()  # sort by n
    page.wait_for_timeout(200)
    resorted = [int(c) for c in cells.all_inner_texts()]
    assert sorted(resorted) == sorted(counts) and resorted != counts
    assert page.locator("#yasgui .yasr .dt-paging, #yasgui .yasr .dataTables_paginate").count() >= 1  # paged
    assert page.locator("#history li").count() >= 1  # query history
    shot(page, "4-sparql")

    page.locator("a.example", has_text="Budgets by project").click()
    page.wait_for_selector("#yasgui .yasr table.dataTable tbody td >> text=上海市人才服务中心")
    table = page.locator("#yasgui .yasr table.dataTable").inner_text()
    assert "@zh" not in table and "上海市人才服务中心" in table
    page.reload()
    page.wait_for_selector("#yasgui .CodeMirror")
    assert page.locator("#history li").count() >= 2  # kept across a reload
    assert not outside, outside  # nothing from a CDN or completion service
    page.close()


def test_sparql_errors_construct_and_cancel(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    bad = "SELECT ?x WHERE {\n  ?x a jx:Project .\n  ?x foo:bar ?y\n}"
    page.goto(base_url + "/sparql?query=" + quote(bad))
    page.wait_for_selector("#query-error:not([hidden])")
    message = page.locator("#query-error").inner_text()
    assert "line 3, column" in message and "prefix not found" in message
    assert "\\u{" not in message and len(message) < 400  # not a wall of Unicode ranges
    assert page.locator("#yasgui .sparql-error-line").count() == 1  # the line is marked in the editor
    shot(page, "6-sparql-error")

    page.goto(base_url + "/sparql?example=citation-graph")  # CONSTRUCT, run from the URL
    page.wait_for_selector("#yasgui .yasr table.dataTable tbody tr")
    assert "jx:legalBasis" in page.locator("#yasgui .yasr table.dataTable").inner_text()
    page.locator("#yasgui .yasr .select_response").click()
    page.wait_for_selector("#yasgui .yasr .CodeMirror")
    turtle = page.evaluate("window.jixiaoYasgui.getTab().getYasr().results.getOriginalResponseAsString()")
    assert "@prefix jx:" in turtle and "jx:legalBasis" in turtle

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    page.evaluate("q => { window.jixiaoYasgui.getTab().setQuery(q); }", slow)
    page.evaluate("() => { window.jixiaoYasgui.getTab().getYasqe().query().catch(() => null); }")
    page.wait_for_selector("#run-state:not([hidden])")  # loading indicator
    shot(page, "7-sparql-running")
    page.click("#cancel-query")
    page.wait_for_selector("#run-state", state="hidden")
    page.close()


def test_phone_layout(base_url, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(base_url + "/documents/by-number/" + DOC)
    # nothing wider than the screen except the scrollable graph
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    shot(page, "5-phone-document")
    page.close()
