"""Layouts beyond the sample: other separators, one cell per line, glued cells, other
columns and the national framework's labels. Small tables written for the test."""
from __future__ import annotations

from ingest.pipeline import parse_bytes

NATIONAL = [
    ("产出指标", "数量指标", "服务老人人次", "≥5000人次"),
    ("产出指标", "质量指标", "服务合格率", "≥95%"),
    ("产出指标", "时效指标", "补贴发放及时率", "100%"),
    ("效益指标", "社会效益指标", "老年人生活质量", "明显改善"),
    ("满意度指标", "服务对象满意度指标", "老人满意度", "≥90%"),
]


def one(text: str):
    src = parse_bytes(text.encode("utf-8"), "t.txt")
    assert src.errors == [] and len(src.tables) == 1, src.errors
    return src.tables[0]


def rows(t):
    return [(i.l1, i.l2, i.name, i.target.raw if i.target else None) for i in t.indicators]


def test_cells_separated_by_runs_of_spaces_with_page_chrome():
    text = """XX区财政局
索引号：123-456    发布日期：2021-03-02
2021年度项目支出绩效目标表
项目名称：  社区养老服务补贴    实施单位：  XX区养老服务中心
项目期限：  2021年1月1日至2021年12月31日
年度资金总额：  1,200.5万元
立项依据：  根据《中华人民共和国老年人权益保障法》和《XX市养老服务条例》（沪府发〔2019〕3号）设立。
一级指标    二级指标    三级指标    指标值
产出指标    数量指标    服务老人人次    ≥5000人次
            质量指标    服务合格率    ≥95%
            时效指标    补贴发放及时率    100%
效益指标    社会效益指标    老年人生活质量    明显改善
满意度指标    服务对象满意度指标    老人满意度    ≥90%
打印 关闭
"""
    t = one(text)
    assert rows(t) == NATIONAL
    assert (t.title, t.unit, t.year, t.start, t.end) == ("社区养老服务补贴", "XX区养老服务中心", 2021, "2021-01-01", "2021-12-31")
    assert t.budget.current_year == 12005000
    assert [r.doc_number for r in t.legal_bases] == [None, "沪府发〔2019〕3号"]
    nums = [i.target for i in t.indicators]
    assert (nums[2].op, nums[2].value, nums[2].unit) == (None, 100, "%")  # no operator written: none invented


def test_pipe_table_with_operator_unit_and_weight_columns():
    text = """# 2022年项目支出绩效目标表
| 项目名称： | 城乡学生资助 | 申报单位： | XX县教育局 |
| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 |
|---|---|---|---|---|---|---|
| 产出指标 | 数量指标 | 资助学生人数 | ≥ | 1200 | 人 | 20 |
|  |  | 发放资助金额 | ≥ | 300 | 万元 | 10 |
|  | 质量指标 | 资助对象准确率 | = | 100 | % | 20 |
|  |  | 资助政策知晓度 | 定性 | 高 |  | 10 |
| 满意度指标 | 服务对象满意度指标 | 学生满意度 | ≥ | 90 | % | 10 |
"""
    t = one(text)
    got = [(i.l1, i.l2, i.name, i.target.op, i.target.value, i.target.unit, i.target.qualitative, i.extra.get("权重"))
           for i in t.indicators]
    assert got == [
        ("产出指标", "数量指标", "资助学生人数", "≥", 1200, "人", None, "20"),
        ("产出指标", "数量指标", "发放资助金额", "≥", 300, "万元", None, "10"),
        ("产出指标", "质量指标", "资助对象准确率", "=", 100, "%", None, "20"),
        ("产出指标", "质量指标", "资助政策知晓度", None, None, None, "高", "10"),
        ("满意度指标", "服务对象满意度指标", "学生满意度", "≥", 90, "%", None, "10"),
    ]
    assert (t.title, t.unit, t.year) == ("城乡学生资助", "XX县教育局", 2022)


