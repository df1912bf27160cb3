"""The UI in a real headless browser: search 满意度 → a project → the legal document
沪人服〔2016〕1号, with screenshots in test-artifacts/.

Debian's chromium (`make browser` installs it with apt), driven by Python Playwright with
``executable_path`` — no browser is ever downloaded. Skipped only when /usr/bin/chromium
is missing.
"""
from __future__ import annotations

import os
from pathlib import Path

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


def test_search_project_document(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/")
    page.fill("input[name=q]", "满意度")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    results = page.locator("article.result")
    assert results.count() >= 5
    text = page.locator(".results").inner_text()
    for title in PROJECTS:
        assert title in text  # the satisfaction indicators of all four projects …
    assert "≥85%" in text  # … with their targets
    shot(page, "1-search-manyidu")

    page.locator("article.result a", has_text="公共服务专项经费").first.click()
    page.wait_for_url("**/projects/**")
    assert page.locator("h1").inner_text() == "公共服务专项经费"
    assert page.locator("ol.docs li").count() >= 5  # legal bases, linked
    assert page.locator(".tree .l1").count() >= 3  # the indicator tree
    assert DOC in page.locator("body").inner_text()  # cited in 保证项目实施的制度、措施
    shot(page, "2-project")

    page.locator("a", has_text=DOC).first.click()
    page.wait_for_url("**/documents/**")
    assert DOC in page.locator("h1").inner_text()
    body = page.locator("body").inner_text()
    assert "人才大厦管理维护专项" in body and "公共服务专项经费" in body
    graph = page.locator("svg.citegraph")
    assert graph.is_visible()
    assert graph.locator(".node.project").count() == 2
    assert graph.locator(".node.document.focus").count() == 1
    assert graph.locator(".node.issuer").count() >= 1
    shot(page, "3-document-hurenfu-2016-1")
    page.close()


def test_sparql_gallery_runs_in_the_browser(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/sparql")
    page.locator("a.example").first.click()  # loads the example into the editor (JS)
    assert "jx:Indicator" in page.locator("#query").input_value()
    page.click("button[type=submit] >> nth=0")
    page.wait_for_selector(".results-table table")
    assert page.locator(".results-table tbody tr").count() >= 1
    shot(page, "4-sparql")
    page.close()


def test_phone_layout(base_url, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(base_url + "/documents/by-number/" + DOC)
    # nothing wider than the screen except the scrollable graph
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    shot(page, "5-phone-document")
    page.close()
