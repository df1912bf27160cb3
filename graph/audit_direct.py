"""The audit rules of ``ontology/audit.ttl`` evaluated straight over one mapped source's triples.

The ingest's parse workers audit every source they map (``graph.audit.audit_sources``). The
``sparql`` engine loads the source's N-Quads into an in-memory Oxigraph store and runs each
rule's SELECT: ~3 ms of CPU a table, a third of a worker's time, most of it loading the store
and matching the patterns. Here the same 23 rules are joins over a dict ``(subject,
predicate) → objects`` of the source's triples (its own graph, the shared graph and the
frameworks, as the union default graph the store queries), ~0.8 ms a table, with the same
findings: the same rows, messages, lines, order (``tests/test_audit_direct.py`` compares the
two engines on every fixture and real table).

It answers only where it is sure to agree with the SPARQL engine, and otherwise raises
:class:`Unsure` (the caller then runs the SPARQL engine on that source):

- the rules must be the ones it was written for: :data:`RULES_DIGEST` is a digest of each
  rule's id, severity, target class, SELECT and message; a changed rule switches it off
  until it is brought in line (a test fails meanwhile);
- where SPARQL would give one finding several messages (a node with two titles, two labels)
  and keep the first the engine happens to return, or two findings would sort as equals,
  the order is Oxigraph's and this engine does not guess it;
- a value of an unexpected type (a number that is not an ``xsd:decimal``/``xsd:integer``,
  a blank node, a decimal beyond Oxigraph's 18 fractional digits) is left to the store.

Regular expressions follow Oxigraph's (Rust ``regex``): ``\\s`` is Unicode ``White_Space``,
``$`` the end of the text only.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, localcontext
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph.vocab import ELI, JX, JX_IRI

# A digest of the rules this module implements (``_rules_digest()`` of ontology/audit.ttl).
RULES_DIGEST = "2eafaa8ab562c869"

def _n(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(term))


RDF_TYPE, LABEL, TITLE = _n(RDF.type), _n(RDFS.label), _n(DCTERMS.title)
ID_LOCAL, DERIVED = _n(ELI.id_local), _n(PROV.wasDerivedFrom)
PREF, BROADER, IN_SCHEME = _n(SKOS.prefLabel), _n(SKOS.broader), _n(SKOS.inScheme)
# (getattr on the DefinedNamespace: a term the vocabulary does not define raises here)
(HAS, CATEGORY, POSITION, TARGET, RAW, NUMBER, UNIT, UNIT_LABEL, OPERATOR, LINE, WEIGHT, EXEC_WEIGHT,
 FISCAL, OTHER, CURRENT, TOTAL, LEGAL, LEGAL_TEXT, DOC_YEAR, YEAR, PREVIOUS, ATTRIBUTE, ACTUAL, SCORE,
 POINTS, APPLICANT, PATH) = (_n(getattr(JX, n)) for n in (
    "hasIndicator", "category", "position", "target", "rawText", "numericValue", "unit", "unitLabel", "operator",
    "sourceLine", "weight", "executionRateWeight", "budgetFiscal", "budgetOther", "budgetCurrentYear",
    "budgetTotal", "legalBasis", "legalBasisText", "documentYear", "fiscalYear", "previousActual", "attribute",
    "actualNumericValue", "evaluationScore", "points", "applicant", "path"))
PROJECT, SELF_EVALUATION, DEPARTMENT, LOCAL_SCHEME = (_n(getattr(JX, n)) for n in (
    "Project", "SelfEvaluation", "DepartmentTargets", "LocalScheme"))
# every predicate a rule or the findings' context reads; other triples are not indexed
_WANTED = frozenset({
    RDF_TYPE, LABEL, TITLE, ID_LOCAL, DERIVED, PREF, BROADER, IN_SCHEME, HAS, CATEGORY, POSITION, TARGET, RAW,
    NUMBER, UNIT, UNIT_LABEL, OPERATOR, LINE, WEIGHT, EXEC_WEIGHT, FISCAL, OTHER, CURRENT, TOTAL, LEGAL,
    LEGAL_TEXT, DOC_YEAR, YEAR, PREVIOUS, ATTRIBUTE, ACTUAL, SCORE, POINTS, APPLICANT, PATH})


def _c(name: str) -> ox.NamedNode:
    """A framework concept (ontology/frameworks.ttl: nat_output, sh_effect …)."""
    return ox.NamedNode(JX_IRI + name)


OUTPUT_TOPS = frozenset({_c("nat_output"), _c("sh_output")})
BENEFIT_TOPS = frozenset({_c("nat_benefit"), _c("sh_effect")})
SATISFACTION = frozenset({_c("nat_satisfaction_beneficiary"), _c("sh_effect_satisfaction")})
NAT_SATISFACTION, NAT_COST = _c("nat_satisfaction"), _c("nat_cost")
COST = frozenset({_c("nat_output_cost"), _c("sh_output_cost")})
QUANTITY = frozenset({_c("nat_output_quantity"), _c("sh_output_quantity")})
QUALITY_TIMELINESS = frozenset({_c("nat_output_quality"), _c("sh_output_quality"), _c("nat_output_timeliness"),
                                _c("sh_output_timeliness")})
UNCLASSIFIED = ox.Literal("未分类", language="zh")
_DECIMAL, _INTEGER, _STRING = str(XSD.decimal), str(XSD.integer), str(XSD.string)

# Oxigraph's (Rust regex) \s: Unicode White_Space; $ at the end of the text only (\Z)
_WS = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_RE_DATE_WORDS = re.compile(f"[0-9０-９]{{4}}{_WS}*年|[0-9]{{4}}[.\\-/][0-9]{{1,2}}"
                            f"|[0-9０-９一二三四五六七八九十]+{_WS}*(月|日|天|工作日)")
_RE_OPERATOR_IN_NAME = re.compile(f"[(（]{_WS}*[≥≤=><≧≦]")
_RE_YEAR_START = re.compile(f"^{_WS}*[0-9]{{4}}{_WS}*(年|[.\\-/][0-9])")
_RE_UNIT_IN_NAME = re.compile("[(（][^)）]*[%％一-鿿][^)）]*[)）]")
_RE_RATE = re.compile("(率|满意度|占比|比例)")
_RE_GROWTH = re.compile("(增长|增幅|增加|增速|提高|提升|上升|比上年|同比|环比|超额|溢价|回报|收益|利润|变化)")
_RE_COUNT_END = re.compile("(人次|人数|次数|个数|数量|户数|场次|班次|天数|件数|台数|套数|册数|篇数|家数|项数|批次)\\Z")
_RE_RATE_END = re.compile("(率|占比|比例)\\Z")
_RE_LAW_END = re.compile("(法|条例)》?\\Z")
_RE_MEASURE_END = re.compile("办法》?\\Z")
_PERCENT = ("%", "％", "百分比")
_PERCENT_UNITS = ("%", "％", "百分比", "‰")
_RATE_UNITS = ("%", "％", "百分比", "‰", "百分点")


class Unsure(Exception):
    """This source is left to the SPARQL engine (see the module's docstring)."""


def _rules_digest() -> str:
    from graph.audit import rules

    h = hashlib.sha256()
    for r in rules():
        h.update("\x1f".join((r.id, r.severity, r.target_class, r.select, r.message)).encode("utf-8") + b"\x00")
    return h.hexdigest()[:16]


@cache
def applies() -> bool:
    """Whether the rules are still those this module implements."""
    return _rules_digest() == RULES_DIGEST


@cache
def _frameworks() -> dict[tuple, tuple]:
    """The frameworks' triples (the default graph of the audit store), indexed."""
    from graph.audit import _framework_quads

    out: dict[tuple, list] = {}
    for q in dict.fromkeys(_framework_quads()):
        if q.predicate in _WANTED:
            out.setdefault((q.subject, q.predicate), []).append(q.object)
    return {k: tuple(v) for k, v in out.items()}


# ------------------------------------------------------------------ terms as SPARQL sees them

def _str(term: Any) -> str:
    """STR(): an IRI or a literal's lexical form (a blank node is an error: not here)."""
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    raise Unsure


def _plain(term: Any) -> str | None:
    """The text of an ``xsd:string`` literal (what ``= "…"`` and ``IN ("…")`` compare)."""
    if isinstance(term, ox.Literal) and term.language is None and term.datatype.value == _STRING:
        return term.value
    raise Unsure


def _num(term: Any) -> Decimal:
    """A numeric literal's value (decimal or integer, within Oxigraph's decimals; anything else
    is left to the store)."""
    if isinstance(term, ox.Literal) and term.datatype.value in (_DECIMAL, _INTEGER):
        text = term.value
        if _PLAIN_NUMBER.fullmatch(text):
            return Decimal(text)
    raise Unsure


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]{1,18}(?:\.[0-9]{0,18})?")


