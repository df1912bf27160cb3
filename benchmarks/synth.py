"""Deterministic generator of realistic performance-goal tables (财政项目支出绩效目标表).

Writes tab-separated text in the same exported form as ``data/samples/`` (heading,
header fields, budget lines, indicator table), with the export defects real files
have injected at ``--defect-rate``, and beside the files ``truth.json``: the record a
careful reader takes from them, in exactly the ``jixiao parse`` JSON shape
(shared spec ``parse-output.md``).  ``manifest.json`` lists the parameters and every
injected defect by file and line, so a benchmark can report accuracy per defect kind.

    python benchmarks/synth.py --tables 1000 --seed 1 --out /tmp/corpus-1k
    python benchmarks/synth.py --tables 10000 --seed 1 --out /tmp/c10k --defect-rate 0.2

Only defects a careful reader can undo are generated, and only where the table itself
holds the evidence (category vocabulary, the shape of target values, the layout of
groups); a parser is expected to reach 100% row accuracy at every rate.

Determinism: the unit and document pools come from ``Random(seed)``, each file from
``Random(f"{seed}/{file_index}")``, so a corpus of N tables is a prefix of a corpus of
more tables with the same seed and ``--tables-per-file``.  No set or dict-order
randomness is used anywhere (string hashing is salted per process).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ---------------------------------------------------------------------------------------
# Vocabulary.  Wording follows the real tables (data/samples) and the published national
# (财预〔2020〕10号) and Shanghai frameworks; names are varied around it further below.
# ---------------------------------------------------------------------------------------

# Each indicator template: (name, target kind).  Target kinds are decoded by _target().
Tmpl = tuple[str, str]

SH_INPUT: dict[str, list[Tmpl]] = {
    "投入管理": [("预算执行率", "pct100|pct_ge_hi"), ("预算资金到位率", "pct100"), ("资金到位及时性", "q:及时"),
              ("预算编制准确性", "q:准确")],
    "财务管理": [("资金使用规范性", "q:合规"), ("财务管理制度健全性", "q:健全"), ("财务制度执行有效性", "q:有效"),
              ("财务监控有效性", "q:有效"), ("会计核算规范性", "q:规范")],
    "实施管理": [("项目管理制度健全性", "q:健全"), ("合同管理完备性", "q:完备"), ("项目管理制度执行有效性", "q:有效"),
              ("采购流程合规性", "q:合规"), ("供应商资质完备性", "q:完备"), ("工程签证合规性", "q:合规"),
              ("监理工作规范性", "q:规范"), ("验收工作规范性", "q:规范"), ("风险应对机制健全性", "q:健全"),
              ("资格审核规范性", "q:规范"), ("设备巡检情况", "q:完善"), ("档案资料完整性", "q:完整")],
    "资产管理": [("固定资产管理情况", "q:规范"), ("无形资产管理情况", "q:规范"), ("资产验收规范性", "q:规范"),
              ("资产登记及时性", "q:及时")],
}
SH_IMPACT: dict[str, list[Tmpl]] = {
    "长效管理": [("长效管理机制健全性", "q:健全"), ("运维管理制度建设情况", "q:健全"), ("应急响应机制健全性", "q:健全")],
    "人力资源": [("人员到位率", "pct100"), ("专业技术人员配备率", "pct_ge_lo")],
    "配套设施": [("配套设施完备性", "q:完备"), ("配套设施运行情况", "q:正常")],
    "信息共享": [("信息共享情况", "q:共享"), ("信息公开情况", "q:公开")],
    "其它": [("档案管理机制健全性", "q:健全"), ("政策知晓率", "pct_ge_lo")],
}
NAT_SUSTAIN: list[Tmpl] = [("长效管理机制健全性", "q:健全"), ("项目持续发挥作用年限", "years"),
                           ("设施设备使用年限", "years"), ("运行维护机制完善情况", "q:完善")]
COST: list[Tmpl] = [("项目预算控制率", "pct_le100"), ("单位服务成本", "unitcost"), ("项目总成本", "wan"),
                    ("成本节约率", "pct_ge_small")]
NAT_COST_L1: dict[str, list[Tmpl]] = {
    "经济成本指标": [("项目总成本", "wan"), ("单位服务成本", "unitcost"), ("设备购置成本", "wan")],
    "社会成本指标": [("对周边居民生活影响", "q:无明显影响"), ("社会负面舆情发生数", "zero")],
    "生态环境成本指标": [("施工扬尘超标次数", "zero"), ("新增碳排放量", "zero_t")],
}
GENERIC_SOCIAL: list[Tmpl] = [("有责投诉数", "zero"), ("安全责任事故发生数", "zero"), ("服务对象覆盖率", "pct_ge_hi"),
                              ("群众投诉数量", "q:较去年减少"), ("服务质量提升情况", "q:逐步提高")]
GENERIC_QUALITY: list[Tmpl] = [("验收通过率", "pct100"), ("服务标准达标性", "q:达标"), ("工作完成率", "pct100")]
GENERIC_TIME: list[Tmpl] = [("工作开展及时性", "q:及时"), ("资金支付及时性", "q:及时"), ("任务完成及时率", "pct100")]


@dataclass
class Domain:
    key: str
    agencies: list[str]  # unit kinds, appended to a city/district name
    projects: list[str]
    quantity: list[Tmpl]
    quality: list[Tmpl]
    timely: list[Tmpl]
    social: list[Tmpl]
    economic: list[Tmpl]
    ecologic: list[Tmpl]
    satisfied: list[str]  # who is satisfied
    overview: list[str]  # phrases for 项目概况 / 必要性 / 实施计划
    perf_types: list[str] = field(default_factory=lambda: ["事业/专业类"])


DOMAINS: list[Domain] = [
    Domain(
        "人才", ["人才服务中心", "人力资源和社会保障局", "就业促进中心", "职业技能鉴定中心"],
        ["高峰人才及其团队服务专项", "人才公寓管理维护专项", "公共服务专项经费", "人才引进服务专项",
         "职业技能培训补贴", "高校毕业生就业见习补贴", "海外人才招聘专项", "人才大厦管理维护专项"],
        [("专窗服务高峰人才及团队人数", "n:名:5-40"), ("人才培训场次", "n:场:2-30"), ("招聘会举办场次", "n:场:2-20"),
         ("人才公寓维修保养数量", "n:套:10-120"), ("见习岗位数量", "n:个:50-800"), ("职业技能培训人次", "ge:人次:500-20000"),
         ("档案归档数量", "n:箱:500-6000"), ("家具家电购置数量", "n:套:5-40"), ("委外物业安保管理服务完成天数", "n:天:365-365")],
        [("培训考核合格率", "pct_ge_hi"), ("窗口服务标准达标性", "q:达标"), ("档案归档准确性", "q:准确"),
         ("培训内容完整性", "q:完整"), ("系统运维验收通过率", "pct100")],
        [("培训活动开展及时性", "q:及时"), ("招聘活动开展及时性", "q:及时"), ("补贴发放及时性", "q:及时")],
        [("人才引进人数增加情况", "q:较去年增加"), ("窗口业务事项办结率", "pct_ge_hi"), ("高校毕业生就业率", "pct_ge_hi"),
         ("高峰人才流失人数", "zero_p")],
        [("带动就业人数", "ge:人:100-5000")], [],
        ["高峰人才及团队", "办事人员", "参训人员", "用人单位", "入住专家"],
        ["为高层次人才提供全方位服务保障", "完善人才公共服务体系", "推进人才发展平台稳定运行", "吸引海内外人才来沪工作"],
    ),
    Domain(
        "教育", ["教育局", "第一中学", "实验小学", "第二幼儿园", "职业技术学院", "教育技术装备中心", "青少年活动中心"],
        ["校舍维修改造工程", "教育信息化建设", "教师培训专项", "学生资助经费", "课后服务专项经费",
         "实验室设备购置", "校园安全技防建设", "学前教育保障经费"],
        [("维修改造校舍面积", "area:500-20000"), ("购置教学设备数量", "n:台:20-500"), ("教师培训人次", "ge:人次:100-5000"),
         ("资助学生人数", "n:人:50-3000"), ("新增多媒体教室数量", "n:间:5-60"), ("图书采购数量", "n:册:1000-30000"),
         ("课后服务覆盖学校数", "n:所:5-80")],
        [("设备验收合格率", "pct100"), ("工程质量合格率", "pct100"), ("资助对象识别准确率", "pct100"),
         ("教师培训考核合格率", "pct_ge_hi")],
        [("资助资金发放及时率", "pct100"), ("工程完工及时性", "q:及时"), ("设备采购及时性", "q:及时")],
        [("学生体质健康达标率", "pct_ge_hi"), ("教学条件改善情况", "q:明显改善"), ("校园安全事故发生数", "zero"),
         ("家庭经济困难学生资助覆盖率", "pct100")],
        [], [("校园绿化覆盖率", "pct_ge_lo")],
        ["学生", "家长", "教师", "参训教师"],
        ["改善办学条件", "促进教育公平", "提升教育教学质量", "保障学生健康成长"],
        ["事业/专业类", "工程建设类", "设备购置类"],
    ),
    Domain(
        "卫生", ["卫生健康委员会", "第三人民医院", "中医医院", "疾病预防控制中心", "社区卫生服务中心", "妇幼保健院"],
        ["基本公共卫生服务项目", "医疗设备购置", "重大传染病防控经费", "家庭医生签约服务", "院区改造工程",
         "健康教育宣传", "急救站点建设"],
        [("购置医疗设备数量", "n:台:3-120"), ("健康体检人数", "ge:人:1000-50000"), ("疫苗接种人次", "ge:人次:5000-200000"),
         ("家庭医生签约人数", "ge:人:2000-80000"), ("健康教育讲座场次", "n:场:10-200"), ("发放宣传资料数量", "n:份:2000-100000")],
        [("设备验收合格率", "pct100"), ("适龄儿童疫苗接种率", "pct_ge_hi"), ("65岁以上老年人健康管理率", "pct_ge_lo"),
         ("电子健康档案建档率", "pct_ge_hi")],
        [("传染病报告及时率", "pct100"), ("设备到位及时性", "q:及时"), ("突发公共卫生事件响应时间", "le:小时:1-4")],
        [("居民健康素养水平", "pct_ge_small"), ("甲乙类传染病发病率", "q:较去年下降"), ("医疗纠纷发生数", "zero")],
        [], [("医疗废物规范处置率", "pct100")],
        ["患者", "签约居民", "服务对象", "就诊群众"],
        ["提升基层医疗卫生服务能力", "保障人民群众身体健康", "做好重大传染病防控", "推进健康城市建设"],
        ["事业/专业类", "设备购置类"],
    ),
    Domain(
        "民政", ["民政局", "养老服务中心", "社会福利院", "救助管理站", "残疾人联合会"],
        ["社区养老服务补贴", "长者照护之家运营", "困难群众救助资金", "养老机构改造", "残疾人康复服务"],
        [("服务老年人数", "ge:人:200-20000"), ("助餐服务人次", "ge:人次:1000-100000"), ("新增养老床位数", "n:张:20-600"),
         ("救助对象人数", "n:人:50-5000"), ("康复服务人次", "ge:人次:100-8000")],
        [("养老服务质量达标率", "pct_ge_hi"), ("救助对象认定准确率", "pct100"), ("护理员持证上岗率", "pct_ge_hi")],
        [("救助资金发放及时率", "pct100"), ("服务响应时间", "le:分钟:15-60")],
        [("老年人生活质量改善情况", "q:明显改善"), ("安全责任事故发生数", "zero"), ("应保尽保率", "pct100")],
        [], [],
        ["服务对象", "老年人", "受助群众", "残疾人及家属"],
        ["完善社会养老服务体系", "保障困难群众基本生活", "提升为老服务水平"],
    ),
    Domain(
        "市容", ["绿化和市容管理局", "城市管理行政执法局", "环境卫生管理所", "公园管理中心"],
        ["道路保洁作业经费", "公园绿地养护", "生活垃圾分类推进", "景观灯光维护", "公共厕所运营管理"],
        [("道路保洁面积", "area:100000-3000000"), ("绿地养护面积", "area:50000-2000000"), ("生活垃圾清运量", "ge:吨:1000-200000"),
         ("景观灯维护数量", "n:盏:200-20000"), ("公厕保洁数量", "n:座:10-400")],
        [("道路保洁质量达标率", "pct_ge_hi"), ("绿地养护质量合格率", "pct_ge_hi"), ("垃圾分类达标率", "pct_ge_lo")],
        [("垃圾日产日清率", "pct100"), ("设施故障修复时间", "le:小时:2-48")],
        [("市容环境改善情况", "q:明显改善"), ("市民投诉数量", "q:较去年减少")],
        [], [("生活垃圾回收利用率", "pct_ge_small"), ("绿化覆盖率", "pct_ge_lo")],
        ["市民", "居民", "游客"],
        ["改善城市市容环境面貌", "推进生活垃圾分类", "提升城市精细化管理水平"],
        ["事业/专业类", "政府购买服务类"],
    ),
    Domain(
        "交通", ["交通委员会", "公路管理处", "道路运输管理局", "港航事业发展中心"],
        ["公路养护工程", "公交运营补贴", "交通设施维护", "智慧交通系统建设", "航道疏浚工程"],
        [("公路养护里程", "n:公里:20-800"), ("交通标志标线维护数量", "n:处:100-5000"), ("新增公交线路", "n:条:1-20"),
         ("信号灯维护数量", "n:套:50-2000"), ("航道疏浚长度", "n:公里:2-60")],
        [("公路优良路率", "pct_ge_hi"), ("工程验收合格率", "pct100"), ("设施完好率", "pct_ge_hi")],
        [("工程完工及时性", "q:及时"), ("故障处置及时率", "pct_ge_hi")],
        [("道路交通事故发生数", "q:较去年减少"), ("公交出行分担率", "pct_ge_small")],
        [("物流运输成本降低情况", "q:逐步降低")], [],
        ["公众出行", "乘客", "沿线居民"],
        ["保障道路安全畅通", "提升公共交通服务水平", "推进交通基础设施建设"],
        ["工程建设类", "事业/专业类"],
    ),
    Domain(
        "文化", ["文化和旅游局", "图书馆", "博物馆", "文化馆", "体育局", "体育中心", "群众艺术馆"],
        ["公共文化服务专项", "文物保护修缮", "全民健身设施建设", "图书文献采购", "群众文化活动举办", "非遗保护传承"],
        [("举办文化活动场次", "n:场:10-300"), ("图书文献采购数量", "n:册:5000-100000"), ("文物修缮数量", "n:处:1-20"),
         ("健身设施新增数量", "n:处:5-200"), ("接待读者人次", "ge:万人次:1-200")],
        [("文物修缮验收合格率", "pct100"), ("活动方案完成率", "pct100"), ("藏品完好率", "pct100")],
        [("活动开展及时性", "q:及时"), ("采购完成及时性", "q:及时")],
        [("群众文化参与度", "q:逐步提高"), ("公共文化服务覆盖率", "pct100")],
        [("带动旅游收入增长", "q:较去年增长")], [],
        ["观众", "读者", "参与群众", "健身群众"],
        ["丰富群众精神文化生活", "保护和传承优秀传统文化", "推进全民健身"],
    ),
    Domain(
        "农水", ["农业农村委员会", "水务局", "农业技术推广中心", "河道管理所", "水文站"],
        ["农田水利设施维护", "河道整治工程", "农业技术推广", "防汛物资储备", "高标准农田建设"],
        [("河道整治长度", "n:公里:1-60"), ("农业技术培训人次", "ge:人次:100-5000"), ("高标准农田建设面积", "n:亩:500-30000"),
         ("防汛物资储备数量", "n:批:1-10"), ("泵站维护数量", "n:座:2-60")],
        [("工程验收合格率", "pct100"), ("河道水质达标率", "pct_ge_lo")],
        [("防汛物资到位及时性", "q:及时"), ("工程完工及时性", "q:及时")],
        [("农民增收情况", "q:较去年增长"), ("防汛安全事故发生数", "zero")],
        [("农业产值增长率", "pct_ge_small")], [("河道水质改善情况", "q:明显改善"), ("化肥使用量", "q:较去年减少")],
        ["农户", "沿河居民", "受益群众"],
        ["保障农业生产安全", "改善农村水环境", "推进乡村振兴"],
        ["工程建设类", "事业/专业类"],
    ),
    Domain(
        "信息", ["大数据中心", "信息中心", "政务服务中心", "电子政务办公室"],
        ["政务云平台运维", "网络安全等级保护", "一网通办系统建设", "数据共享交换平台", "视频监控系统运维"],
        [("系统运维数量", "n:套:1-20"), ("服务器维护数量", "n:台:10-500"), ("新增数据接口数量", "n:个:10-300"),
         ("安全检测次数", "n:次:2-24")],
        [("系统可用率", "pct_dec"), ("中心信息网络安全等级保护标准", "q:三级"), ("系统运维验收通过率", "pct100")],
        [("故障响应时间", "le:小时:1-4"), ("系统上线及时性", "q:及时")],
        [("网上办事比例", "pct_ge_hi"), ("数据共享情况", "q:共享"), ("信息化系统故障发生数", "q:较去年减少")],
        [], [],
        ["用户", "办事群众", "使用部门"],
        ["提升政务服务信息化水平", "保障网络与信息安全", "推进数据共享"],
        ["信息化建设类", "事业/专业类"],
    ),
    Domain(
        "应急", ["应急管理局", "消防救援支队", "公安分局", "司法局", "法律援助中心"],
        ["消防设施维护", "应急物资储备", "法律援助经费", "安全生产检查", "人民调解工作经费"],
        [("安全检查企业数", "n:家:50-3000"), ("法律援助案件数", "ge:件:50-3000"), ("应急演练次数", "n:次:2-30"),
         ("消防设施维保数量", "n:套:5-200")],
        [("隐患整改率", "pct100"), ("法律援助案件质量合格率", "pct_ge_hi")],
        [("应急响应时间", "le:分钟:5-30"), ("案件办理及时率", "pct_ge_hi")],
        [("安全生产事故发生数", "q:较去年减少"), ("群众安全感", "pct_ge_hi"), ("施工安全事故发生数", "zero")],
        [], [],
        ["受援人", "企业", "群众"],
        ["维护社会和谐稳定", "防范化解重大安全风险", "保障人民群众生命财产安全"],
    ),
    Domain(
        "社区", ["街道办事处", "镇人民政府", "社区服务中心", "社区事务受理服务中心"],
        ["社区治理专项经费", "城市网格化管理", "社区文化活动", "老旧小区改造", "睦邻中心运营"],
        [("改造老旧小区数量", "n:个:1-30"), ("网格化巡查次数", "n:次:100-5000"), ("社区活动场次", "n:场:10-300"),
         ("服务居民人次", "ge:人次:1000-50000")],
        [("案件结案率", "pct_ge_hi"), ("改造工程验收合格率", "pct100")],
        [("问题处置及时率", "pct_ge_hi"), ("工程完工及时性", "q:及时")],
        [("居民生活环境改善情况", "q:明显改善"), ("矛盾纠纷化解率", "pct_ge_hi")],
        [], [],
        ["居民", "辖区群众", "社区居民"],
        ["提升基层社会治理水平", "改善居民居住条件", "丰富社区居民文化生活"],
        ["事业/专业类", "工程建设类", "政府购买服务类"],
    ),
    Domain(
        "市监", ["市场监督管理局", "科学技术委员会", "知识产权局", "质量技术监督检测中心"],
        ["食品安全抽检", "科技创新券补贴", "企业研发补贴", "计量器具强制检定"],
        [("食品抽检批次", "n:批次:500-20000"), ("支持企业数量", "n:家:10-500"), ("计量器具检定数量", "ge:台件:1000-50000")],
        [("抽检完成率", "pct100"), ("项目验收通过率", "pct_ge_hi")],
        [("补贴发放及时性", "q:及时"), ("检验报告出具时间", "le:个工作日:3-15")],
        [("食品安全事件发生数", "zero")],
        [("带动企业研发投入", "ge:万元:1000-50000")], [],
        ["企业", "消费者"],
        ["保障食品安全", "激发企业创新活力", "优化营商环境"],
    ),
]

PROVINCES: list[tuple[str, list[str]]] = [
    ("上海市", ["浦东新区", "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区",
             "嘉定区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区"]),
    ("北京市", ["朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区"]),
    ("广州市", ["天河区", "越秀区", "海珠区", "番禺区"]),
    ("深圳市", ["南山区", "福田区", "罗湖区", "宝安区"]),
    ("杭州市", ["西湖区", "上城区", "拱墅区", "滨江区"]),
    ("南京市", ["鼓楼区", "玄武区", "秦淮区", "江宁区"]),
    ("成都市", ["锦江区", "武侯区", "青羊区", "成华区"]),
    ("武汉市", ["江岸区", "武昌区", "洪山区"]),
    ("青岛市", ["市南区", "崂山区", "黄岛区"]),
    ("郑州市", ["金水区", "二七区", "中原区"]),
    ("西安市", ["雁塔区", "碑林区", "未央区"]),
    ("昆明市", ["五华区", "盘龙区", "官渡区"]),
    ("厦门市", ["思明区", "湖里区", "集美区"]),
]
STREETS = ["宁海路", "南京东路", "外滩", "天平路", "湖南路", "江宁路", "曹家渡", "四川北路", "五角场", "虹桥",
           "莘庄", "新江湾城", "张江", "花木", "三林", "北蔡", "长寿路", "石门二路", "新华路", "枫林路"]

PROJECT_CATEGORIES = ["经常性专项业务费", "经常性专项业务费", "经常性专项业务费", "一次性项目", "跨年度支出项目",
                      "专项业务费", "基本建设类项目"]

QUAL_WORDS_NEUTRAL = ["及时", "合规", "健全", "有效", "完备", "规范", "完善", "准确", "达标", "稳定", "共享", "完整"]

# Laws and plans cited without a number, national and local.
LAWS = ["中华人民共和国预算法", "中华人民共和国预算法实施条例", "中华人民共和国政府采购法", "中华人民共和国消防法",
        "中华人民共和国特种设备安全法", "中华人民共和国教育法", "中华人民共和国传染病防治法", "中华人民共和国就业促进法",
        "中华人民共和国老年人权益保障法", "中华人民共和国公路法", "中华人民共和国水法", "中华人民共和国防洪法",
        "中华人民共和国食品安全法", "中华人民共和国网络安全法", "中华人民共和国文物保护法", "中华人民共和国公共文化服务保障法",
        "中华人民共和国安全生产法", "中华人民共和国法律援助法", "中华人民共和国突发事件应对法", "中华人民共和国基本医疗卫生与健康促进法",
        "上海市燃气管理条例", "上海市建设工程材料管理条例", "上海市生活垃圾管理条例", "上海市养老服务条例",
        "上海市实施〈中华人民共和国突发事件应对法〉办法", "工程施工及验收规范", "建筑物防雷装置检测技术规范",
        "上海实施人才强市战略行动纲要", "上海实施科教兴市战略行动纲要", "国家中长期教育改革和发展规划纲要（2010-2020年）",
        "“健康中国2030”规划纲要", "全民健身计划（2021—2025年）"]

# 机关代字 with the body that issues under it (titles are prefixed with the body now and then).
ISSUERS: list[tuple[str, str, bool]] = [  # (code, body, is Shanghai)
    ("中发", "中共中央 国务院", False), ("国发", "国务院", False), ("国办发", "国务院办公厅", False),
    ("财预", "财政部", False), ("财教", "财政部 教育部", False), ("财社", "财政部", False), ("财农", "财政部", False),
    ("财建", "财政部", False), ("国人部发", "人事部", False), ("人社部发", "人力资源社会保障部", False),
    ("教财", "教育部", False), ("国卫基层发", "国家卫生健康委", False), ("民发", "民政部", False),
    ("交公路发", "交通运输部", False), ("文旅公共发", "文化和旅游部", False), ("农计财发", "农业农村部", False),
    ("水建管", "水利部", False), ("应急", "应急管理部", False), ("国市监食检", "市场监管总局", False),
    ("沪府发", "上海市人民政府", True), ("沪府办发", "上海市人民政府办公厅", True), ("沪委办发", "中共上海市委办公厅", True),
    ("沪财绩", "上海市财政局", True), ("沪财预", "上海市财政局", True), ("沪人社专发", "上海市人力资源和社会保障局", True),
    ("沪人社规", "上海市人力资源和社会保障局", True), ("沪教委财", "上海市教育委员会", True), ("沪卫规划", "上海市卫生健康委员会", True),
    ("沪民养老发", "上海市民政局", True), ("沪发改投", "上海市发展和改革委员会", True), ("沪交科", "上海市交通委员会", True),
    ("沪绿容", "上海市绿化和市容管理局", True), ("沪水务", "上海市水务局", True), ("沪文旅发", "上海市文化和旅游局", True),
    ("沪金融工委", "中共上海市金融工作委员会", True), ("沪人服", "上海市人才服务中心", True), ("沪计投", "上海市计划委员会", True),
    ("沪计教", "上海市计划委员会", True), ("沪人", "上海市人事局", True), ("沪应急", "上海市应急管理局", True),
    ("沪市监食", "上海市市场监督管理局", True), ("沪科规", "上海市科学技术委员会", True),
]
DOC_SUBJECTS = ["预算绩效管理", "项目支出绩效目标管理", "人才发展资金管理", "基本公共卫生服务", "养老服务体系建设",
                "生活垃圾分类", "公路养护管理", "公共文化服务体系建设", "高标准农田建设", "政务信息系统整合共享",
                "安全生产责任制", "法律援助工作", "食品安全抽检监测", "科技创新券", "学生资助", "校舍安全",
                "家庭医生签约服务", "城市网格化管理", "老旧小区综合改造", "全民健身设施建设", "河长制", "防汛防台",
                "就业见习", "职业技能提升", "政府购买服务", "财政资金监督", "专项资金使用管理", "重大传染病防控",
                "一网通办", "数据共享交换", "文物保护利用", "非物质文化遗产保护"]
DOC_FORMS = [("关于进一步加强{s}工作的意见", False), ("关于印发〈{s}管理办法〉的通知", False),
             ("关于加快推进{s}的实施意见", False), ("{s}管理办法", True), ("{s}实施细则", True),
             ("关于做好{y}年度{s}工作的通知", False), ("{s}三年行动计划（{y}—{y2}年）", True),
             ("关于全面实施{s}的意见", False), ("{s}专项资金管理暂行办法", True), ("关于调整{s}补助标准的通知", False)]

# Real citations from the samples (their canonical numbers), so the pool holds them as written.
REAL_DOCS: list[tuple[str, str, int, int]] = [
    ("中共上海市委办公厅 上海市人民政府办公厅印发<加快实施人才高峰工程行动方案>的通知", "沪委办发", 2018, 12),
    ("中共中央、国务院关于进一步加强人才工作的决定", "中发", 2003, 16),
    ("人事部关于印发〈关于加快发展人才市场的意见〉的通知", "国人部发", 2004, 12),
    ("上海市人才发展资金管理暂行办法", "沪人社专发", 2014, 14),
    ("上海金融领域“十三五”人才发展规划", "沪金融工委", 2016, 32),
    ("上海市市级建设财力项目部分专业服务费用支出标准管理规定", "沪发改投", 2016, 70),
    ("上海市人才服务中心2016年度人才公共服务工作要点", "沪人服", 2016, 1),
    ("关于建造专家公寓项目建设书的批复", "沪计教", 1987, 549),
    ("关于外国专家公寓计划任务书的批复", "沪计投", 1988, 149),
    ("关于同意成立松园别墅的批复", "沪人", 1991, 172),
    ("中共中央 国务院关于全面实施预算绩效管理的意见", "中发", 2018, 34),
    ("财政部关于印发〈项目支出绩效评价管理办法〉的通知", "财预", 2020, 10),
    ("关于印发〈中央部门预算绩效目标管理办法〉的通知", "财预", 2015, 88),
]


_PLAN_ENDINGS = ("办法", "规划", "要点", "规定", "细则", "纲要", "年）")


@dataclass
class Doc:
    title: str
    code: str | None = None
    year: int | None = None
    serial: int | None = None
    plan: bool = False  # a plan/办法 title: may be cited as 关于印发《…》

    @property
    def number(self) -> str | None:
        return None if self.code is None else f"{self.code}〔{self.year}〕{self.serial}号"


@dataclass
class Unit:
    name: str
    domain: Domain
    shanghai: bool
    level: str  # 市级 / 区级
    projects: list[str]


def _pools(seed: int) -> tuple[list[Unit], list[Doc]]:
    """Applicants and citable documents, fixed by the seed alone (not by the corpus size)."""
    rng = random.Random(f"{seed}/pools")
    docs = [Doc(t, c, y, s, plan=t.endswith(_PLAN_ENDINGS)) for t, c, y, s in REAL_DOCS]
    seen = {d.number for d in docs}
    while len(docs) < 1500:
        code, body, _sh = rng.choice(ISSUERS)
        year = rng.randint(1986, 2024) if rng.random() < 0.15 else rng.randint(2008, 2024)
        serial = rng.choice([rng.randint(1, 30), rng.randint(1, 120), rng.randint(1, 400)])
        number = f"{code}〔{year}〕{serial}号"
        if number in seen:
            continue
        seen.add(number)
        form, plan = rng.choice(DOC_FORMS)
        title = form.format(s=rng.choice(DOC_SUBJECTS), y=year, y2=year + 2)
        if not plan and rng.random() < 0.3:
            title = body + title  # 上海市财政局关于… as many real titles read
        docs.append(Doc(title, code, year, serial, plan=plan))
    units: list[Unit] = []
    names: set[str] = set()  # membership only; never iterated (str hashing is salted)
    while len(units) < 2500:
        # Half the applicants are Shanghai's (the sample's framework), half elsewhere.
        city, districts = PROVINCES[0] if rng.random() < 0.5 else rng.choice(PROVINCES[1:])
        domain = rng.choice(DOMAINS)
        agency = rng.choice(domain.agencies)
        level = "市级"
        if agency in ("街道办事处",):
            place = f"{city}{rng.choice(districts)}{rng.choice(STREETS)}"
            level = "区级"
        elif agency in ("镇人民政府",):
            place = f"{city}{rng.choice(districts)}{rng.choice(['新桥', '华漕', '七宝', '朱家角', '金泽', '泗泾'])}"
            level = "区级"
        elif rng.random() < 0.55:
            place = f"{city}{rng.choice(districts)}"
            level = "区级"
        else:
            place = city
        name = place + agency
        if name in names:
            continue
        names.add(name)
        projects = rng.sample(domain.projects, k=len(domain.projects))
        units.append(Unit(name, domain, city == "上海市", level, projects))
    return units, docs


# ---------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------

def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def _fmt(v: int | float) -> str:
    return str(v) if isinstance(v, int) else f"{v:g}"


def _op(rng: random.Random, op: str) -> str:
    """How an operator is written: mostly the proper sign, sometimes ASCII or variants."""
    r = rng.random()
    if op == "=":
        return "＝" if r < 0.04 else "="
    if op == "≥":
        return ">=" if r < 0.15 else ("≧" if r < 0.18 else "≥")
    if op == "≤":
        return "<=" if r < 0.15 else ("≦" if r < 0.18 else "≤")
    return op


def _target(rng: random.Random, kind: str) -> tuple[str, dict[str, Any]]:
    """(text as written in the export, truth target dict) for a target kind."""
    kinds = kind.split("|")
    kind = rng.choice(kinds)
    if kind.startswith("q:"):
        word = kind[2:]
        return word, {"raw": word, "op": None, "value": None, "unit": None, "qualitative": word}
    op, value, unit, written_unit = "=", 100, "%", "%"
    if kind == "pct100":
        pass
    elif kind == "pct_ge_hi":
        op, value = "≥", rng.choice([85, 90, 90, 95, 95, 98, 80])
    elif kind == "pct_ge_lo":
        op, value = "≥", rng.choice([60, 70, 75, 80, 85])
    elif kind == "pct_ge_small":
        op, value = "≥", rng.choice([5, 10, 15, 20, 30, 35, 40])
    elif kind == "pct_le100":
        op, value = "≤", 100
    elif kind == "pct_dec":
        op, value = "≥", rng.choice([99.5, 99.9, 99, 98.5])
    elif kind == "zero":
        value, unit = 0, rng.choice(["起", "起", "件", "次"])
        written_unit = unit
    elif kind == "zero_p":
        value, unit = 0, "人"
        written_unit = unit
    elif kind == "zero_t":
        value, unit = 0, "吨"
        written_unit = unit
    elif kind == "years":
        op, value, unit = "≥", rng.choice([3, 5, 5, 8, 10]), "年"
        written_unit = unit
    elif kind == "wan":
        op, value, unit = "≤", rng.choice([20, 35, 50, 80, 120, 300, 560]), "万元"
        written_unit = unit
    elif kind == "unitcost":
        op, value, unit = "≤", rng.choice([50, 80, 120, 200, 350]), rng.choice(["元/人次", "元/人", "元/平方米"])
        written_unit = unit
    elif kind.startswith("area:"):
        lo, hi = (int(x) for x in kind[5:].split("-"))
        value = _round(rng.randint(lo, hi))
        if rng.random() < 0.7:
            unit, written_unit = "m²", "m <sup>2</sup>"
        else:
            unit = written_unit = "平方米"
    elif kind.split(":")[0] in ("n", "ge", "le"):
        k, u, rng_s = kind.split(":")
        lo, hi = (int(x) for x in rng_s.split("-"))
        value = _round(rng.randint(lo, hi)) if hi > 50 else rng.randint(lo, hi)
        if u == "万人次" and rng.random() < 0.4:
            value = value + 0.5
        op = {"n": "=", "ge": "≥", "le": "≤"}[k]
        if k == "n" and rng.random() < 0.15:
            op = "≥"
        unit = written_unit = u
    else:  # pragma: no cover - a typo in the tables above
        raise ValueError(kind)
    value = _num(value)
    sign = _op(rng, op)
    written = f"{sign}{_fmt(value)}{written_unit}"
    raw = f"{sign}{_fmt(value)}{unit}"
    return written, {"raw": raw, "op": op, "value": value, "unit": unit, "qualitative": None}


def _round(v: int) -> int:
    """Plans use round figures: 3600, 800, 12000 rather than 3617."""
    for step in (1000, 100, 10):
        if v >= step * 5:
            return max(step, v // step * step)
    return v


_FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


# ---------------------------------------------------------------------------------------
# Indicators of one table
# ---------------------------------------------------------------------------------------

@dataclass
class Row:
    l1: str
    l2: str
    name: str
    written: str  # target as written; "" when missing
    target: dict[str, Any] | None


# Facilities and works that real tables name one by one (博士后公寓房屋装修数量, 大厦渗漏开裂维修
# 保养面积…): they make most of the distinct wording of 产出 indicators.
FACILITIES = ["电梯", "中央空调", "消防系统", "视频监控系统", "门禁系统", "配电房", "水泵房", "屋面防水", "外墙",
              "玻璃幕墙", "给排水管道", "弱电机房", "UPS机房", "充电桩", "停车库", "食堂", "公共卫生间", "绿化带",
              "路灯", "广告牌", "办公家具", "多媒体设备", "网络设备", "服务器", "档案库房", "会议室", "值班室",
              "健身器材", "无障碍设施", "雨污水管网"]
_STEM_SUFFIXES = ("专项经费", "工作经费", "专项资金", "运营管理", "管理维护专项", "专项", "经费", "项目", "补贴", "资金",
                  "工程", "建设", "运维", "运营", "维护", "举办", "购置")


def _stem(title: str) -> str:
    """The project's subject, as preparers prefix it to indicators (人才公寓管理维护专项 → 人才公寓)."""
    for _ in range(2):
        for suf in _STEM_SUFFIXES:
            if title.endswith(suf) and len(title) > len(suf) + 1:
                title = title[: -len(suf)]
                break
    return title


