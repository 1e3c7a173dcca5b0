"""Object words: what an indicator is about, as opposed to how it is measured.

"高标准农田建设面积" and "农田灌溉保证率" share the object 农田; "工程验收合格率" and "培训完成率"
share only measuring words. Two-character windows of Chinese text stand in for words (no
segmenter is shipped); windows made of measuring vocabulary are left out, so that what remains
says *what* is counted, repaired, trained or paid.
"""

from __future__ import annotations

import re

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")

# Measuring and administrative vocabulary shared by indicators of every sector.
GENERIC = frozenset("""
完成 项目 资金 合格 及时 满意 数量 成本 质量 效益 服务 工作 管理 年度 计划 覆盖 达标 指标 目标 实施
按时 按期 考核 验收 支出 预算 执行 发放 对象 单位 社会 经济 影响 持续 时限 时间 情况 水平 提升
提高 保障 运行 正常 合规 规范 总成 本年 全年 到位 开展 组织 相关 有效 效率 比例 人数 次数 个数
数据 标准 要求 任务 进度 及时率 完成率 合格率 满意度 率达 成率 格率 意度 时率 标率 盖率 量合 工程
程验 收合 位率 放率 行率 付率 拨付 支付 兑付 补助 补贴 成效 年内 当年 每年 累计 新增 增加 减少
降低 平均 人均 单位 元每 万元 亿元 平方 公里 人次 户数 面积 长度 率不 不低 低于 不少 少于 以上
以下 确保 达到 实现 全部 所有 各类 各项 其中 以及 通过 进行 加强 推进 落实 做好 保持 维持 基本
本项 项目区 受益 益人 群众 公众 居民 产出 效果 可持 续影 响力 使用 期限 年限 使用年 周期 响应
建成 成后 建设 设施 后续 长效 机制 制度 健全 完善 质量达 生态 环境 安全 事故 发生 发生率 生率
满意度 满意 使用 管理 单位 测评 调查 问卷 总成本 成本 时效 准确率 准确 差错率 差错 故障率 故障 投诉率 投诉
有责 知晓率 知晓 利用率 利用 完好率 完好 使用率 办结 受理 审核 保证率 合格 优良率 优良 达标率 验收 竣工
数 率 量 度 费 按期 完工 开工 工期 响应 报修 预算 批复 比例 占比 上线 结算 审减 投资 控制 绩效 财政
购置 采购 安装 配套 新建 改建 扩建 改造 维修 维护 更新 开发 举办 召开 公共 农户 患者 就诊 参与 市民 学员 参训 家长 传输 有效性 有效 及时性 人员 用户 企业 单位 部门 机构 地区 区域 全市 全县 全区 本市 本县 辖区
""".split())


def windows(text: str | None) -> set[str]:
    """Two-character windows of the Chinese runs in ``text``."""
    out: set[str] = set()
    for run in _CJK_RUN.findall(text or ""):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


_GENERIC_RE = re.compile("|".join(sorted(GENERIC, key=len, reverse=True)))


def object_words(text: str | None) -> set[str]:
    """Windows of ``text`` once its measuring words are cut out ("项目总成本" has none)."""
    return {w for w in windows(_GENERIC_RE.sub("，", text or "")) if w not in GENERIC}


def shared_words(name: str | None, text: str | None) -> set[str]:
    """Object words of ``name`` that ``text`` also uses."""
    other = windows(text)
    return {w for w in object_words(name) if w in other}


def dice(a: str | None, b: str | None) -> float:
    """Similarity of two names by their two-character windows (0–1)."""
    wa, wb = windows(a), windows(b)
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))
