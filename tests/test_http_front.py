"""The server's front (api.server.front): bound before the application is built, it answers
``/api/stats`` from the figures kept beside the published snapshot — the very bytes and
headers the application sends — and hands every other request to the application once that
is built. The build is held back by the test (an Event), not raced against the clock."""
from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from api.app import Jixiao
from api.server import ServerConfig, create_app
from api.server.front import Front
from api.server.runner import ServerThread
from graph.kept import read_kept

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "shanghai-rencai-2020.txt"
PROJECT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/jixiao/ontology#Project> }"
ORIGIN = {"Origin": "https://example.org"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("front")
    writer = Jixiao(data=data)
    try:
        assert not writer.ingest([SAMPLE]).errors
    finally:
        writer.close()
    return data


def held_build(data: Path, release: threading.Event, built: list):
    def build():
        release.wait(120)
        jx = Jixiao(data=data, read_only=True)
        built.append(jx)
        return create_app(jx, ServerConfig(timeout=30, workers=1)), jx.close
    return build


def without_date(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.multi_items() if k != "date"]


def test_front_answers_kept_stats_like_the_app_and_hands_the_rest_over(data_dir):
    # a first server computes the figures and keeps them beside the snapshot
    jx = Jixiao(data=data_dir, read_only=True)
    try:
        with ServerThread(create_app(jx, ServerConfig(timeout=30, workers=1))) as url:
            assert httpx.get(url + "/api/stats", timeout=60).status_code == 200
    finally:
        jx.close()
    assert read_kept(data_dir, "overview")["projects"] == 4

    release, built = threading.Event(), []
    front = Front(held_build(data_dir, release, built), data=data_dir)
    answers: dict = {}
    try:
        with ServerThread(front) as url, httpx.Client(base_url=url, timeout=120) as c:
            early = c.get("/api/stats", headers=ORIGIN)
            assert early.status_code == 200 and front.early_answers == 1
            assert front.app is None and not built  # answered before the application exists
            assert early.json()["stats"]["projects"] == 4

            def sparql() -> None:
                answers["sparql"] = c.get("/sparql", params={"query": PROJECT_COUNT},
                                          headers={"Accept": "application/sparql-results+json"})

            waiting = threading.Thread(target=sparql)
            waiting.start()
            waiting.join(0.5)
            assert waiting.is_alive() and "sparql" not in answers  # waits for the application
            release.set()
            waiting.join(120)
            assert answers["sparql"].status_code == 200
            assert answers["sparql"].json()["results"]["bindings"][0]["n"]["value"] == "4"

            late = c.get("/api/stats", headers=ORIGIN)
            assert front.app is not None and front.early_answers == 1  # the application answered
            assert late.content == early.content
            assert without_date(late.headers) == without_date(early.headers)
            assert early.headers["access-control-allow-origin"] == "*"
            assert early.headers["x-content-type-options"] == "nosniff"
    finally:
        release.set()


def test_without_kept_figures_the_stats_wait_for_the_application(data_dir, tmp_path):
    release, built = threading.Event(), []
    # a data folder with nothing kept (here: none published at all) -> nothing answered early
    front = Front(held_build(data_dir, release, built), data=tmp_path)
    answers: dict = {}
    with ServerThread(front) as url, httpx.Client(base_url=url, timeout=120) as c:
        t = threading.Thread(target=lambda: answers.setdefault("stats", c.get("/api/stats")))
        t.start()
        t.join(0.5)
        assert t.is_alive()
        release.set()
        t.join(120)
    assert answers["stats"].status_code == 200 and answers["stats"].json()["stats"]["projects"] == 4
    assert front.early_answers == 0


def test_a_failed_build_is_reported_and_stops_the_server():
    stopped = threading.Event()

    def build():
        raise ValueError("no such data folder")

    front = Front(build, on_failure=stopped.set)
    with ServerThread(front) as url:
        assert stopped.wait(60)
        r = httpx.get(url + "/api/stats", timeout=60)
    assert r.status_code == 503 and "no such data folder" in r.json()["error"]
    assert isinstance(front.error, ValueError)