def _facility_items(rng: random.Random) -> dict[str, list[Tmpl]]:
    fs = rng.sample(FACILITIES, rng.randint(1, 4))
    return {
        "quantity": [(f"{f}{rng.choice(['维修保养数量', '维保数量', '更新改造数量', '日常维护数量'])}",
                      rng.choice(["n:套:1-20", "n:台:2-60", "n:个:1-30", "n:处:2-40"])) for f in fs],
        "quality": [(f"{f}{rng.choice(['维保验收通过率', '运行完好率', '维修合格率'])}", "pct100|pct_ge_hi") for f in fs[:2]],
        "timely": [(f"{f}{rng.choice(['报修响应时间', '故障修复时间'])}", "le:小时:2-48") for f in fs[:1]],
    }


def _vary(rng: random.Random, name: str) -> str:
    """Wording drifts between preparers: 数量/数, 性/情况, 年度 prefixes."""
    r = rng.random()
    if r < 0.06 and name.endswith("数量"):
        return name[:-2] + "数"
    if r < 0.10 and name.endswith("及时性"):
        return name[:-1] + "情况"
    if r < 0.14 and not name.startswith(("年度", "全年")) and name.endswith(("数量", "次数", "场次", "人次", "人数")):
        return rng.choice(["年度", "全年"]) + name
    return name


