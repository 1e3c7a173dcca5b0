"""T09: satisfaction is a percentage with ≥, and never 100 %."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import BARE, MISSING, NO_UNIT, NUMERIC, FormView, num

_UNMEASURABLE = ("unmeasurable", "satisfaction")
_FORM = ("satisfaction",)


@rule("T09", "满意度指标取值不规范", "warning", tags=("unmeasurable", "satisfaction"),
      basis="财政部《关于开展中央部门项目支出绩效自评工作的通知》（2016，满意度 10 分）；财预〔2020〕10号")
def check(view: FormView):
    """
    检查内容：
    名称含“满意”的指标，指标值应写成“≥N%”（如“≥90%”）。只写“提升”“满意”“较高”等文字、
    或只有数字没有单位的，标记为不可衡量；用“=”“>”或分值（“≥15分”）的，要求改成“≥N%”；
    目标为 100% 的，提示不可信。调查方法、样本量在表上没有栏目，本规则不检查。

    为什么重要：
    满意度是自评中单列 10 分的一级指标，计分按“实际满意度/目标值”计算，必须是百分比。
    “提升”无法计分；“=90%”在实际达到 95% 时反而不是“等于”；100% 的目标几乎不可能真实达到。

    示例：
    满意度指标 / 服务对象满意度指标 / 居民满意度 / 提升
    满意度指标 / 服务对象满意度指标 / 管理人员满意度 / 90
    改为：满意度指标 / 服务对象满意度指标 / 居民满意度 / ≥90%

    如何修改：
    写成“≥90%”这样的形式，并在说明中注明测评方式（问卷、第三方测评、样本量）和上年度实际值。
    """
    cfg = view.config
    for it in view.items:
        if not it.is_sat or it.kind == MISSING:
            continue
        v = it.target
        if it.kind == NUMERIC and v.unit == "%":
            if v.value is not None and v.value >= cfg.satisfaction_max_target:
                yield view.hit(it, f"满意度目标为 {it.value_text}，100% 的满意度不可信，也难以真实达到",
                               "按上年度测评值设定，如「≥90%」", tags=_FORM)
            elif v.op in ("=", ">", "<", "≤") or v.op is None:
                yield view.hit(it, f"满意度指标值「{it.value_text}」应写成「≥{num(v.value)}%」",
                               f"改为「≥{num(v.value)}%」", tags=_FORM)
        elif it.kind == NUMERIC:
            yield view.hit(it, f"满意度指标值「{it.value_text}」不是百分比，无法按满意率计分",
                           "改为满意率，如「≥90%」，并注明测评方式", tags=_FORM)
        elif it.kind == NO_UNIT:
            yield view.hit(it, f"满意度指标值「{it.value_text}」缺少单位，应写成「≥{num(v.value)}%」",
                           f"改为「≥{num(v.value)}%」", tags=_FORM)
        elif it.kind == BARE:
            yield view.hit(it, f"满意度指标值「{it.value_text}」只有数字，没有符号和单位，无法考核",
                           f"改为「≥{num(v.value)}%」", tags=_UNMEASURABLE)
        else:
            yield view.hit(it, f"满意度指标值「{it.value_text}」不是数值，无法考核，应写成「≥N%」",
                           "改为「≥90%」这样的满意率，并以上年度测评值为基线", tags=_UNMEASURABLE)
