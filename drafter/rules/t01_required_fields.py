"""T01: every indicator row carries its levels, name, operator and value."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import MISSING, NUMERIC, FormView, natural_op, value_str


@rule("T01", "指标必填项缺失", "error", tags=("completeness", "unmeasurable"),
      basis="财预〔2015〕88号《中央部门预算绩效目标管理办法》（审核完整性）；预算管理一体化系统必填项校验")
def check(view: FormView):
    """
    检查内容：
    每个三级指标都应填写一级指标、二级指标、指标名称、年度指标值；定量指标还要有指标性质
    （≥、≤、= 等符号），表样没有指标性质栏（整张表没有一个符号）时不要求；自评表还要有实际完成值。
    指标值缺失（或在导出、识别中丢失）的行同时标记为“不可衡量”（unmeasurable）。指标值只有“*”“**”
    “/”“—”等占位符的，按未填写处理（而不是表述模糊）。计量单位由 T04 检查。

    为什么重要：
    审核按“四逐”（逐单位、逐项目、逐指标、逐数值）进行，缺项的指标无法审核，年终也无法打分。
    一体化系统对必填项有强制校验，缺项的表报不上去或被退回。

    示例：
    产出指标 / 数量指标 / 宣传品发放完成率 / 100%（表中其他指标有符号，此行缺少“=”）
    效益指标 / （空） / 居民群众知晓率 / （空）
    产出指标 / 质量指标 / 维修验收合格率 / **
    改为：效益指标 / 社会效益指标 / 居民群众知晓率 / ≥80%

    如何修改：
    补齐缺失的栏目：指标值写成“符号 + 数值 + 单位”，如“=100%”“≥95%”“≤10个工作日”；
    二级指标按所用表样填写（数量/质量/时效/成本、社会效益、可持续影响、服务对象满意度等）。
    """
    self_eval = view.kind == "self_eval"
    # Templates without an 指标性质 column print "100%" on every row: a missing operator there is
    # the layout, not a gap the unit can fill.
    has_op_column = any(it.target.op for it in view.items if it.target.value is not None)
    for it in view.items:
        ind = it.ind
        missing: list[str] = []
        if not W.squash(ind.level1):
            missing.append("一级指标")
        if not W.squash(ind.level2):
            missing.append("二级指标")
        if not it.name:
            missing.append("指标名称")
        lost = it.kind == MISSING
        if lost:
            printed = W.squash(ind.target_raw or ind.qualitative)
            # "**" or "/" is the template's blank left unfilled: the same gap, said as such.
            missing.append(f"年度指标值（只有占位符「{printed}」）" if W.is_placeholder(printed)
                           else "年度指标值")
        elif it.kind == NUMERIC and not it.target.op and has_op_column:
            missing.append("指标性质（≥、≤、= 等符号）")
        if self_eval and not W.squash(ind.actual_raw):
            missing.append("实际完成值")
        if not missing:
            continue
        hint = None
        if "指标性质（≥、≤、= 等符号）" in missing:
            hint = f"在数值前加符号，如「{natural_op(it.name, it.target)}{value_str(it.target)}」"
        elif lost:
            hint = "填写年度指标值（符号 + 数值 + 单位），或写明时限、频次等可核验的标准"
        yield view.hit(it, f"缺少{'、'.join(missing)}", hint,
                       tags=("completeness", "unmeasurable") if lost else ("completeness",))
