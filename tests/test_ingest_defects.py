"""Each export defect by its shape, on small tables written for the test."""
from __future__ import annotations

from ingest.pipeline import parse_bytes
from tests.tablegen import ROWS, body_start, row_lines, table_text


def parse(text: str, encoding: str = "utf-8"):
    src = parse_bytes(text.encode(encoding), "t.txt")
    assert src.errors == [], src.errors
    return src


def rows_of(table):
    return [(i.l1, i.l2, i.name, i.target.raw if i.target else None) for i in table.indicators]


def expected(rows=ROWS):
    return [(r.l1, r.l2, r.name, r.target.replace(" <sup>2</sup>", "²") if r.target else None) for r in rows]


def codes(table, line):
    return {w.code for w in table.warnings if w.line == line}


def test_clean_table_reads_as_written():
    t = parse(table_text()).tables[0]
    assert rows_of(t) == expected()
    assert t.warnings == []
    assert t.title == "示范项目" and t.category == "经常性专项业务费" and t.gov_purchase is True
    assert (t.budget.total, t.budget.current_year, t.budget.prev_year_budget, t.budget.prev_year_executed) == (
        1234567, 1000000, 900000, 888888.5)


def test_dropped_leading_tab_puts_a_second_level_label_in_column_one():
    lines = row_lines(ROWS)
    i = [r.l2 for r in ROWS].index("财务管理")
    assert lines[i].startswith("\t财务管理")
    lines[i] = lines[i][1:] + "\t"  # the export lost the leading tab and kept a trailing one
    text = table_text(lines=lines)
    t = parse(text).tables[0]
    assert rows_of(t) == expected()
    assert "label-column" in codes(t, body_start(text) + i)


def test_continuation_row_shifted_left_and_right():
    lines = row_lines(ROWS)
    lines[1] = "\t" + lines[1].lstrip("\t") + "\t"  # name in column 2, target in column 3
    lines[4] = "\t" + lines[4]  # one column to the right
    text = table_text(lines=lines)
    t = parse(text).tables[0]
    assert rows_of(t) == expected()
    assert "shifted-row" in codes(t, body_start(text) + 1)
    assert "shifted-row" in codes(t, body_start(text) + 4)


def test_name_in_first_column_with_target_in_last():
    lines = row_lines(ROWS)
    lines[5] = ROWS[5].name + "\t\t\t" + ROWS[5].target
    t = parse(table_text(lines=lines)).tables[0]
    assert rows_of(t) == expected()


def test_blank_lines_inside_the_table_lose_nothing():
    lines = row_lines(ROWS)
    for k in (9, 6, 3):
        lines.insert(k, "")
    t = parse(table_text(lines=lines)).tables[0]
    assert rows_of(t) == expected()


def test_missing_target_is_null_and_warned_never_invented():
    lines = row_lines(ROWS)
    lines[6] = lines[6].rsplit("\t", 1)[0]  # the target cell is gone altogether
    text = table_text(lines=lines)
    t = parse(text).tables[0]
    got = rows_of(t)
    assert got[6] == (ROWS[6].l1, ROWS[6].l2, ROWS[6].name, None)
    assert got[:6] == expected()[:6] and got[7:] == expected()[7:]
    assert "missing-target" in codes(t, body_start(text) + 6)


def test_first_level_label_on_the_middle_row_of_its_group():
    # 产出目标 spans rows 3..7; the export wrote it on row 5 instead of row 3
    lines = row_lines(ROWS)
    lines[3] = lines[3].replace("产出目标", "", 1)
    lines[5] = "产出目标" + lines[5]
    text = table_text(lines=lines)
    t = parse(text).tables[0]
    assert rows_of(t) == expected()
    assert "label-below" in codes(t, body_start(text) + 3)


def test_second_level_label_left_in_the_first_column_of_the_row_above():
    # the 长效管理 label of the last group stands in column 1 of the row above it,
    # and the group's 一级 label comes after a break further down
    rows = ROWS[:-1]
    lines = row_lines(rows)
    lines[-1] = "长效管理" + lines[-1]
    lines += ["\t\t长效管理机制健全性\t健全", "\t\t应急响应机制健全性\t健全", "", "影响力目标\t人力资源\t人员到位率\t=100%"]
    t = parse(table_text(lines=lines)).tables[0]
    got = rows_of(t)
    assert got[-4] == ("效果目标", "满意度", "服务对象满意度", "≥85%")
    assert got[-3:] == [("影响力目标", "长效管理", "长效管理机制健全性", "健全"),
                        ("影响力目标", "长效管理", "应急响应机制健全性", "健全"),
                        ("影响力目标", "人力资源", "人员到位率", "=100%")]
    assert any(w.code == "stray-label" for w in t.warnings)