def _pick(rng: random.Random, pool: list[Tmpl], lo: int, hi: int) -> list[Tmpl]:
    k = min(len(pool), rng.randint(lo, hi))
    return rng.sample(pool, k) if k else []


def _indicators(rng: random.Random, dom: Domain, shanghai_fw: bool, year: int, subject: str) -> list[Row]:
    """The clean indicator rows of one table, in order, with their truth targets."""
    groups: list[tuple[str, str, list[Tmpl]]] = []
    sat = [(f"{s}满意度", "pct_ge_hi") for s in dom.satisfied]
    stem = _stem(subject)
    fac = _facility_items(rng) if rng.random() < 0.5 else {"quantity": [], "quality": [], "timely": []}

    def own(pool: list[Tmpl], p: float = 0.3) -> list[Tmpl]:
        """Some indicators carry the project's subject: 高峰人才服务工作开展及时性."""
        return [(stem + n if rng.random() < p and not n.startswith(stem) else n, k) for n, k in pool]

    quantity = own(dom.quantity, 0.25) + fac["quantity"]
    quality = own(dom.quality + GENERIC_QUALITY) + fac["quality"]
    timely = own(dom.timely + GENERIC_TIME) + fac["timely"]
    if shanghai_fw:
        l1_out = rng.choice(["产出目标"] * 8 + ["产出"])
        l1_eff = rng.choice(["效果目标"] * 8 + ["效果"])
        l1_imp = rng.choice(["影响力目标"] * 8 + ["影响力"])
        groups += [("投入与管理", "投入管理", _pick(rng, SH_INPUT["投入管理"], 2, 3)),
                   ("投入与管理", "财务管理", _pick(rng, SH_INPUT["财务管理"], 2, 3)),
                   ("投入与管理", "实施管理", _pick(rng, SH_INPUT["实施管理"], 2, 7))]
        if rng.random() < 0.7:
            groups.append(("投入与管理", "资产管理", _pick(rng, SH_INPUT["资产管理"], 1, 2)))
        groups += [(l1_out, "数量", _pick(rng, quantity, 2, 9)),
                   (l1_out, "质量", _pick(rng, quality, 1, 5)),
                   (l1_out, "时效", _pick(rng, timely, 1, 4))]
        if rng.random() < 0.3:
            groups.append((l1_out, "成本", _pick(rng, COST, 1, 2)))
        groups.append((l1_eff, "社会效益", _pick(rng, own(dom.social + GENERIC_SOCIAL, 0.15), 1, 5)))
        if dom.economic and rng.random() < 0.5:
            groups.append((l1_eff, "经济效益", _pick(rng, dom.economic, 1, 1)))
        if dom.ecologic and rng.random() < 0.6:
            groups.append((l1_eff, "生态效益", _pick(rng, dom.ecologic, 1, 2)))
        groups.append((l1_eff, "满意度", _pick(rng, sat, 1, 2)))
        groups.append((l1_imp, "长效管理", _pick(rng, SH_IMPACT["长效管理"], 1, 2)))
        for l2 in ("人力资源", "配套设施", "信息共享", "其它"):
            if rng.random() < 0.6:
                groups.append((l1_imp, l2, _pick(rng, SH_IMPACT[l2], 1, 2)))
    else:
        cost_l1 = year >= 2021 and rng.random() < 0.35  # the 2021 national framework's own 成本指标
        groups += [("产出指标", "数量指标", _pick(rng, quantity, 1, 6)),
                   ("产出指标", "质量指标", _pick(rng, quality, 1, 3)),
                   ("产出指标", "时效指标", _pick(rng, timely, 1, 2))]
        if not cost_l1 and rng.random() < 0.5:
            groups.append(("产出指标", "成本指标", _pick(rng, COST, 1, 2)))
        if cost_l1:
            for l2 in ("经济成本指标", "社会成本指标", "生态环境成本指标"):
                if l2 == "经济成本指标" or rng.random() < 0.4:
                    groups.append(("成本指标", l2, _pick(rng, NAT_COST_L1[l2], 1, 2)))
        if dom.economic and rng.random() < 0.5:
            groups.append(("效益指标", "经济效益指标", _pick(rng, dom.economic, 1, 1)))
        groups.append(("效益指标", "社会效益指标", _pick(rng, own(dom.social + GENERIC_SOCIAL, 0.15), 1, 3)))
        if dom.ecologic and rng.random() < 0.5:
            groups.append(("效益指标", "生态效益指标", _pick(rng, dom.ecologic, 1, 1)))
        if rng.random() < 0.6:
            groups.append(("效益指标", "可持续影响指标", _pick(rng, NAT_SUSTAIN, 1, 2)))
        groups.append(("满意度指标", "服务对象满意度指标", _pick(rng, sat, 1, 2)))
    rows: list[Row] = []
    seen: list[str] = []
    for l1, l2, items in groups:
        for name, kind in items:
            name = _vary(rng, name)
            if name in seen:  # one table never lists the same indicator twice
                continue
            seen.append(name)
            written, target = _target(rng, kind)
            rows.append(Row(l1, l2, name, written, target))
    return rows