def test_one_cell_per_line():
    text = "部门项目支出绩效目标申报表\n项目名称：村级公益事业建设\n申报单位：XX镇人民政府\n"
    text += "一级指标\n二级指标\n三级指标\n指标值\n"
    text += "\n".join(["产出指标", "数量指标", "修建道路里程", "≥12公里", "新建路灯数", "=80盏", "质量指标",
                       "工程验收合格率", "100%", "", "效益指标", "社会效益指标", "群众出行便利度", "明显提升",
                       "满意度指标", "服务对象满意度指标", "村民满意度", "≥90%"]) + "\n"
    t = one(text)
    assert rows(t) == [
        ("产出指标", "数量指标", "修建道路里程", "≥12公里"),
        ("产出指标", "数量指标", "新建路灯数", "=80盏"),
        ("产出指标", "质量指标", "工程验收合格率", "100%"),
        ("效益指标", "社会效益指标", "群众出行便利度", "明显提升"),
        ("满意度指标", "服务对象满意度指标", "村民满意度", "≥90%"),
    ]
    lines = text.split("\n")
    assert all(lines[i.line - 1] == i.name for i in t.indicators)


def test_cells_glued_together_with_no_separator():
    text = """项目支出绩效目标表
项目名称：农村饮水安全巩固提升
申报单位：XX县水利局
一级指标二级指标三级指标指标值
产出指标数量指标新建供水工程数量5处
质量指标工程验收合格率100%
时效指标工程完工及时率≥95%
效益指标社会效益指标受益人口8000人
满意度指标服务对象满意度指标受益群众满意度≥90%
"""
    assert rows(one(text)) == [
        ("产出指标", "数量指标", "新建供水工程数量", "5处"),
        ("产出指标", "质量指标", "工程验收合格率", "100%"),
        ("产出指标", "时效指标", "工程完工及时率", "≥95%"),
        ("效益指标", "社会效益指标", "受益人口", "8000人"),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%"),
    ]


def test_two_value_columns_required_marks_and_template_placeholders():
    text = ("项目支出绩效目标表（2023年度）\n项目名称：\t图书馆免费开放\n申报单位：\tXX市图书馆\n"
            "一级指标\t二级指标\t三级指标\t上年实际值\t本年目标值\t备注\n"
            "产出指标（必填）\t数量指标\t举办讲座场次\t40场\t≥45场\t\n"
            "\t\t图书借阅人次\t12万人次\t≥13万人次\t\n"
            "\t\t指标1：\t\t\t\n"
            "\t质量指标\t……\t\t\t\n"
            "\t时效指标\t全年开放天数\t300天\t≥300天\t\n"
            "\t成本指标\t\t\t\t\n"
            "效益指标（选填）\t社会效益指标\t读者覆盖面\t提高\t较上年提高\t\n"
            "满意度指标\t服务对象满意度指标\t读者满意度\t88%\t≥90%\t\n")
    t = one(text)
    assert rows(t) == [
        ("产出指标（必填）", "数量指标", "举办讲座场次", "≥45场"),
        ("产出指标（必填）", "数量指标", "图书借阅人次", "≥13万人次"),
        ("产出指标（必填）", "时效指标", "全年开放天数", "≥300天"),
        ("效益指标（选填）", "社会效益指标", "读者覆盖面", "较上年提高"),
        ("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%"),
    ]
    assert t.indicators[0].extra["上年实际值"] == "40场"
    skipped = [w for w in t.warnings if w.code in ("placeholder", "label-only-row")]
    assert {w.line for w in skipped} >= {7, 8, 10}
    assert t.year == 2023


def test_several_projects_under_one_heading():
    block = "项目名称：\t{t}\n申报单位：\t某局\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t{n}\t=1个\n"
    text = "2024年项目支出绩效目标表\n" + block.format(t="甲", n="甲数量") + "\n" + block.format(t="乙", n="乙数量")
    src = parse_bytes(text.encode(), "t.txt")
    assert [(t.title, [i.name for i in t.indicators]) for t in src.tables] == [("甲", ["甲数量"]), ("乙", ["乙数量"])]