def test_rows_above_a_label_after_a_break_join_it_when_their_wording_says_so():
    lines = ["产出目标\t数量\t培训场次\t=12场", "\t质量\t验收合格率\t≥95%", "\t\t资料归档及时性\t及时",
             "", "\t时效\t完工及时性\t及时", "\t\t付款及时性\t及时"]
    t = parse(table_text(lines=lines)).tables[0]
    assert [i.l2 for i in t.indicators] == ["数量", "质量", "时效", "时效", "时效"]
    # without the break the table is read as written
    t2 = parse(table_text(lines=[x for x in lines if x])).tables[0]
    assert [i.l2 for i in t2.indicators] == ["数量", "质量", "质量", "时效", "时效"]


def test_table_without_first_row_labels_fills_up_from_the_label_below():
    lines = ["\t\t预算执行率\t=100%", "投入与管理\t投入管理\t资金到位率\t=100%", "产出目标\t数量\t培训场次\t=3场"]
    t = parse(table_text(lines=lines)).tables[0]
    assert rows_of(t)[0] == ("投入与管理", "投入管理", "预算执行率", "=100%")


def test_html_remnants_in_headings_and_units():
    text = table_text().replace("财政项目支出绩效目标表", "<b>财政项目支出绩效目标表</b>", 1)
    text = text.replace("本项目上年度市级财政资金使用情况", "<b>本项目上年度市级财政资金使用情况</b>")
    t = parse(text).tables[0]
    assert rows_of(t) == expected()
    area = next(i for i in t.indicators if i.name == "改造面积")
    assert (area.target.raw, area.target.op, area.target.value, area.target.unit) == ("=300m²", "=", 300, "m²")


def test_several_tables_in_one_file_in_order():
    a = table_text(title="甲项目")
    b = table_text(title="乙项目", rows=ROWS[:4]).replace("财政项目支出绩效目标表", "<b>财政项目支出绩效目标表</b>", 1)
    src = parse(a + "\n\n" + b + "\n" + table_text(title="丙项目", rows=ROWS[4:]))
    assert [t.title for t in src.tables] == ["甲项目", "乙项目", "丙项目"]
    assert [len(t.indicators) for t in src.tables] == [len(ROWS), 4, len(ROWS) - 4]
    first, second = src.tables[0].lines, src.tables[1].lines
    assert first[0] == 1 and first[1] < second[0]


def test_header_keys_with_half_width_colons_and_multi_line_free_text():
    text = table_text().replace("项目概况：\t本项目为示范项目。", "项目概况:\t第一段说明，内容较长较长较长较长较长较长较长。\n"
                                "第二段说明，继续描述项目的内容和范围，同样较长。")
    text = text.replace("项目名称：\t", "项目名称:\t")
    t = parse(text).tables[0]
    assert t.title == "示范项目"
    assert t.text_fields["项目概况"].count("\n") == 1 and "第二段说明" in t.text_fields["项目概况"]


def test_budget_in_ten_thousand_yuan():
    text = table_text().replace("项目总预算（元）：\t1,234,567", "项目总预算（万元）：\t123.5")
    assert parse(text).tables[0].budget.total == 1235000


def test_table_without_indicator_section_is_kept_with_a_warning():
    text = table_text().split("## 2021年绩效目标")[0]
    src = parse(text)
    assert len(src.tables) == 1
    t = src.tables[0]
    assert t.indicators == [] and t.title == "示范项目" and t.legal_bases
    assert any(w.code == "no-indicators" for w in t.warnings)


def test_same_table_twice_gives_two_tables_and_a_warning():
    src = parse(table_text() + "\n" + table_text())
    assert len(src.tables) == 2
    assert any(w.code == "duplicate-table" for w in src.tables[1].warnings)


def test_every_source_row_is_one_indicator_in_order():
    t = parse(table_text()).tables[0]
    assert [i.position for i in t.indicators] == list(range(1, len(ROWS) + 1))
    start = body_start(table_text())
    assert [i.line for i in t.indicators] == list(range(start, start + len(ROWS)))


def test_heading_repeated_over_a_page_break_continues_the_table():
    lines = row_lines(ROWS)
    lines[6:6] = ["", "- 2 -", "财政项目支出绩效目标表（续）\t\t\t", "一级目标\t二级目标\t三级目标\t指标目标值"]
    src = parse(table_text(lines=lines))
    assert len(src.tables) == 1
    assert rows_of(src.tables[0]) == expected()