# ---------------------------------------------------------------------------------------
# Free text and citations
# ---------------------------------------------------------------------------------------

_BRACKETS = [("〔", "〕", 0.70), ("（", "）", 0.10), ("(", ")", 0.05), ("[", "]", 0.08), ("【", "】", 0.07)]


def _number_raw(rng: random.Random, doc: Doc) -> str:
    """A document number as preparers write it (GB/T 9704 and its common corruptions)."""
    r, acc = rng.random(), 0.0
    left, right = "〔", "〕"
    for lb, rb, p in _BRACKETS:
        acc += p
        if r < acc:
            left, right = lb, rb
            break
    year = str(doc.year)
    if doc.year is not None and doc.year < 2000 and rng.random() < 0.6:
        year = year[2:]
    serial = ("第" if rng.random() < 0.05 else "") + str(doc.serial)
    return f"{doc.code}{left}{year}{right}{serial}号"


def _cite(rng: random.Random, doc: Doc) -> tuple[str, dict[str, Any]]:
    """One citation as written, and its truth legal-basis dict."""
    if doc.code is None:
        return f"《{doc.title}》", {"title": doc.title, "doc_number": None, "doc_number_raw": None,
                                   "issuer_code": None, "year": None, "serial": None}
    raw = _number_raw(rng, doc)
    lp, rp = ("(", ")") if rng.random() < 0.12 else ("（", "）")
    if doc.plan and rng.random() < 0.3:
        text = f"关于印发《{doc.title}》" + ("的通知" if rng.random() < 0.5 else "") + f"{lp}{raw}{rp}"
    else:
        text = f"《{doc.title}》{lp}{raw}{rp}"
    return text, {"title": doc.title, "doc_number": doc.number, "doc_number_raw": raw, "issuer_code": doc.code,
                  "year": doc.year, "serial": doc.serial}


