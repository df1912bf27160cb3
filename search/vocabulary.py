"""The framework's vocabulary: words people type (English, everyday Chinese) → the terms
performance-goal tables use for them (财政部 绩效目标 指标体系: 数量/质量/时效/成本, 效益, 满意度).

``expand_query`` turns a query into those terms for a second lexical list (search.ranking): an
English or colloquial query then meets the Chinese wording character by character, which BM25
alone cannot do (budget execution rate shares no character with 预算执行率).
"""
from __future__ import annotations

import re

from search.text import normalise

# Concepts only: class words every table uses (数量, 率, 面积, 人数) would pull every count or
# rate to the top of any query that mentions one (measured: number of retirees → 电梯维保数量).
# Each entry: the words that trigger it (lower case; English words match whole, Chinese as
# substrings) → the indicator terms it stands for.
SYNONYMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("satisfaction", "satisfied", "满意", "好不好", "评价", "口碑", "认可"), "满意度 满意程度"),
    (("beneficiar", "受益", "老百姓", "群众", "居民", "市民", "公众", "residents", "public"), "受益 群众 服务对象"),
    (("timely", "timeliness", "on time", "按时", "准时", "及时", "拖延", "按期"), "及时率 及时性 按期"),
    (("disburs", "allocat", "拨", "funds", "fund", "资金", "钱", "money"), "资金 拨付 到位 下达"),
    (("budget", "预算"), "预算"),
    (("execution", "spent", "spending", "执行", "花掉"), "执行率"),
    (("acceptance", "inspection", "检查过关", "过关", "验收"), "验收 合格率 通过率"),
    (("pass rate", "qualified", "合格", "及格"), "合格率 通过率 考核"),
    (("quality", "质量"), "质量 合格率"),
    (("cost", "花钱", "超支", "超出", "省钱", "开支", "expense"), "成本 控制"),
    (("vaccin", "immuni", "打针", "预防针", "疫苗"), "疫苗 接种率 免疫"),
    (("child", "children", "kid", "小孩", "孩子", "娃", "儿童"), "儿童"),
    (("infant", "toddler", "childcare", "nursery", "托儿", "托育", "幼儿"), "婴幼儿 托位 照护"),
    (("seedling", "tree", "树", "苗", "造林", "afforest"), "苗木 造林 森林"),
    (("surviv", "活下来", "成活", "存活"), "成活率"),
    (("training", "train", "course", "培训", "学员", "上课"), "培训"),
    (("session", "场次", "几场", "events"), "场次"),
    (("lesson", "class", "课"), "课程 课时 授课"),
    (("maintenance", "maintain", "repair", "维修", "修理", "检修", "保养", "维护"), "维保 维修 保养"),
    (("elevator", "lift", "升降机", "电梯"), "电梯"),
    (("air condition", "冷气", "空调"), "空调"),
    (("food safety", "食品", "食安"), "食品安全 食安委"),
    (("irrigat", "浇水", "灌溉", "浇地"), "灌溉"),
    (("farmland", "farm", "庄稼", "农田", "耕地"), "农田 灌溉 面积"),
    (("drainage", "排水"), "排水"),
    (("drinking water", "water", "喝水", "饮水", "干净水", "供水"), "饮水 供水"),
    (("poor", "poverty", "穷", "贫困", "脱贫"), "脱贫 贫困"),
    (("complain", "投诉", "告状"), "投诉"),
    (("talent", "人才", "expert", "专家"), "人才 专家"),
    (("loss", "turnover", "走掉", "流失", "离开", "留不住"), "流失"),
    (("road", "路"), "道路 里程 作业道"),
    (("length", "多长", "里程"), "里程 长度 公里"),
    (("grain", "yield", "粮食", "稻谷", "产量"), "粮食 增"),
    (("awareness", "know", "知晓", "知道", "了解"), "知晓率 普及率"),
    (("policy", "政策"), "政策"),
    (("dust", "扬尘", "降尘", "sprinkler", "洒水车"), "降尘 抑尘 雾炮车"),
    (("vehicle", "车"), "车辆"),
    (("nutrition", "meal", "lunch", "吃饭", "营养", "午餐"), "营养改善"),
    (("student", "pupil", "学生", "中小学"), "学生"),
    (("coverage", "惠及面", "覆盖"), "覆盖率"),
    (("subsid", "allowance", "补贴", "补助"), "补助 发放"),
    (("case", "案子", "案件"), "案件"),
    (("juror", "陪审"), "陪审员"),
    (("patient", "病人", "患者"), "病人 康复者 休养员"),
    (("visit", "看望", "慰问", "过年", "春节"), "慰问 春节"),
    (("safety", "accident", "安全", "事故"), "安全 事故 事件"),
    (("ecolog", "environment", "生态", "环境"), "生态 环境"),
    (("collective economy", "village economy", "集体经济"), "集体经济"),
    (("income", "收入", "就业"), "收入 就业"),
)

_LATIN = re.compile(r"[a-z]")


def expand_query(query: str) -> str:
    """The indicator terms of every vocabulary entry the query triggers ("" when none)."""
    text = normalise(query).lower()
    terms: list[str] = []
    for triggers, expansion in SYNONYMS:
        if any(_hit(t, text) for t in triggers) and expansion not in terms:
            terms.append(expansion)
    return " ".join(terms)


def _hit(trigger: str, text: str) -> bool:
    if _LATIN.search(trigger):  # English: at the start of a word (satisf… matches satisfaction)
        return re.search(rf"\b{re.escape(trigger)}", text) is not None
    return trigger in text
