"""A page on another origin queries the endpoint from a real browser (what YASGUI and
Comunica do): a GET, a form POST (YASGUI's default), a direct POST of
``application/sparql-query``, which the browser sends only after an OPTIONS preflight, and
YASGUI itself (the copy this project ships) with its default request settings.

The other origin is a second HTTP server on another port serving one blank page; the
browser is Debian's chromium driven by Playwright (skipped only when it is missing).
"""
from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path

import pytest

from api.server.runner import free_port

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shanghai-rencai-2020.txt"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
COUNT = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/jixiao/ontology#Project> }"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                       reason=f"{CHROMIUM} not found: run `make browser` (installs Debian's chromium with apt)"),
]


YASGUI_PAGE = """<!doctype html><meta charset="utf-8"><title>YASGUI elsewhere</title>
<link rel="stylesheet" href="{site}/static/yasgui.min.css"><div id="yasgui"></div>
<script src="{site}/static/yasgui.min.js"></script>
<script>window.yasgui = new Yasgui(document.getElementById("yasgui"),
  {{requestConfig: {{endpoint: "{site}/sparql"}}, persistenceId: null, copyEndpointOnNewTab: false}});</script>"""


class _Blank(http.server.BaseHTTPRequestHandler):
    site = ""  # the jixiao server, for the YASGUI page

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b"<!doctype html><title>another origin</title><p>client page</p>"
        if self.path.startswith("/yasgui"):  # YASGUI with its default request settings
            body = YASGUI_PAGE.format(site=self.site).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint(sample_sparql_endpoint):
    _Blank.site = sample_sparql_endpoint.removesuffix("/sparql")
    return sample_sparql_endpoint


@pytest.fixture(scope="module")
def other_origin():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Blank)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def page(other_origin):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(other_origin)
        yield page
        browser.close()


FETCH = """async ([url, init]) => {
  try {
    const r = await fetch(url, init);
    return {status: r.status, type: r.headers.get('content-type'), body: await r.text()};
  } catch (e) { return {error: String(e)}; }
}"""


def test_get_from_another_origin(endpoint, page):
    url = endpoint + "?query=" + COUNT.replace(" ", "%20").replace("#", "%23")
    r = page.evaluate(FETCH, [url, {"headers": {"Accept": "application/sparql-results+json"}}])
    assert "error" not in r, r
    assert r["status"] == 200 and '"value":"4"' in r["body"].replace(" ", "")


def test_form_post_from_another_origin(endpoint, page):
    init = {"method": "POST", "body": "query=" + COUNT.replace("#", "%23"),
            "headers": {"Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/sparql-results+json,*/*;q=0.9"}}
    r = page.evaluate(FETCH, [endpoint, init])
    assert "error" not in r, r
    assert r["status"] == 200 and '"value":"4"' in r["body"].replace(" ", "")


def test_direct_post_after_a_preflight(endpoint, page):
    init = {"method": "POST", "body": COUNT,
            "headers": {"Content-Type": "application/sparql-query", "Accept": "text/csv"}}
    r = page.evaluate(FETCH, [endpoint, init])
    assert "error" not in r, r
    assert r["status"] == 200 and r["body"].split() == ["n", "4"]


def test_the_browser_refuses_to_send_the_token_across_origins(endpoint, page):
    init = {"method": "POST", "body": "INSERT DATA { <urn:x:a> <urn:x:b> 1 }",
            "headers": {"Content-Type": "application/sparql-update", "Authorization": "Bearer guess"}}
    r = page.evaluate(FETCH, [endpoint, init])
    assert "error" in r  # the preflight was refused: the request never left the browser


def test_yasgui_on_another_origin_with_its_default_calls(endpoint, other_origin, page):
    page.goto(other_origin + "yasgui")
    page.wait_for_selector("#yasgui .CodeMirror")
    page.evaluate("q => { window.yasgui.getTab().setQuery(q); }", COUNT)
    page.evaluate("() => { window.yasgui.getTab().getYasqe().query().catch(() => null); }")
    page.wait_for_selector("#yasgui .yasr table.dataTable tbody tr", timeout=30_000)
    cell = page.locator("#yasgui .yasr table.dataTable tbody td").last.inner_text().strip()
    assert cell in ("4", '"4"^^<http://www.w3.org/2001/XMLSchema#integer>'), cell
    page.goto(other_origin)  # leave the page as the other tests expect it