def _basis_text(rng: random.Random, cites: list[str]) -> list[str]:
    """立项依据 as one or more lines (numbered lists are sometimes split, one item a line)."""
    style = rng.random()
    if len(cites) == 1:
        return [cites[0] + "。"]
    if style < 0.6:
        items = [f"{i}、{c}" for i, c in enumerate(cites, 1)]
        sep = "；"
    elif style < 0.75:
        items = [f"{i}.{c}" for i, c in enumerate(cites, 1)]
        sep = "；"
    elif style < 0.9:
        items = list(cites)
        sep = "；"
    else:
        return ["根据" + "、".join(cites) + "等文件精神。"]
    if rng.random() < 0.1:  # numbered list exported one item per line
        return [it + (sep if i < len(items) - 1 else "。") for i, it in enumerate(items)]
    return [sep.join(items) + "。"]


class DocPool:
    """The citable documents, with per-(year, Shanghai?) slices cached: asked once per table."""

    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        self._cache: dict[tuple[int, bool], tuple[list[Doc], list[Doc], list[Doc]]] = {}

    def citable(self, year: int, shanghai: bool) -> tuple[list[Doc], list[Doc], list[Doc]]:
        """(usable, home, numbered): issued by the project year; the unit's own city's; with a number."""
        key = (year, shanghai)
        if key not in self._cache:
            usable = [d for d in self.docs if d.year is None or d.year <= year]
            home = [d for d in usable if d.code is not None and d.code.startswith("沪") == shanghai] or usable
            numbered = [d for d in usable if d.code is not None]
            self._cache[key] = (usable, home, numbered)
        return self._cache[key]