def _int_cast(term: Any) -> int:
    """xsd:integer(STR(term)) for a year (gYear, as the mapping writes it)."""
    text = _str(term)
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise Unsure
    return int(text)


def _decimal_literal(d: Decimal) -> ox.Literal:
    """A computed xsd:decimal as Oxigraph writes it (no exponent, no trailing zeros)."""
    text = "0" if d == 0 else format(d.normalize(), "f")
    return ox.Literal(text, datatype=ox.NamedNode(_DECIMAL))


# ------------------------------------------------------------------ one source's graph

class SourceGraph:
    """``(subject, predicate) → objects`` over a source's own and shared triples and the
    frameworks: each graph a set, the union a multiset, as Oxigraph's union default graph."""

    def __init__(self, own: Sequence[tuple], shared: Sequence[tuple]) -> None:
        sp: dict[tuple, Any] = dict(_frameworks())  # tuples: the frameworks' objects, copied on a first add
        wanted = _WANTED
        projects: dict = {}
        for part in (own, shared):
            if len(set(part)) != len(part):  # a graph is a set: a triple listed twice counts once
                part = list(dict.fromkeys(part))
            for s, p, o in part:
                if p not in wanted:
                    continue
                key = (s, p)
                have = sp.get(key)
                if have is None:
                    sp[key] = [o]
                elif type(have) is tuple:
                    sp[key] = [*have, o]
                else:
                    have.append(o)
                if p == RDF_TYPE and o == PROJECT:
                        projects[s] = None
        self.sp = sp
        self.projects = list(projects)

    def objects(self, s: Any, p: ox.NamedNode) -> Sequence:
        return self.sp.get((s, p), ())

    def has(self, s: Any, p: ox.NamedNode, o: Any | None = None) -> bool:
        objs = self.objects(s, p)
        return bool(objs) if o is None else o in objs


