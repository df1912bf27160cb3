"""The home page's example questions (also in ``/api/stats``), in a module of their own: the
server's front answers ``/api/stats`` before FastAPI is loaded (``api.server.front``)."""
from __future__ import annotations

from urllib.parse import quote

QUESTIONS = [
    {"group": "preparers", "label": "编制人员 Preparers", "questions": [
        {"text": "别的项目的满意度指标怎么写、目标定多少？", "en": "How do others word and set satisfaction targets?",
         "url": "/search?q=" + quote("满意度")},
        {"text": "“及时性”类指标有哪些写法？", "en": "Wordings of timeliness indicators",
         "url": "/search?q=" + quote("及时性")},
        {"text": "哪些指标被多个项目重复使用？", "en": "Which indicators are reused across projects?", "url": "/reuse"},
    ]},
    {"group": "auditors", "label": "审计人员 Auditors", "questions": [
        {"text": "哪些项目以沪人服〔2016〕1号为依据或引用了它？", "en": "Which projects rest on or cite 沪人服〔2016〕1号?",
         "url": "/documents/by-number/" + quote("沪人服〔2016〕1号")},
        {"text": "被最多项目引用的政策文件", "en": "Documents most projects rely on", "url": "/documents"},
        {"text": "上年预算执行率", "en": "Last year's budget execution", "url": "/sparql?example=execution-rate"},
    ]},
    {"group": "researchers", "label": "研究人员 Researchers", "questions": [
        {"text": "各一级指标下有多少指标？", "en": "Indicators per level-1 category",
         "url": "/sparql?example=indicators-per-l1"},
        {"text": "数值目标是怎样设定的？", "en": "How are numeric targets set?", "url": "/sparql?example=numeric-targets"},
        {"text": "全部项目及预算", "en": "All projects and budgets", "url": "/projects"},
    ]},
]
