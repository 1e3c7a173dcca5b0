"""The category set for why points were lost, and the keyword rules that assign it offline.

Codes are a public contract (``category`` in ``deductions --format json``): they never change
meaning once released; display names are Chinese. The set follows ../shared/domain.md §5.3
(预算执行偏低, 目标值设定不合理, 外部因素, 进度滞后, 数据口径变化, 满意度调查未开展), regrouped so
that every class points at a different kind of fix.

How the offline classifier decides (``classify.py``):

1. Every category has cue words. A cue found in the note's cause part counts twice its weight, in
   the measure part once: the cause says why points were lost, the measure only hints at it.
   Weak cues (weight 0.5) are words that also occur in unrelated sentences (群众, 质量, 沟通).
2. The indicator's own name adds 1 for the category it suggests (满意度 → satisfaction, 机制 →
   mechanism, 及时率 → schedule) and its 二级 0.5, so that a thin or garbled note still lands
   where a reader of the row would put it, and so that ties go to what the row measures.
3. The highest total wins; equal totals go to the earlier category in ``CATEGORIES`` (the more
   specific, external causes first). With no cue and no hint at all, the 一级 decides with low
   confidence. A missing or boilerplate note is ``unexplained`` whatever the row says.
"""

from __future__ import annotations

from dataclasses import dataclass

UNEXPLAINED = "unexplained"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    description: str
    # (cue, weight): plain substrings of the cleaned, space-free note.
    cues: tuple[tuple[str, float], ...]
    # Substrings of the 三级 indicator name, then of the 二级 name, that suggest this category.
    name_hints: tuple[str, ...] = ()
    level2_hints: tuple[str, ...] = ()


def _w(strong: str, weak: str = "") -> tuple[tuple[str, float], ...]:
    return tuple((c, 1.0) for c in strong.split()) + tuple((c, 0.5) for c in weak.split())


CATEGORIES: tuple[Category, ...] = (
    Category(
        "policy_change", "上级政策或外部口径变化",
        "上级政策、文件、统计口径或外部形势（市场、疫情、天气）变化，使原定目标无法按原计划实现。",
        _w("政策调整 政策变化 政策变动 政策频繁 新政策 口径变化 口径调整 统计口径 上级要求 上级文件 "
           "文件要求 根据《 通知 规定调整 标准调整 机构改革 职能调整 形势变化 新形势 发生重大变化 "
           "市场变化 外部环境 疫情 天气 台风 暴雨 汛期 不可抗力 叫停 暂停实施 停止实施 取消",
           "口径 上级 按照《")),
    Category(
        "external_demand", "实际需求少于计划",
        "服务对象的实际申请、报名、业务量少于计划数，产出数量指标因此未达到目标值。",
        _w("实际申请 申请人次 申请数 申报数量 报名人数 实际需求 需求减少 需求下降 需求不足 需求量 "
           "实际发生 按实 少于计划 少于预期 业务量 来访量 人数减少 实际人数 实际数量 未产生"),
        name_hints=("申请", "受理量", "服务人次")),
    Category(
        "indicator_design", "指标或目标值设置不合理",
        "目标值定得过高或缺少测算依据、指标难以量化或口径与实际工作不一致。",
        _w("目标值设 指标设置 指标设定 设置不合理 设定不合理 不够合理 不够科学 设置过高 设定过高 "
           "目标过高 偏高 预估 测算不准 测算偏差 难以量化 无法量化 不可量化 指标值")),
    Category(
        "schedule", "进度延误、等待审批",
        "招标采购、审批、手续、外部配合等环节耽误，工作晚于计划或跨年。",
        _w("进度 延误 延迟 推迟 延期 滞后 晚于 等待 审批 批复 招标 采购 流标 工期 未能按期 未按期 "
           "未按时 时间紧 原计划 尚未完成 未能完成 跨年 结转 手续",
           "验收 付款 结算 时间"),
        name_hints=("及时", "时效", "进度", "按时", "按期", "完成时间"),
        level2_hints=("时效",)),
    Category(
        "satisfaction_awareness", "满意度或知晓率不足、诉求难以解决",
        "服务对象不满意、政策知晓或理解不足、诉求短期内无法解决、宣传解读不到位。",
        _w("满意 不满 知晓 宣传 解读 误解 误读 诉求 信访 投诉 认可 认同 支持率 舆论 舆情 测评 "
           "差异化需求 需求对接 获得感 网民",
           "群众 居民 市民 理解 调查 需求"),
        name_hints=("满意", "知晓", "支持率", "认可度", "认同"),
        level2_hints=("满意",)),
    Category(
        "mechanism", "机制、制度、考核、统筹衔接不健全",
        "制度、长效机制、考核、责任体系或部门间统筹衔接不健全。",
        _w("机制 制度 考核 统筹 衔接 协调 联动 责任体系 责任清单 管理体系 长效 部门意见 意见征询 "
           "全过程参与 协同",
           "责任 体系 流程 沟通 规范 监督"),
        name_hints=("机制", "制度", "体系", "规范化"),
        level2_hints=("可持续",)),
    Category(
        "capacity_quality", "人员、技能、服务质量或配合不足",
        "人员不足、技能或专业能力欠缺、服务单位质量不高、第三方或相关单位配合不够。",
        _w("人员 人手 力量不足 技能 培训 专业能力 能力不足 服务质量 服务水平 物业服务 服务人员 驻场 "
           "运维 配合 第三方 咨询公司 供应商 服务商 施工单位 前瞻性 经验不足",
           "维护 能力 质量 专业"),
        name_hints=("质量", "合格率", "品质", "准确率"),
        level2_hints=("质量",)),
    Category(
        UNEXPLAINED, "扣分无说明",
        "失分指标没有填写偏差说明，或只写了“暂无”“已完成”之类的套话。",
        ()),
)

BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}
CODES: tuple[str, ...] = tuple(BY_CODE)
# Chinese names back to codes, for models and users that answer with the display name.
BY_NAME: dict[str, str] = {c.name: c.code for c in CATEGORIES}

# With no cue and no hint, the 一级 is the last resort (confidence "low").
LEVEL1_FALLBACK = (("满意", "satisfaction_awareness"), ("产出", "schedule"), ("效益", "mechanism"),
                   ("成本", "schedule"))


def name_of(code: str) -> str:
    return BY_CODE[code].name