# ------------------------------------------------------------------ the rules

Row = tuple[Any, dict[str, Any]]  # (?value or None, the message's variables)


def _indicators(g: SourceGraph, this: Any) -> Sequence:
    return g.objects(this, HAS)


def _no_indicators(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    return [] if g.has(this, HAS) else [(None, {})]


def _missing_category(g: SourceGraph, this: Any, tops: frozenset) -> list[Row]:
    inds = _indicators(g, this)
    if not inds:
        return []
    for i in inds:
        for c in g.objects(i, CATEGORY):
            if any(top in tops for top in g.objects(c, BROADER)):
                return []
    return [(None, {})]


def _missing_output(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    return _missing_category(g, this, OUTPUT_TOPS)


def _missing_benefit(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    return _missing_category(g, this, BENEFIT_TOPS)


def _missing_satisfaction(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    inds = _indicators(g, this)
    if not inds:
        return []
    for i in inds:
        for c in g.objects(i, CATEGORY):
            if c in SATISFACTION or NAT_SATISFACTION in g.objects(c, BROADER):
                return []
    for j in inds:
        for name in g.objects(j, LABEL):
            if "满意" in _str(name):
                return []
    return [(None, {})]


def _missing_cost(g: SourceGraph, this: Any, settings: dict) -> list[Row]:
    required = settings.get("costRequiredFrom")
    if required is None:
        return []
    required_term = ox.Literal(str(required), datatype=ox.NamedNode(str(required.datatype or _STRING)))
    out: list[Row] = []
    for year in g.objects(this, YEAR):
        if _int_cast(year) < _int_cast(required_term):
            continue
        inds = _indicators(g, this)
        if not inds:
            continue
        if any(c in COST or NAT_COST in g.objects(c, BROADER) for i in inds for c in g.objects(i, CATEGORY)):
            continue
        out.append((None, {"year": year, "costRequiredFrom": required_term}))
    return out


def _l1_without_l2(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    inds = _indicators(g, this)
    for value in inds:
        for c in g.objects(value, CATEGORY):
            if not g.has(c, PREF, UNCLASSIFIED):
                continue
            for pos in g.objects(value, POSITION):
                for name in g.objects(value, LABEL):
                    for top in g.objects(c, BROADER):
                        for scheme in g.objects(c, IN_SCHEME):
                            if not g.has(scheme, RDF_TYPE, LOCAL_SCHEME):
                                continue
                            for l1 in g.objects(top, PREF):
                                if any(c2 != c and top in g.objects(c2, BROADER)
                                       for j in inds for c2 in g.objects(j, CATEGORY)):
                                    continue
                                p = _num(pos)
                                if any(c in g.objects(k, CATEGORY) and _num(pk) < p
                                       for k in inds for pk in g.objects(k, POSITION)):
                                    continue
                                out.append((value, {"value": value, "l1": l1, "name": name}))
    return out


def _no_quantity(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    inds = _indicators(g, this)
    if not inds:
        return []
    if any(c in QUANTITY for i in inds for c in g.objects(i, CATEGORY)):
        return []
    return [(None, {})]


def _targets(g: SourceGraph, this: Any):
    """(?value, ?name, ?t) for each indicator with a label and a target."""
    for value in _indicators(g, this):
        names = g.objects(value, LABEL)
        if not names:
            continue
        for t in g.objects(value, TARGET):
            for name in names:
                yield value, name, t


def _quantity_not_measurable(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for value in _indicators(g, this):
        for c in g.objects(value, CATEGORY):
            tops = g.objects(c, BROADER) or (None,)
            hits = sum(1 for top in tops if c in _QUANTITY_COST or top == NAT_COST)
            if not hits:
                continue
            for name in g.objects(value, LABEL):
                for t in g.objects(value, TARGET):
                    if g.has(t, NUMBER):
                        continue
                    for raw in g.objects(t, RAW):
                        for l2 in g.objects(c, PREF):
                            out.extend([(value, {"value": value, "name": name, "raw": raw, "l2": l2})] * hits)
    return out


_QUANTITY_COST = QUANTITY | COST


def _quality_not_measurable(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for value in _indicators(g, this):
        for c in g.objects(value, CATEGORY):
            if c not in QUALITY_TIMELINESS:
                continue
            for name in g.objects(value, LABEL):
                for t in g.objects(value, TARGET):
                    if g.has(t, NUMBER):
                        continue
                    for raw in g.objects(t, RAW):
                        if _RE_DATE_WORDS.search(_str(raw)):
                            continue
                        for l2 in g.objects(c, PREF):
                            out.append((value, {"value": value, "name": name, "raw": raw, "l2": l2}))
    return out


def _numbers_without(g: SourceGraph, this: Any, present: tuple, in_name: re.Pattern[str]) -> list[Row]:
    """Numeric targets (not a year) that have none of ``present`` and whose name does not say it either."""
    out: list[Row] = []
    for value, name, t in _targets(g, this):
        if any(g.has(t, p) for p in present) or in_name.search(_str(name)):
            continue
        for _n in g.objects(t, NUMBER):
            for raw in g.objects(t, RAW):
                if not _RE_YEAR_START.search(_str(raw)):
                    out.append((value, {"value": value, "name": name, "raw": raw}))
    return out


def _without_unit(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    return _numbers_without(g, this, (UNIT, UNIT_LABEL), _RE_UNIT_IN_NAME)


def _without_operator(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    return _numbers_without(g, this, (OPERATOR,), _RE_OPERATOR_IN_NAME)


def _missing_target(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    return [(value, {"value": value, "name": name}) for value in _indicators(g, this)
            if not g.has(value, TARGET) for name in g.objects(value, LABEL)]


def _duplicate(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    groups: dict[Any, list] = {}  # ?name → [count, min position, min line term]
    for i in _indicators(g, this):
        for name in g.objects(i, LABEL):
            for p in g.objects(i, POSITION):
                for line in g.objects(i, LINE):
                    pv, lv = _num(p), _num(line)
                    grp = groups.get(name)
                    if grp is None:
                        groups[name] = [1, pv, lv, line]
                    else:
                        grp[0] += 1
                        grp[1] = min(grp[1], pv)
                        if lv < grp[2]:
                            grp[2], grp[3] = lv, line
                        elif lv == grp[2] and line != grp[3]:
                            raise Unsure  # two lexical forms of the least line: Oxigraph's pick
    out: list[Row] = []
    for name, (n, p1, _lv, first) in groups.items():
        if n <= 1:
            continue
        for value in _indicators(g, this):
            if name in g.objects(value, LABEL):
                for p2 in g.objects(value, POSITION):
                    if _num(p2) > p1:
                        out.append((value, {"value": value, "name": name, "firstLine": first}))
    return out


def _unit_contradicts(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for value, name, t in _targets(g, this):
        text = _str(name)
        count, rate = _RE_COUNT_END.search(text), _RE_RATE_END.search(text)
        if not (count or rate):
            continue
        for unit in g.objects(t, UNIT_LABEL):
            u = _plain(unit)
            if (count and u in _PERCENT_UNITS) or (rate and u not in _RATE_UNITS):
                out.append((value, {"value": value, "name": name, "unit": unit}))
    return out


def _percent_over_100(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for value, name, t in _targets(g, this):
        text = _str(name)
        if not _RE_RATE.search(text) or _RE_GROWTH.search(text):
            continue
        for n in g.objects(t, NUMBER):
            for unit in g.objects(t, UNIT_LABEL):
                if _plain(unit) not in _PERCENT or not _num(n) > 100:
                    continue
                for raw in g.objects(t, RAW):
                    out.append((value, {"value": value, "name": name, "raw": raw}))
    return out


def _below_last_year(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for value, name, t in _targets(g, this):
        prevs = g.objects(value, PREVIOUS)
        if not prevs or any("反向" in _str(a) for a in g.objects(value, ATTRIBUTE)):
            continue
        for prev in prevs:
            for n in g.objects(t, NUMBER):
                for op in g.objects(t, OPERATOR):
                    if _plain(op) not in ("≥", ">") or not _num(n) < _num(prev):
                        continue
                    for raw in g.objects(t, RAW):
                        out.append((value, {"value": value, "name": name, "raw": raw, "prev": prev}))
    return out


def _weights(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    weights = [w for i in _indicators(g, this) for w in g.objects(i, WEIGHT)]
    if not weights:
        return []
    out: list[Row] = []
    with localcontext() as ctx:
        ctx.prec = 60
        total = sum((_num(w) for w in weights), Decimal(0))
        for e in g.objects(this, EXEC_WEIGHT) or (None,):
            value = total + (_num(e) if e is not None else 0)
            _bounded(value)
            if abs(value - 100) > Decimal("0.01"):
                lit = _decimal_literal(value)
                out.append((lit, {"value": lit}))
    return out


def _bounded(d: Decimal) -> None:
    if abs(d) >= Decimal(10) ** 19:  # Oxigraph's decimals end near 1.7e20: left to it
        raise Unsure


def _budget(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    with localcontext() as ctx:
        ctx.prec = 60
        for fiscal in g.objects(this, FISCAL):
            for other in g.objects(this, OTHER) or (None,):
                for current in g.objects(this, CURRENT) or (None,):
                    for whole in g.objects(this, TOTAL) or (None,):
                        total = current if current is not None else whole
                        if total is None:
                            continue
                        value = _num(fiscal) + (_num(other) if other is not None else 0)
                        _bounded(value)
                        _bounded(value * 10000)
                        t = _num(total)
                        if abs(value - t) > Decimal("0.005") and abs(value * 10000 - t) > Decimal("0.5"):
                            lit = _decimal_literal(value)
                            out.append((lit, {"value": lit, "total": total}))
    return out


def _no_legal_basis(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    if g.has(this, LEGAL) or g.has(this, LEGAL_TEXT):
        return []
    types = g.objects(this, RDF_TYPE)
    if SELF_EVALUATION in types or DEPARTMENT in types:
        return []
    return [(None, {})]


def _without_number(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for value in g.objects(this, LEGAL):
        if g.has(value, ID_LOCAL):
            continue
        for title in g.objects(value, TITLE):
            text = _str(title)
            if not _RE_LAW_END.search(text) or _RE_MEASURE_END.search(text):
                out.append((value, {"value": value, "title": title}))
    return out


def _after_year(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for year in g.objects(this, YEAR):
        for value in g.objects(this, LEGAL):
            for doc_year in g.objects(value, DOC_YEAR):
                for number in g.objects(value, ID_LOCAL):
                    if _int_cast(doc_year) > _int_cast(year):
                        out.append((value, {"value": value, "number": number, "docYear": doc_year, "year": year}))
    return out


def _shortfall(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for value, name, t in _targets(g, this):
        for actual in g.objects(value, ACTUAL):
            for n in g.objects(t, NUMBER):
                for op in g.objects(t, OPERATOR):
                    a, v, o = _num(actual), _num(n), _plain(op)
                    if not ((o in ("≥", "=") and a < v) or (o == ">" and a <= v) or (o == "≤" and a > v)
                            or (o == "<" and a >= v)):
                        continue
                    for raw in g.objects(t, RAW):
                        for score in g.objects(value, SCORE) or (None,):
                            for points in g.objects(value, POINTS) or (None,):
                                if score is None:
                                    text = "未填"
                                elif points is None:
                                    text = _str(score)
                                else:
                                    text = f"{_str(score)}/{_str(points)}"
                                out.append((value, {"value": value, "name": name, "raw": raw, "actual": actual,
                                                    "scoreText": ox.Literal(text)}))
    return out


def _score_above(g: SourceGraph, this: Any, _s: dict) -> list[Row]:
    out: list[Row] = []
    for value in _indicators(g, this):
        for name in g.objects(value, LABEL):
            for score in g.objects(value, SCORE):
                for points in g.objects(value, POINTS):
                    if _num(score) > _num(points):
                        out.append((value, {"value": value, "name": name, "score": score, "points": points}))
    return out


RULES: dict[str, Callable[[SourceGraph, Any, dict], list[Row]]] = {
    "no-indicators": _no_indicators, "missing-output": _missing_output, "missing-benefit": _missing_benefit,
    "missing-satisfaction": _missing_satisfaction, "missing-cost": _missing_cost, "l1-without-l2": _l1_without_l2,
    "no-quantity-indicator": _no_quantity, "quantity-target-not-measurable": _quantity_not_measurable,
    "quality-target-not-measurable": _quality_not_measurable, "target-without-unit": _without_unit,
    "target-without-operator": _without_operator, "missing-target": _missing_target,
    "duplicate-indicator": _duplicate, "unit-contradicts-name": _unit_contradicts,
    "percent-over-100": _percent_over_100, "target-below-last-year": _below_last_year,
    "weights-not-100": _weights, "budget-parts-mismatch": _budget, "no-legal-basis": _no_legal_basis,
    "legal-basis-without-number": _without_number, "document-after-table-year": _after_year,
    "self-evaluation-shortfall": _shortfall, "score-above-points": _score_above,
}


# ------------------------------------------------------------------ findings

def _one(g: SourceGraph, values: Sequence) -> Any:
    """The one value SPARQL would bind (None when there is none); several distinct: unsure."""
    if not values:
        return None
    first = values[0]
    if any(v != first for v in values[1:]):
        raise Unsure
    return first


def _context(g: SourceGraph, p: Any) -> tuple[str | None, int | None, str | None, str | None]:
    """A table's (title, heading line, file, applicant), as ``graph.audit._CONTEXT`` gives them."""
    orgs = g.objects(p, APPLICANT)
    applicant = _one(g, [label for o in orgs for label in g.objects(o, PREF)])
    title = _one(g, g.objects(p, TITLE))
    line = _one(g, g.objects(p, LINE))
    path = _one(g, [x for s in g.objects(p, DERIVED) for x in g.objects(s, PATH)])
    return (None if title is None else title.value, None if line is None else int(line.value),
            None if path is None else path.value, None if applicant is None else applicant.value)


def source_findings(own: Sequence[tuple], shared: Sequence[tuple], settings: dict, selected: Sequence[Any]) -> list:
    """The findings of ``graph.audit.audit_source`` for one mapped source (``MappedSource.own``
    and ``.shared_ox``), ``selected`` rules, or :class:`Unsure`."""
    from graph.audit import Finding, _message, _sort_key, _term_text

    g = SourceGraph(own, shared)
    raw: list[tuple[str, Any, Any, str]] = []
    for rule in selected:
        evaluate = RULES[rule.id]
        for this in g.projects:
            for value, variables in evaluate(g, this, settings):
                variables.setdefault("this", this)
                raw.append((rule.id, this, value, _message(rule.message, variables.get)))
    by_id = {r.id: r for r in selected}
    context: dict[Any, tuple] = {}
    lines: dict[str, int] = {}
    found: dict[tuple, Any] = {}
    for rid, this, value, message in raw:
        if this not in context:
            context[this] = _context(g, this)
        title, head, path, applicant = context[this]
        vtext = None if value is None else _term_text(value)
        line = head
        if isinstance(value, ox.NamedNode) and vtext.startswith(("http://", "https://", "urn:")):
            if vtext not in lines:
                found_line = _one(g, g.objects(value, LINE))
                lines[vtext] = -1 if found_line is None else int(found_line.value)
            if lines[vtext] >= 0:
                line = lines[vtext]
        f = Finding(rule=rid, severity=by_id[rid].severity, message=message, file=path, line=line, project=title,
                    project_iri=this.value, value=vtext, applicant=applicant)
        have = found.get(f.key())
        if have is None:
            found[f.key()] = f
        elif have != f:  # SPARQL keeps the first its engine returns
            raise Unsure
    out = sorted(found.values(), key=_sort_key)
    for a, b in zip(out, out[1:], strict=False):
        if _sort_key(a) == _sort_key(b):  # equals in the sort: their order is the engine's
            raise Unsure
    return out
