"""Small performance-goal tables written the way exports write them, for parser tests."""
from __future__ import annotations

from dataclasses import dataclass

HEADER = """财政项目支出绩效目标表\t\t\t
(2021年度)\t\t\t
申报单位名称：示范区社会服务中心\t\t\t
项目名称：\t{title}\t项目类别：\t经常性专项业务费
计划开始日期：\t2021-01-01\t计划完成日期：\t2021-12-31
是否含有政府购买服务：\t是\t绩效类型：\t事业/专业类
项目概况：\t本项目为示范项目。\t\t
立项依据：\t{basis}\t\t
项目实施计划：\t全年实施。\t\t

本项目上年度市级财政资金使用情况\t\t\t
项目总预算（元）：\t1,234,567\t项目当年预算（元）：\t1,000,000
同名项目上年预算额（元）：\t900,000\t同名项目上年预算执行数（元）：\t888,888.5

## 2021年绩效目标

一级目标\t二级目标\t三级目标\t指标目标值
"""


@dataclass
class Ind:
    l1: str
    l2: str
    name: str
    target: str | None


ROWS = [
    Ind("投入与管理", "投入管理", "预算执行率", "=100%"),
    Ind("投入与管理", "投入管理", "资金到位及时性", "及时"),
    Ind("投入与管理", "财务管理", "资金使用规范性", "合规"),
    Ind("产出目标", "数量", "培训场次", "=12场"),
    Ind("产出目标", "数量", "服务人数", "≥500人"),
    Ind("产出目标", "数量", "改造面积", "=300m <sup>2</sup>"),
    Ind("产出目标", "质量", "验收合格率", "≥95%"),
    Ind("产出目标", "时效", "完工及时性", "及时"),
    Ind("效果目标", "社会效益", "有责投诉数", "=0起"),
    Ind("效果目标", "满意度", "服务对象满意度", "≥85%"),
    Ind("影响力目标", "长效管理", "长效管理机制健全性", "健全"),
]


def row_lines(rows: list[Ind]) -> list[str]:
    """Clean tab-separated rows: a label is written on its group's first row only."""
    out, prev1, prev2 = [], None, None
    for r in rows:
        c1 = r.l1 if r.l1 != prev1 else ""
        c2 = r.l2 if (r.l1, r.l2) != (prev1, prev2) else ""
        out.append("\t".join([c1, c2, r.name, r.target or ""]))
        prev1, prev2 = r.l1, r.l2
    return out


def table_text(rows: list[Ind] | None = None, title: str = "示范项目", basis: str = "《示范管理办法》（沪府发〔2019〕3号）",
               lines: list[str] | None = None) -> str:
    body = lines if lines is not None else row_lines(rows or ROWS)
    return HEADER.format(title=title, basis=basis) + "\n".join(body) + "\n"


def body_start(text: str) -> int:
    """1-based line number of the first indicator row in ``table_text`` output."""
    return text.split("\n").index("一级目标\t二级目标\t三级目标\t指标目标值") + 2