def _docs_for(rng: random.Random, unit: Unit, year: int, docs: DocPool) -> list[Doc]:
    usable, home, _ = docs.citable(year, unit.shanghai)
    n_num = 0 if rng.random() < 0.1 else rng.choice([1, 1, 2, 2, 3, 4, 5])
    n_law = rng.choice([0, 0, 0, 1, 1, 2, 3]) if n_num else rng.choice([1, 2, 3])
    chosen: list[Doc] = []
    # Units cite their own city's documents more often; a stable per-unit slice makes
    # the same documents recur across a unit's projects and years (as in real files).
    base = abs(hash_str(unit.name)) % max(1, len(home))
    for _ in range(n_num):
        if rng.random() < 0.6:
            d = home[(base + rng.randint(0, 8)) % len(home)]
        else:
            d = rng.choice(usable)
        if d not in chosen and d.code is not None:
            chosen.append(d)
    laws = [Doc(t) for t in rng.sample(LAWS, n_law)]
    out = chosen + laws
    rng.shuffle(out)
    return out


def hash_str(s: str) -> int:
    """Stable across processes (Python's hash() of str is salted)."""
    return int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")


def _sentence(rng: random.Random, unit: Unit, title: str) -> str:
    d = unit.domain
    return rng.choice([
        f"本项目由{unit.name}负责组织实施，旨在{rng.choice(d.overview)}，{rng.choice(d.overview)}。",
        f"{title}是{unit.name}的重点工作之一，通过项目实施，{rng.choice(d.overview)}。",
        f"为{rng.choice(d.overview)}，{unit.name}设立{title}，确保各项工作有序开展。",
        f"项目坚持问题导向和目标导向，着力{rng.choice(d.overview)}，推动相关工作提质增效。",
    ])


