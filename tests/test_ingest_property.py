"""Property: random tab drops, extra blank lines and shifted cells never crash the
parser and never lose, add or reorder a row."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.pipeline import parse_bytes
from tests.tablegen import ROWS, row_lines, table_text

DEFECTS = st.lists(st.tuples(st.integers(0, len(ROWS) - 1), st.sampled_from(["drop", "shift", "blank", "trail"])),
                   max_size=8)


def damage(lines: list[str], defects: list[tuple[int, str]]) -> list[str]:
    out = list(lines)
    for i, kind in defects:
        k = next(j for j, x in enumerate(out) if x.split("\t")[2:3] == [ROWS[i].name] or ROWS[i].name in x)
        if kind == "drop" and out[k].startswith("\t"):
            out[k] = out[k][1:] + "\t"
        elif kind == "shift":
            out[k] = "\t" + out[k]
        elif kind == "blank":
            out.insert(k, "")
        elif kind == "trail":
            out[k] = out[k] + "\t"
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DEFECTS)
def test_damaged_tables_keep_every_row(defects):
    text = table_text(lines=damage(row_lines(ROWS), defects))
    src = parse_bytes(text.encode(), "fuzz.txt")
    assert src.errors == []
    (t,) = src.tables
    assert [i.name for i in t.indicators] == [r.name for r in ROWS]
    for got, want in zip(t.indicators, ROWS, strict=True):
        assert got.target is not None and got.target.raw.replace("²", "") == want.target.replace(" <sup>2</sup>", "")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\t\n 　：:一级二级三级目标指标值产出数量=≥%0123456789项目名称《》〔〕号")), max_size=400))
def test_arbitrary_text_never_crashes(text):
    src = parse_bytes(text.encode(), "noise.txt")
    assert src.tables or src.errors
    for t in src.tables:
        assert all(i.name for i in t.indicators)