def test_operators_in_many_forms():
    body = "\n".join(f"产出指标\t数量指标\t服务事项{k}\t{v}" for k, v in
                     enumerate(["≧90%", "≦3天", "＝15名", "═2套", ">=85%", "<=5%", "＞1", "＜2"]))
    t = one("项目支出绩效目标表\n项目名称：\t测试\n一级指标\t二级指标\t三级指标\t指标值\n" + body + "\n")
    assert [i.target.op for i in t.indicators] == ["≥", "≤", "=", "=", "≥", "≤", ">", "<"]


def test_header_keys_without_colons_from_word_tables():
    text = ("项目支出绩效目标表\n项目名称\t乡村道路养护\t\t\n主管部门\t某县交通局\t实施单位\t某县公路站\n"
            "项目期\t1年\t年度资金总额（万元）\t35.5\n立项依据\t《中华人民共和国公路法》\n"
            "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t≥100公里\n")
    t = one(text)
    assert (t.title, t.unit, t.budget.current_year) == ("乡村道路养护", "某县公路站", 355000)
    assert [r.title for r in t.legal_bases] == ["中华人民共和国公路法"]


def test_labels_centred_in_merged_cells_as_pdf_exports_write_them():
    # every label sits on the middle row of its group; the first row has none
    text = ("项目支出绩效目标表\n项目名称：\t测试\n一级指标\t二级指标\t三级指标\t指标值\n"
            "\t\t新建道路里程\t=3公里\n\t数量指标\t新增路灯数\t=80盏\n产出指标\t\t维修桥梁数\t=2座\n"
            "\t质量指标\t验收合格率\t=100%\n\t\t工程完工及时率\t=100%\n\t时效指标\t资金支付及时性\t及时\n"
            "效益指标\t社会效益指标\t受益人口\t≥8000人\n")
    t = one(text)
    assert [(i.l1, i.l2) for i in t.indicators] == [
        ("产出指标", "数量指标"), ("产出指标", "数量指标"), ("产出指标", "数量指标"), ("产出指标", "质量指标"),
        ("产出指标", "时效指标"), ("产出指标", "时效指标"), ("效益指标", "社会效益指标")]
    assert any(w.code == "label-below" for w in t.warnings)


def test_national_template_with_leading_column_and_amounts_in_wan():
    text = ("2021年度项目支出绩效目标表\n填报单位：XX市民政局    金额单位：万元\n项目名称\tXX专项\t\t\t\n"
            "主管部门\tXX市民政局\t项目实施单位\tXX市救助管理站\t\n年度资金总额\t100.5\t\t\t\n"
            "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n绩效指标\t产出指标\t数量指标\t救助人次\t≥500人次\n"
            "\t\t\t培训天数\t≥3天\n\t效益指标\t社会效益指标\t救助覆盖率\t≥90%\n")
    t = one(text)
    assert (t.unit, t.budget.current_year, t.year) == ("XX市救助管理站", 1005000, 2021)
    assert rows(t) == [("产出指标", "数量指标", "救助人次", "≥500人次"), ("产出指标", "数量指标", "培训天数", "≥3天"),
                       ("效益指标", "社会效益指标", "救助覆盖率", "≥90%")]


def test_long_names_wrapped_onto_their_own_line_in_space_aligned_exports():
    text = ("项目支出绩效目标表\n项目名称：  测试项目\n一级指标      二级指标      三级指标      指标值\n"
            "产出指标      数量指标      高层次人才综合服务平台系统    =1名\n"
            "                            工程师数量\n"
            "                            培训场次      =12场\n")
    t = one(text)
    assert rows(t) == [("产出指标", "数量指标", "高层次人才综合服务平台系统工程师数量", "=1名"),
                       ("产出指标", "数量指标", "培训场次", "=12场")]
    assert [w.code for w in t.warnings] == ["wrapped-cell"]
