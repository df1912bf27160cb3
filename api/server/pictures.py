"""Layouts for the two small pictures, drawn as inline SVG by the templates (no JS library).

The citation graph is three columns — projects, documents, issuers — with documents and
issuers ordered by the mean position of their neighbours, which keeps lines from crossing
in the common cases, so the picture reads at a glance.
"""
from __future__ import annotations

from api.server.links import Links

COL_X = {"project": 10, "document": 370, "issuer": 720}
COL_W = {"project": 250, "document": 250, "issuer": 230}
ROW_H, BOX_H, TOP = 52, 28, 34
WIDTH = 960


def _short(s: str | None, n: int) -> str:
    s = s or ""
    return s if len(s) <= n else s[: n - 1] + "…"


def readable(graph: dict) -> tuple[list[dict], list[dict], dict[str, int]]:
    """Keep what the eye needs: the focus document, the documents two or more of the shown
    projects share, and their issuers. Each project's other documents become a count."""
    nodes, edges = graph.get("nodes", []), graph.get("edges", [])
    kinds = {n["id"]: n["kind"] for n in nodes}
    users: dict[str, set[str]] = {}
    for e in edges:
        if kinds.get(e["source"]) == "project":
            users.setdefault(e["target"], set()).add(e["source"])
    keep_docs = {d for d, ps in users.items() if len(ps) > 1} | {graph.get("focus")}
    hidden: dict[str, int] = {}
    for e in edges:
        if kinds.get(e["source"]) == "project" and e["target"] not in keep_docs:
            hidden[e["source"]] = hidden.get(e["source"], 0) + 1
    kept_edges = [e for e in edges if (kinds.get(e["source"]) == "project" and e["target"] in keep_docs)
                  or (kinds.get(e["source"]) == "document" and e["source"] in keep_docs)]
    issuers = {e["target"] for e in kept_edges if kinds.get(e["source"]) == "document"}
    kept_nodes = [n for n in nodes if n["kind"] == "project" or n["id"] in keep_docs or n["id"] in issuers]
    return kept_nodes, kept_edges, hidden


def citation_picture(graph: dict, links: Links) -> dict:
    nodes, edges, hidden = readable(graph)
    by_kind: dict[str, list[dict]] = {"project": [], "document": [], "issuer": []}
    for n in nodes:
        by_kind.setdefault(n["kind"], []).append(n)
    pos: dict[str, float] = {n["id"]: i for i, n in enumerate(by_kind["project"])}
    for kind, toward in (("document", "project"), ("issuer", "document")):
        def mean(node: dict, toward: str = toward) -> float:
            near = [pos[e["source"]] for e in edges if e["target"] == node["id"] and e["source"] in pos
                    and any(m["id"] == e["source"] for m in by_kind[toward])]
            return sum(near) / len(near) if near else 1e9
        by_kind[kind].sort(key=lambda n: (mean(n), n["label"] or ""))
        for i, n in enumerate(by_kind[kind]):
            pos[n["id"]] = i
    boxes: dict[str, dict] = {}
    for kind, items in by_kind.items():
        # centre each column vertically against the tallest one
        tallest = max((len(v) for v in by_kind.values()), default=1)
        offset = (tallest - len(items)) * ROW_H / 2
        for i, n in enumerate(items):
            url = (links.project(n["id"]) if kind == "project" else
                   links.document(n["id"]) if kind == "document" else None)
            more = hidden.get(n["id"], 0) if kind == "project" else 0
            boxes[n["id"]] = {"id": n["id"], "kind": kind, "x": COL_X[kind], "y": TOP + offset + i * ROW_H,
                              "w": COL_W[kind], "h": BOX_H, "label": _short(n.get("label"), 19),
                              "more": f"另有 {more} 份文件 +{more} other documents" if more else "",
                              "full": n.get("title") or n.get("label") or "", "url": url,
                              "focus": bool(n.get("focus"))}
    lines = []
    for e in edges:
        a, b = boxes.get(e["source"]), boxes.get(e["target"])
        if not a or not b:
            continue
        x1, y1 = a["x"] + a["w"], a["y"] + BOX_H / 2
        x2, y2 = b["x"], b["y"] + BOX_H / 2
        mid = (x1 + x2) / 2
        lines.append({"d": f"M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}",
                      "kind": e["kind"], "source": e["source"], "target": e["target"]})
    rows = max((len(v) for v in by_kind.values()), default=1)
    return {"width": WIDTH, "height": TOP + rows * ROW_H + 10, "boxes": list(boxes.values()), "lines": lines,
            "columns": [{"x": COL_X[k] + COL_W[k] / 2, "label": label} for k, label in
                        (("project", "项目 Projects"), ("document", "文件 Documents"), ("issuer", "发文机关 Issuers"))]}


def bar_chart(targets: list[dict], width: int = 320) -> dict:
    """Horizontal bars: how many projects set each target (``{"target", "projects"}`` items)."""
    bars = []
    top = max((t.get("projects") or 0 for t in targets), default=0) or 1
    label_w, bar_h, gap = 90, 16, 6
    for i, t in enumerate(targets[:12]):
        n = t.get("projects") or 0
        bars.append({"label": _short(str(t.get("target")), 10), "n": n, "y": i * (bar_h + gap),
                     "w": max(2, (width - label_w - 30) * n / top), "x": label_w, "h": bar_h})
    return {"width": width, "height": max(1, len(bars)) * (bar_h + gap), "bars": bars}