# ---------------------------------------------------------------------------------------
# One table as lines, with its truth
# ---------------------------------------------------------------------------------------

@dataclass
class Written:
    lines: list[str]
    truth: dict[str, Any]
    defects: list[dict[str, Any]]


def _amount(rng: random.Random) -> int:
    """A budget in yuan: round thousands, round ten-thousands, or an exact figure."""
    v = rng.choice([rng.randint(5, 300) * 1000, rng.randint(30, 3000) * 10000, rng.randint(100000, 30000000)])
    return v


def _table(rng: random.Random, unit: Unit, year: int, title: str, docs: DocPool, first_line: int,
           rate: float) -> Written:
    """Lines of one table starting at 1-based ``first_line``, its truth and its defects."""
    L: list[str] = []
    defects: list[dict[str, Any]] = []

    def add(s: str) -> int:
        L.append(s)
        return first_line + len(L) - 1

    def colon() -> str:  # keys with full-width or, now and then, half-width colons
        return ":" if rng.random() < 0.04 else "："

    bold = rng.random() < rate
    head = "财政项目支出绩效目标表"
    start_line = add((f"<b>{head}</b>" if bold else head) + "\t\t\t")
    if bold:
        defects.append({"line": start_line, "kind": "html-bold"})
    add(("(%d年度)" if rng.random() < 0.8 else "（%d年度）") % year + "\t\t\t")
    add(f"申报单位名称{colon()}{unit.name}\t\t\t")
    category = rng.choice(PROJECT_CATEGORIES)
    add(f"项目名称{colon()}\t{title}\t项目类别{colon()}\t{category}")
    multi_year = category == "跨年度支出项目"
    if rng.random() < 0.85:
        start, end = f"{year}-01-01", f"{year}-12-31"
    else:
        m = rng.randint(2, 6)
        start, end = f"{year}-{m:02d}-01", f"{year + (1 if multi_year else 0)}-{rng.randint(m + 3, 12):02d}-{rng.choice([15, 30]):02d}"
    add(f"计划开始日期{colon()}\t{start}\t计划完成日期{colon()}\t{end}")
    gov = rng.random() < 0.3
    perf = rng.choice(unit.domain.perf_types + (["政府购买服务类"] if gov else []))
    add(f"是否含有政府购买服务{colon()}\t{'是' if gov else '否'}\t绩效类型{colon()}\t{perf}")

    # Free-text fields; 立项依据 carries the legal bases, others may cite numbered documents.
    cited = _docs_for(rng, unit, year, docs)
    cites = [_cite(rng, d) for d in cited]
    legal = [c[1] for c in cites]
    basis_lines = _basis_text(rng, [c[0] for c in cites]) if cites else ["按照单位职能开展。"]
    numbered = docs.citable(year, unit.shanghai)[2]
    other: list[dict[str, Any]] = []
    texts: dict[str, list[str]] = {}
    texts["项目概况"] = [_sentence(rng, unit, title) + _sentence(rng, unit, title)]
    texts["立项依据"] = basis_lines
    need = _sentence(rng, unit, title)
    if rng.random() < 0.35:
        d = rng.choice(cited) if cited and rng.random() < 0.5 else rng.choice(numbered)
        if d.code is not None:
            ctext, cref = _cite(rng, d)
            need = f"根据{ctext}要求，" + need
            other.append(cref)
        else:
            need = f"根据{_cite(rng, d)[0]}，" + need  # an unnumbered law is not an "other cited document"
    texts["项目设立的必要性"] = [need]
    measures = f"本项目严格执行单位内部管理制度、财务管理制度和资金拨付流程制度，{rng.choice(unit.domain.overview)}。"
    if rng.random() < 0.3:
        d = rng.choice(numbered)
        ctext, cref = _cite(rng, d)
        measures = f"积极贯彻落实{ctext}，" + measures
        other.append(cref)
    texts["保证项目实施的制度、措施"] = [measures]
    plan_items = [f"{i}、{year}年{m}月{rng.choice(['完成', '启动', '开展', '推进'])}{rng.choice(unit.domain.overview)}"
                  for i, m in enumerate(sorted(rng.sample(range(1, 13), rng.randint(1, 4))), 1)]
    if len(plan_items) > 1 and rng.random() < 0.05:  # a free-text field exported over several lines
        texts["项目实施计划"] = [p + ("；" if i < len(plan_items) - 1 else "。") for i, p in enumerate(plan_items)]
    else:
        texts["项目实施计划"] = ["；".join(plan_items) + "。"]
    texts["总目标及阶段性目标"] = [f"通过{title}的实施，{rng.choice(unit.domain.overview)}，{rng.choice(unit.domain.overview)}。"]
    for key, parts in texts.items():
        add(f"{key}{colon()}\t{parts[0]}\t\t")
        for p in parts[1:]:
            add(f"{p}\t\t")
    # other_cited_documents: each numbered document once, in order of first citation.
    seen_nums: list[str] = []
    other_unique = []
    for o in other:
        if o["doc_number"] not in seen_nums:
            seen_nums.append(o["doc_number"])
            other_unique.append(o)

    add("")
    head2 = f"本项目上年度{unit.level}财政资金使用情况"
    add((f"<b>{head2}</b>" if bold else head2) + "\t\t\t")
    total = _amount(rng)
    current = total if not multi_year else _round(total // rng.randint(2, 3))
    prev_b = 0 if rng.random() < 0.2 else _amount(rng)
    prev_e = prev_b if rng.random() < 0.6 else int(prev_b * rng.uniform(0.8, 1.0))
    add(f"项目总预算（元）{colon()}\t{total:,}\t项目当年预算（元）{colon()}\t{current:,}")
    add(f"同名项目上年预算额（元）{colon()}\t{prev_b:,}\t同名项目上年预算执行数（元）{colon()}\t{prev_e:,}")
    add("")
    if rng.random() < 0.9:
        add(f"## {year}年绩效目标")
        add("")

    shanghai_fw = unit.shanghai if rng.random() < 0.92 else not unit.shanghai
    rows = _indicators(rng, unit.domain, shanghai_fw, year, title)
    add("一级目标\t二级目标\t三级目标\t指标目标值" if shanghai_fw else "一级指标\t二级指标\t三级指标\t指标值")

    # Cells as a clean export writes them: a merged label on the first row of its group.
    cells = []
    for i, r in enumerate(rows):
        new1 = i == 0 or rows[i - 1].l1 != r.l1
        new2 = new1 or rows[i - 1].l2 != r.l2
        cells.append([r.l1 if new1 else "", r.l2 if new2 else ""])

    # Defect: a merged label on the middle row of its group (rows above belong to it).
    # Only where the table proves it: (a) the first 二级 group of a 一级 group whose label
    # stays on the first row (that row has a 一级 but no 二级), or (b) a 一级 label whose
    # first rows carry a 二级 label that only this 一级 has in the framework.
    protect: set[int] = set()
    if rng.random() < min(1.0, 2 * rate):
        starts1 = [i for i in range(len(rows)) if cells[i][0]]
        cand: list[tuple[str, int, int]] = []
        for s in starts1:
            e = s
            while e + 1 < len(rows) and rows[e + 1].l1 == rows[s].l1:
                e += 1
            e2 = s
            while e2 + 1 <= e and rows[e2 + 1].l2 == rows[s].l2:
                e2 += 1
            if e2 - s + 1 >= 2:
                cand.append(("l2", s, e2))
            if e - s + 1 >= 2:
                cand.append(("l1", s, e))
        if cand:
            level, s, e = rng.choice(cand)
            m = s + (e - s + 1) // 2
            col = 0 if level == "l1" else 1
            cells[m][col], cells[s][col] = cells[s][col], ""
            protect.update(range(s, m + 1))
            defects.append({"line": None, "row": m, "kind": f"label-middle-{level}"})

    indicators: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    kinds = ["drop-tab", "extra-tab", "missing-target", "blank-line", "fullwidth-digits", "name-col0"]
    for i, r in enumerate(rows):
        c1, c2 = cells[i]
        written, target = r.written, r.target
        kind = None
        if i > 0 and rng.random() < rate:
            kind = rng.choice(kinds)
            if kind in ("drop-tab", "extra-tab", "name-col0") and i in protect:
                kind = None
            if kind == "drop-tab" and c1:
                kind = None  # only a row whose first cell is blank can lose its leading tab
            if kind == "name-col0" and (c1 or c2):
                kind = None
            if kind == "fullwidth-digits" and (not any(ch.isdigit() for ch in written) or "<" in written):
                kind = None
        if kind == "blank-line":
            add("")
        if kind == "fullwidth-digits":
            written = written.translate(_FW_DIGITS)
            target = dict(target, raw=target["raw"].translate(_FW_DIGITS)) if target else None
        if kind == "missing-target":
            written, target = "", None
        if kind == "drop-tab":
            line = "\t".join([c2, r.name, written]) + "\t"
        elif kind == "extra-tab":
            line = "\t" + "\t".join([c1, c2, r.name, written])
        elif kind == "name-col0":
            line = f"{r.name}\t\t\t{written}"
        elif kind == "missing-target":
            line = "\t".join([c1, c2, r.name]) + ("\t" if rng.random() < 0.5 else "")
        else:
            line = "\t".join([c1, c2, r.name, written])
        ln = add(line)
        if kind is not None:
            defects.append({"line": ln, "kind": kind})
        for d in defects:
            if d.get("row") == i and d["line"] is None:
                d["line"] = ln
                del d["row"]
        indicators.append({"l1": r.l1, "l2": r.l2, "name": r.name, "target": target, "line": ln,
                           "position": i + 1, "extra": {}})
        if target is None:
            warnings.append({"line": ln, "code": "missing-target", "message": f"indicator {r.name} has no target value"})
    end_line = first_line + len(L) - 1

    header_fields = {"申报单位名称": unit.name, "项目名称": title, "项目类别": category, "计划开始日期": start,
                     "计划完成日期": end, "是否含有政府购买服务": "是" if gov else "否", "绩效类型": perf}
    truth = {
        "title": title, "unit": unit.name, "year": year, "category": category, "start": start, "end": end,
        "gov_purchase": gov, "performance_type": perf,
        "budget": {"total": total, "current_year": current, "prev_year_budget": prev_b, "prev_year_executed": prev_e},
        "text_fields": {k: "\n".join(v) for k, v in texts.items()},
        "legal_bases": legal, "other_cited_documents": other_unique,
        "indicators": indicators, "warnings": warnings, "lines": [start_line, end_line],
        "header_fields": header_fields,
    }
    return Written(L, truth, defects)


# ---------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------

def generate(n_tables: int, seed: int, out: Path, defect_rate: float = 0.05, tables_per_file: int = 4,
             path_prefix: str | None = None) -> dict[str, Any]:
    """Write the corpus into ``out``; return the truth (also written to truth.json)."""
    out.mkdir(parents=True, exist_ok=True)
    units, doc_list = _pools(seed)
    docs = DocPool(doc_list)
    prefix = str(out) if path_prefix is None else path_prefix
    sources: list[dict[str, Any]] = []
    manifest: list[dict[str, Any]] = []
    n_files = (n_tables + tables_per_file - 1) // tables_per_file
    for j in range(n_files):
        rng = random.Random(f"{seed}/{j}")
        unit = units[rng.randrange(len(units))]
        year = rng.randint(2018, 2025)
        k = min(tables_per_file, n_tables - j * tables_per_file)
        titles = list(unit.projects)
        while len(titles) < k:  # a unit with more projects than its domain names: number them
            titles.append(f"{rng.choice(unit.projects)}（{len(titles) + 1}）")
        lines: list[str] = [""] * rng.choice([0, 0, 1, 2])  # exports often begin with blank lines
        tables, defects = [], []
        for t in range(k):
            w = _table(rng, unit, year, titles[t], docs, len(lines) + 1, defect_rate)
            lines += w.lines
            lines += [""] * rng.choice([1, 1, 2, 3])
            tables.append(w.truth)
            defects += w.defects
        crlf = rng.random() < defect_rate
        text = ("\r\n" if crlf else "\n").join(lines)
        data = text.encode("utf-8")
        name = f"{j:06d}.txt"
        (out / name).write_bytes(data)
        if crlf:
            defects.append({"line": None, "kind": "crlf"})
        path = os.path.join(prefix, name)
        sources.append({"path": path, "encoding": "utf-8", "sha256": hashlib.sha256(data).hexdigest(),
                        "tables": tables, "errors": []})
        manifest.append({"path": path, "defects": defects})
    truth = {"sources": sources}
    # json.dumps, not json.dump: dump() streams through the pure-Python encoder (5x slower).
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    counts: dict[str, int] = {}
    for m in manifest:
        for d in m["defects"]:
            counts[d["kind"]] = counts.get(d["kind"], 0) + 1
    with open(out / "manifest.json", "w", encoding="utf-8") as f:
        f.write(json.dumps({"generator": "benchmarks/synth.py", "tables": n_tables, "seed": seed, "defect_rate": defect_rate,
                   "tables_per_file": tables_per_file, "files": n_files,
                   "indicators": sum(len(t["indicators"]) for s in sources for t in s["tables"]),
                   "defect_counts": dict(sorted(counts.items())), "defects": manifest}, ensure_ascii=False))
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tables", type=int, required=True, help="number of tables to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True, help="folder for the .txt files, truth.json, manifest.json")
    ap.add_argument("--defect-rate", type=float, default=0.05,
                    help="probability of an export defect per indicator row (and per table/file for "
                         "table-level defects); 0 writes clean tables")
    ap.add_argument("--tables-per-file", type=int, default=4)
    args = ap.parse_args(argv)
    if not 0 <= args.defect_rate <= 1:
        ap.error("--defect-rate must be within 0..1")
    t0 = time.perf_counter()
    truth = generate(args.tables, args.seed, args.out, args.defect_rate, args.tables_per_file)
    n_ind = sum(len(t["indicators"]) for s in truth["sources"] for t in s["tables"])
    print(f"wrote {args.tables} tables ({n_ind} indicators) in {len(truth['sources'])} files to {args.out} "
          f"in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
