"""S05: a quantitative score follows its completion ratio."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.scoring import close, expected_quantitative
from drafter.rules.view import FormView, pts


@rule("S05", "定量指标得分与完成比例不符", "error", tags=("scoring",), kinds=("self_eval",),
      basis="财预〔2020〕10号（定量指标按完成比例计分）；项目支出绩效自评表计分说明")
def check(view: FormView):
    """
    检查内容：
    目标值和实际完成值都是数值时，按指标性质重算得分（允许误差 0.01，可配置）：
    正向（≥、>）和等于（=）：实际达到目标得满分，否则 实际/目标 × 分值；目标为 0 的“=”指标，
    实际为 0 得满分，否则 0 分。反向（≤、<）：实际不超过目标得满分，否则 目标/实际 × 分值
    （或配置为“linear”的厂商算法）。得分都不超过分值；负的实际值按 0 计。没有符号的按名称判断方向。

    为什么重要：
    按比例计分是自评的基本规则。得分和完成比例对不上，要么实际值填错，要么得分是“估”出来的，
    都会让总分和等级失真。

    示例：
    房地产估价师注册工作完成数 / =500人 / 实际 486人 / 分值 5 / 得分 4.00（应为 4.86 = 486/500×5）

    如何修改：
    按公式重算得分；若实际值填错，改正实际值；对超额完成或目标过低的情况另在偏差说明中解释。
    """
    cfg = view.config
    for it in view.items:
        if it.ind.score is None or it.ind.weight is None:
            continue
        exp = expected_quantitative(it, cfg)
        if exp is None or close(exp.score, it.ind.score, cfg):
            continue
        yield view.hit(it, f"得分应为 {pts(exp.score)}（{exp.working}），表中为 {pts(it.ind.score)}",
                       f"改为 {pts(exp.score)}，或核对实际完成值")
