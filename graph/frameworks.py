"""Category labels as written → concepts of the SKOS frameworks in ``ontology/frameworks.ttl``.

Tables word the same category many ways (产出目标, 产出指标, 产出指标（必填）, ＊产出 …); the
ingest layer keeps the labels as written and this module decides which concept they mean.
A label that matches no concept is not dropped: :func:`resolve` says so and the mapper
mints a local concept with a warning.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from rdflib import URIRef
from rdflib.namespace import SKOS

from graph.vocab import JX

SHANGHAI = JX.ShanghaiFramework
NATIONAL = JX.NationalFramework

_MARKERS = re.compile(r"[(\[]\s*(必填|选填|可选|必选|选择性|如有)[^)\]]{0,8}[)\]]")
_ENUM = re.compile(r"^(?:[0-9]+|[一二三四五六七八九十]+|[a-z])(?:[.、:)]|\s)+")
_NOISE = re.compile(r"[\s*★☆#:：]+")
_SUFFIX = re.compile(r"(?:类)?(?:目标|指标)$")


@lru_cache(maxsize=4096)
def normalize_label(label: str | None) -> str:
    """The comparable core of a category label.

    Full-width characters become half-width (NFKC), （必填）/（选填） markers, enumerators
    (``1.``, ``一、``), whitespace and stars are removed, 其他 becomes 其它, and a trailing
    目标/指标 is dropped: ``产出指标（必填）`` and ``产出目标`` both give ``产出``.
    """
    if not label:
        return ""
    s = unicodedata.normalize("NFKC", label).strip()
    s = _MARKERS.sub("", s)
    s = _ENUM.sub("", s)
    s = _NOISE.sub("", s)
    s = s.replace("其他", "其它")
    core = _SUFFIX.sub("", s)
    return core or s


@dataclass(frozen=True)
class Concept:
    iri: URIRef
    scheme: URIRef
    label: str  # skos:prefLabel @zh
    broader: URIRef | None  # None for a 一级 concept

    @property
    def level(self) -> int:
        return 1 if self.broader is None else 2


@dataclass(frozen=True)
class Resolution:
    """Where a (一级, 二级) label pair lands in a scheme."""

    concept: Concept | None  # the 二级 concept, None when the 二级 label is unknown
    top: Concept | None  # the 一级 concept the 一级 label means, if any
    warning: str | None = None  # why the pair needed a local concept or did not fit


class _Index:
    def __init__(self) -> None:
        from ontology import load

        g = load("frameworks.ttl")
        self.concepts: dict[URIRef, Concept] = {}
        for c in g.subjects(SKOS.inScheme, None):
            scheme = g.value(c, SKOS.inScheme)
            label = next((str(lit) for lit in g.objects(c, SKOS.prefLabel) if lit.language == "zh"), str(c))
            self.concepts[c] = Concept(c, scheme, label, g.value(c, SKOS.broader))
        # (scheme, level, normalized label) → concept; the prefLabel wins over an altLabel.
        self.by_label: dict[tuple[URIRef, int, str], URIRef] = {}
        for pred in (SKOS.altLabel, SKOS.prefLabel):
            for c, lit in g.subject_objects(pred):
                con = self.concepts.get(c)
                if con is not None:
                    self.by_label[(con.scheme, con.level, normalize_label(str(lit)))] = c

    def find(self, label: str | None, scheme: URIRef, level: int) -> Concept | None:
        iri = self.by_label.get((scheme, level, normalize_label(label)))
        return self.concepts[iri] if iri is not None else None


@cache
def _index() -> _Index:
    return _Index()


def concept(iri: URIRef) -> Concept | None:
    """The framework concept with this IRI (None for local or unknown IRIs)."""
    return _index().concepts.get(URIRef(iri))


def lookup(label: str | None, scheme: URIRef | None = None, level: int | None = None) -> URIRef | None:
    """The concept a label means, e.g. ``lookup("产出目标（必填）", SHANGHAI)`` → ``jx:sh_output``.

    Without ``scheme`` the Shanghai framework is tried first, then the national one; without
    ``level`` a 二级 concept is preferred over a 一级 one (most labels in a table are 二级).
    """
    idx = _index()
    for s in (scheme,) if scheme else (SHANGHAI, NATIONAL):
        for lv in (level,) if level else (2, 1):
            c = idx.find(label, s, lv)
            if c is not None:
                return c.iri
    return None


# Raw wordings that only one framework uses: they decide which scheme a table follows.
_SHANGHAI_ONLY = {"投入与管理", "投入和管理", "效果", "影响力", "长效管理", "人力资源", "配套设施", "信息共享"}
_NATIONAL_ONLY = {"效益", "项目效益", "项目完成", "完成"}


def detect_scheme(l1_labels: Iterable[str | None], l2_labels: Iterable[str | None] = ()) -> URIRef:
    """The framework a table follows, voted from its labels as written.

    Shanghai tables say 投入与管理 / 产出目标 and bare 二级 labels (数量); national ones say
    产出指标 / 效益指标 and 数量指标. A tie goes to the national framework.
    """
    sh = nat = 0
    for raw in l1_labels:
        core = normalize_label(raw)
        text = unicodedata.normalize("NFKC", raw or "")
        sh += core in _SHANGHAI_ONLY or text.rstrip(")）必填选 ").endswith("目标")
        nat += core in _NATIONAL_ONLY or text.rstrip(")）必填选 ").endswith("指标")
    for raw in l2_labels:
        text = unicodedata.normalize("NFKC", raw or "").rstrip(")）必填选 ")
        core = normalize_label(raw)
        if not core:
            continue
        nat += text.endswith("指标")
        sh += core in _SHANGHAI_ONLY or (not text.endswith("指标") and _index().find(raw, SHANGHAI, 2) is not None)
    return SHANGHAI if sh > nat else NATIONAL


@lru_cache(maxsize=4096)
def resolve(l1: str | None, l2: str | None, scheme: URIRef) -> Resolution:
    """The concepts a row's (一级, 二级) labels mean in ``scheme``.

    The 二级 label decides the category (its 一级 is the concept's ``skos:broader``); a
    一级 label that disagrees is reported. An empty 二级 label whose 一级 cell holds a 二级
    label (a shifted row) is read as that 二级.
    """
    idx = _index()
    top = idx.find(l1, scheme, 1)
    if normalize_label(l2):
        c = idx.find(l2, scheme, 2)
        if c is None:
            return Resolution(None, top, f"category {l2!r} is not in {_name(scheme)}: kept as a local concept")
        if normalize_label(l1) and c.broader != (top.iri if top else None):
            return Resolution(c, top, f"category {l2!r} belongs to {idx.concepts[c.broader].label!r}, "
                                      f"not to {l1!r} as the table says")
        return Resolution(c, top)
    if top is None and normalize_label(l1):
        c = idx.find(l1, scheme, 2)
        if c is not None:
            return Resolution(c, None, f"一级 cell {l1!r} is a 二级 category; read as such")
        return Resolution(None, None, f"category {l1!r} is not in {_name(scheme)}: kept as a local concept")
    return Resolution(None, top, "indicator row without a 二级 category" if top else
                      "indicator row without a category")


def _name(scheme: URIRef) -> str:
    return {SHANGHAI: "the Shanghai framework", NATIONAL: "the national framework"}.get(scheme, str(scheme))
