"""The goal parser: every quantity an annual goal states, with its unit, as an indicator to draft.

"新建高标准农田8万亩，配套灌排渠道30公里，受益农户满意度达到90%以上" gives three quantities:
a 数量 of 8 万亩 named from the goal's own words (新建高标准农田面积), a 数量 of 30 公里 (配套灌排渠道
长度) and a 满意度 of 90%. The unit decides the category: counts, areas and lengths are 数量;
rates are 质量 unless the clause speaks of an effect (增收, 就业, 覆盖, 降低…), then 效益; hours
and working days are 时效; money is an effect only when it is income or output value (增收80万元).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COUNT_UNITS = ("万平方米", "平方米", "万人次", "人次", "万亩", "亩", "公顷", "万公里", "公里", "千米", "延米", "米",
               "万人", "名", "人", "万户", "户", "所", "个", "台", "套", "场", "次", "门", "座", "间", "件", "株",
               "份", "项", "期", "处", "条", "辆", "册", "本", "篇", "家", "批", "支", "块", "吨", "头", "只", "栋",
               "幢", "张", "部", "路", "村", "棵", "类", "课时", "学时", "床")
TIME_UNITS = ("个工作日", "工作日", "小时", "分钟")
RATE_UNITS = ("%", "‰")
MONEY_UNITS = ("万元", "亿元", "元")
_UNITS = sorted(COUNT_UNITS + TIME_UNITS + RATE_UNITS + MONEY_UNITS, key=len, reverse=True)
_QUANTITY = re.compile(
    r"(?P<pre>不少于|不低于|不超过|不高于|至少|累计|共计|共|约|达到|达|超过|低于|控制在|小于|以内)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<wan>万(?!元|平方米|人次|亩|公里|人|户))?\s*"
    r"(?P<unit>" + "|".join(map(re.escape, _UNITS)) + r")(?P<post>以上|及以上|以内|以下|左右)?")
_CLAUSE = re.compile(r"[，。；;,\n]|(?:\d+[、.．)）](?!\d))|（\d+）|目标\d+[:：]")
_YEARISH = re.compile(r"^(?:19|20)\d{2}$")
_BENEFIT_WORDS = ("增收", "收入", "产值", "效益", "就业", "覆盖", "降低", "减少", "提高", "提升", "增加", "增长",
                  "改善", "知晓", "节约", "使用率", "利用率", "受益", "带动", "脱贫")
_BENEFICIARY_WORDS = ("受益", "惠及", "带动", "就业", "增收", "脱贫")
_QUALITY_WORDS = ("合格", "达标", "验收", "优良", "准确", "完好", "通过率", "成活", "保存率", "到位")
_LEAD = re.compile(r"^(?:(?:19|20)\d{2}\s*(?:[-—~～至到]\s*(?:19|20)?\d{2}\s*)?年度?|其中|全年|年度|本年度|每年|当年|计划|预计|"
                   r"力争|确保|通过|实现|负责|设置|设立|设(?![备施计定立置])|完成了?|共计|累计)+")
_TAIL = re.compile(r"(?:的|等|提高到|提升到|降低到|达到|达|约|共|以上|左右|不少于|不低于|至少|超过|以内|控制在|为)+$")
_FOR_WHOM = re.compile(r"^(?:为|对|向|给|帮助|支持|惠及|服务|资助|救助|扶持|覆盖)")
_VERB_AFTER = r"[、，,；;]|发放|开展|提供|实施|进行|给予|落实|兑现|兑付|开展|享受|补助|资助"
_AREA = ("平方米", "万平方米", "亩", "万亩", "公顷")
_LENGTH = ("公里", "万公里", "千米", "米", "延米")
_PEOPLE = ("人", "名", "万人", "人次", "万人次")
_HOUSEHOLDS = ("户", "万户")


@dataclass(frozen=True)
class GoalQuantity:
    name: str          # the indicator name, from the goal's own words
    op: str
    value: float
    unit: str
    category: str      # 数量 / 质量 / 时效 / 效益 / 满意度
    level2: str
    clause: str        # the goal's words around the number
    object: str        # what is counted ("高标准农田")


def parse(goal: str) -> list[GoalQuantity]:
    out: list[GoalQuantity] = []
    seen: set[tuple[str, float, str]] = set()
    for clause in _CLAUSE.split(goal or ""):
        clause = clause.strip(" ：:（）()")
        start, prev = 0, ""
        for m in _QUANTITY.finditer(clause):
            if _YEARISH.match(m.group("num")) and m.group("unit") not in RATE_UNITS:
                continue
            q = _quantity(clause, m, start, prev)
            start = m.end()
            prev = q.object if q else prev
            if q is None or (q.name, q.value, q.unit) in seen:
                continue
            seen.add((q.name, q.value, q.unit))
            out.append(q)
    return out


def _quantity(clause: str, m: re.Match[str], start: int, prev: str) -> GoalQuantity | None:
    unit = m.group("unit")
    value = float(m.group("num"))
    if m.group("wan"):
        # "8万亩" keeps 万亩 (the unit forms use); "1.2万名" becomes 12000名.
        if ("万" + unit) in _UNITS:
            unit = "万" + unit
        else:
            value *= 1e4
    before = clause[start: m.start()]
    # "受益脱贫户、监测户10户": the list is cut to its last item, but it still counts beneficiaries.
    beneficiaries = next((w for w in _BENEFICIARY_WORDS if w in before), None)
    # Only the words right before the number name it: "新建高标准农田8万亩，配套…" → 新建高标准农田.
    before = re.split(r"[、和及与]", before)[-1] if unit not in RATE_UNITS else before
    obj = _TAIL.sub("", _LEAD.sub("", before.strip())).strip(" ：:")
    after = clause[m.end():]
    if _FOR_WHOM.match(before.strip()) and unit not in RATE_UNITS:
        # "为符合条件的8000户计划生育家庭发放…": the counted object follows the number.
        following = _TAIL.sub("", re.split(_VERB_AFTER, after)[0].strip())
        if len(re.findall(r"[\u4e00-\u9fff]", following)) >= 2:
            obj = following
    if len(re.findall(r"[\u4e00-\u9fff]", obj)) < 2:
        obj = _TAIL.sub("", _LEAD.sub("", re.split(r"[、和及与]", after)[0].strip().lstrip("内以")))
        if len(re.findall(r"[\u4e00-\u9fff]", obj)) < 2:
            # "收容所1间200平方米": the second number measures the same object.
            obj = prev
        if len(re.findall(r"[\u4e00-\u9fff]", obj)) < 2:
            return None
    op = _op(m.group("pre"), m.group("post"), unit)
    if beneficiaries and beneficiaries not in obj and unit not in RATE_UNITS + MONEY_UNITS + TIME_UNITS:
        obj = f"{beneficiaries}{obj}"
    category, level2 = _category(obj, unit)
    if category is None:
        return None
    if category == "时效":
        op = "≤"
    elif unit == "%" and value == 100:
        op = "="  # "≥100%" promises nothing a rate can exceed
    name = _name(obj, unit, category)
    return GoalQuantity(name[:40], op, value, unit, category, level2, clause, obj)


def _op(pre: str | None, post: str | None, unit: str) -> str:
    if pre in ("不超过", "不高于", "低于", "控制在", "小于", "以内") or post in ("以内", "以下"):
        return "≤"
    if pre in ("不少于", "不低于", "至少", "达到", "达", "超过") or post in ("以上", "及以上"):
        return "≥"
    if unit in TIME_UNITS:
        return "≤"
    return "≥"


def _category(obj: str, unit: str) -> tuple[str | None, str]:
    if unit in RATE_UNITS:
        if "满意" in obj:
            return "满意度", "服务对象满意度指标"
        if any(w in obj for w in _QUALITY_WORDS):
            return "质量", "质量指标"
        if any(w in obj for w in _BENEFIT_WORDS):
            return "效益", "经济效益指标" if any(w in obj for w in ("增收", "收入", "产值")) else "社会效益指标"
        return "质量", "质量指标"
    if unit in TIME_UNITS:
        return "时效", "时效指标"
    if any(w in obj for w in _BENEFICIARY_WORDS) and unit not in MONEY_UNITS:
        # 受益人口2万人 counts an effect, not an output (the review files it so too, T11).
        return "效益", "社会效益指标"
    if unit in MONEY_UNITS:
        if any(w in obj for w in ("增收", "收入", "产值", "销售", "效益", "节约")):
            return "效益", "经济效益指标"
        return None, ""  # investment and spending are cost, which the funds already state
    return "数量", "数量指标"


def _name(obj: str, unit: str, category: str) -> str:
    if category == "时效":
        return obj if obj.endswith(("时间", "时限", "时长", "周期")) else f"{obj}时间"
    if category != "数量" and unit not in COUNT_UNITS:
        if unit in RATE_UNITS and not obj.endswith(("率", "度", "比例", "占比")):
            return f"{obj}率"
        return obj
    if obj.endswith(("数", "量", "面积", "长度", "规模", "人口", "人次")):
        return obj
    if unit in _AREA:
        return f"{obj}面积"
    if unit in _LENGTH:
        return f"{obj}长度"
    if unit in _PEOPLE:
        return f"{obj}人次" if unit.endswith("人次") else f"{obj}人数"
    if unit in _HOUSEHOLDS:
        return f"{obj}数" if obj.endswith("户") else f"{obj}户数"
    return f"{obj}数量"
