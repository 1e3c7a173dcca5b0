"""S17: the self-evaluation reports against the approved indicators."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import FormView, project_key as _key


@rule("S17", "自评指标与批复目标不一致", "warning", tags=("scoring", "consistency"), kinds=("self_eval",),
      basis="财预〔2015〕88号（批复的绩效目标原则上不作调整）")
def check(view: FormView):
    """
    检查内容：
    同一次审核中若有同一项目（项目名称、实施单位、年度相同）的绩效目标表，自评表的三级指标应与
    目标表一致：报告新增、缺少或改名的指标。没有对应目标表时不检查。

    为什么重要：
    绩效目标一经批复一般不作调整，确需调整的要走预算调整程序；自评应对照年初批复的目标。
    自评时增删指标，往往是去掉了没完成的指标。

    示例：
    目标表有“有责投诉率 ≤5%”，自评表中没有这一行。

    如何修改：
    按批复的目标逐项自评；确有调整的，附上调整批复文件。
    """
    form = view.form
    name = _key(form.project_name)
    if not name:
        return
    for source, k, other in view.run.targets_named(name):
        if form.year and other.year and form.year != other.year:
            continue
        if form.agency and other.agency and _key(form.agency) != _key(other.agency):
            continue
        approved = {_key(i.name): i.name for i in other.indicators}
        reported = {_key(i.name): i.name for i in form.indicators}
        missing = [approved[key] for key in approved if key not in reported]
        added = [reported[key] for key in reported if key not in approved]
        if missing or added:
            parts = []
            if missing:
                parts.append("缺少 " + "、".join(missing[:5]) + (" 等" if len(missing) > 5 else ""))
            if added:
                parts.append("新增 " + "、".join(added[:5]) + (" 等" if len(added) > 5 else ""))
            yield view.hit(None, f"与绩效目标表（{source} 第 {k + 1} 张）相比：" + "；".join(parts),
                           "按批复的目标逐项自评；有调整的附调整批复")
        return
