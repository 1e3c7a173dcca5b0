"""Word lists and patterns the rules share: what makes a value measurable, vague or relative.

One place for the vocabulary so that two rules never disagree about what "提升" or "2023年年底前"
means. Patterns work on cleaned, space-free text.
"""

from __future__ import annotations

import math
import re

# Directional, improvement and degree words (T07). A value made of these says which way things
# should go, or how much, without saying where they must end up.
DIRECTION_WORDS = (
    "提升", "提高", "改善", "增强", "优化", "拓展", "加强", "完善", "维持", "保持", "持平",
    "健全", "有效", "明显", "显著", "较好", "良好", "较高", "较大", "进一步", "促进", "推动",
    "推进", "扩大", "增加", "增长", "减少", "降低", "下降", "缩短", "加快", "深化", "逐步",
    "不断", "持续", "充分", "大幅", "有所", "稳步", "稳定提升", "较上年", "较往年", "与往年",
    "基础上", "更加", "积极", "得到", "加大", "强化", "提质", "拓宽",
)
_DIRECTION = re.compile("|".join(sorted(map(re.escape, DIRECTION_WORDS), key=len, reverse=True)))

# Qualitative states that only restate that something is fine (T08): no criterion, no grade.
STATE_WORDS = (
    "合规", "达标", "保障", "符合", "完备", "规范", "到位", "齐全", "合格", "可行", "稳定",
    "通畅", "畅通", "完整", "形成", "满意", "及时", "按时", "正常", "安全", "落实", "执行",
    "建立", "实现", "完成", "合理", "准确", "可靠", "有序", "全年",
)
_STATE = re.compile("|".join(map(re.escape, STATE_WORDS)))

# Words that start a comparison; a value made of one with no number ("不超过") compares with nothing.
OPERATOR_WORDS = (
    "≥", "≤", ">", "<", "=", "不超过", "不低于", "不少于", "不高于", "不大于", "不小于", "大于",
    "小于", "高于", "低于", "超过", "至少", "最多", "控制在", "以上", "以下", "以内",
)

# Values that can be checked at year end although they are not "operator + number + unit".
_DIGIT = re.compile(r"\d")
_FREQUENCY = re.compile(r"每[一二两三四五六七八九十个半]?[天日周月季年]|每季度|每半年|按[日天周月季年]|"
                        r"按季度|逐[日月年]|全天候|[一二两三四五六七八九十]次/")
_DEADLINE = re.compile(r"(?:年底|年末|年初|月底|月末|季末|季度末|日|号|节点|期限|工期)前|[上下]半年|年内完成")
_ZERO_EVENTS = re.compile(r"零(?:发生|事故|投诉|差错|失误|伤亡|违规|泄露)|不发生|未发生|无发生|杜绝|"
                          r"无[^，。,;；]{0,8}(?:事件|事故|差错|投诉|案件)")
_CRITERION = re.compile(r"《|》|国家标准|行业标准|地方标准|[^不]?标准要求|标准|等级|[一二三四五甲乙丙]级|"
                        r"通过(?:验收|评审|审核|审计|认证|检查|鉴定|考核|测评)|GB|ISO|"
                        # A grade of a national scale (空气质量 优良, AQI 优/良) is a criterion.
                        r"^优良$|"
                        # Spending measured against the approved budget: a figure the form holds.
                        r"(?:不超过|不超|不高于|控制在|低于)(?:项目|批复|年度)?预算|预算(?:范围)?内")

# Yes/no checks against documents (issue 15 §1): under output quality or management, "合规",
# "制度健全", "有专职人员" are verified by looking at the papers, not guessed; they are not vague.
CHECK_WORDS = ("合规", "规范", "完备", "达标", "符合", "合格", "齐全", "健全", "充分合理", "完整",
               "专款专用")
# What turns a yes/no value back into a judgement nobody can check ("执行有效", "宣贯到位").
_JUDGEMENT = re.compile(r"有效|到位|落实|保障|稳定|可行|全年|及时|按时|良好|较好|提升|提高|改善|加强|"
                        r"进一步|明显|显著|逐步|不断|持续|优化|增强|完善|促进|推动")
# "有监控机制", "有专职人员管理": the existence of a thing, checked on paper.
_EXISTS = re.compile(r"^有(?!效|所|序|力)")


def is_yes_no_check(text: str) -> bool:
    """A value that states a documentary yes/no check ("合规", "财务制度建立健全", "有专职人员")."""
    t = strip_punct(text)
    if not t:
        return False
    rest = t
    for w in CHECK_WORDS:
        rest = rest.replace(w, "")
    if _JUDGEMENT.search(rest):
        return False
    return rest != t or bool(_EXISTS.match(t))


# A percentage needs a denominator: a rate, a share, a property measured over time or samples.
_RATE_NAME = re.compile(r"率|比例|占比|百分比|份额|覆盖|程度|性|(?<!制)度|完成|达成|验收|稳定|正常|准确|可用|在线|"
                        # A change against a level ("较上年减少 10%") is a percentage of that level.
                        r"畅通|较|增长|增加|减少|提高|降低|下降")
# What a value cell may add after its number to say what it counts ("100%合规"). Only the value:
# a name that merely mentions 合格 somewhere ("…均合格") is no pass rate.
_RATE_VALUE = re.compile(r"合格|达标|合规|完成|覆盖")
# Goal verbs: a name that says what the project serves, not what is counted ("维护社会稳定").
_GOAL_VERBS = re.compile(r"维护|促进|推动|助推|助力|承担|营造|巩固|带动|确保|服务于|保障(?![房性])")
_YES_NO_STATE = re.compile(r"健全|建立")
_TEMPLATE_RATE = re.compile(r"\*+\s*[%％]")


def pseudo_rate(name: str, value_words: str = "") -> str | None:
    """Why a percentage on this indicator name measures nothing, or None when it is a rate.

    ``value_words`` is what the value cell says beside its number ("100%合规": 合规 is the rate).
    """
    if _TEMPLATE_RATE.search(name):
        return None  # a template's "(≥**%)": the form asks for a rate, the name is a sentence
    if len(strip_punct(name)) < 4:
        return None  # an empty or broken name: nothing to judge the percentage by
    n = strip_punct(name)
    if _YES_NO_STATE.search(n):
        return "名称是“有或没有”的状态（制度健全、已建立），百分比没有分母"
    m = _GOAL_VERBS.search(n)
    if m and not re.search(r"率|比例|占比", n):
        return f"名称“{m.group(0)}……”是工作方向，不是比率，百分比没有分母"
    if not _RATE_NAME.search(n) and not _RATE_VALUE.search(strip_punct(value_words)):
        return "名称不是比率或比例，百分比没有分母"
    return None


# A unit printed in the name: "面积(亩)", "成本控制数(萬元)", or the value's number with its unit
# ("配套电力设施1250KVA变压器3台" with the value 3).
_NAME_UNIT = re.compile(r"[(（]([^()（）\d]{1,5})[)）]$")


def unit_in_name(name: str, value: float | None = None) -> str | None:
    """The unit the name gives the value, or None."""
    m = _NAME_UNIT.search(name.strip())
    if m and not any(w in m.group(1) for w in ("≥", "≤", "*", "…")):
        return m.group(1)
    if value is not None and math.isfinite(value):
        number = f"{value:g}"
        m2 = re.search(rf"(?<![\d.]){re.escape(number)}([^\d\s，。、,;；()（）]{{1,2}})", name)
        if m2 and m2.group(1)[0] not in "年月日号":
            return m2.group(1)[:1] if m2.group(1)[:1] in "个台套件份次人户亩条栋" else m2.group(1)
    return None


_DEADLINE_UNIT = re.compile(r"(?:前|底|末|以前|之前|前完成|底前)$")


def is_deadline_unit(unit: str) -> bool:
    """A "unit" that makes the number a date: "9月前" parses as 9 with unit "月前"."""
    return bool(_DEADLINE_UNIT.search(unit))


# Money (T14, T23, T28): units a cost or a fund is written in, in yuan.
MONEY_UNITS: dict[str, float] = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8, "萬元": 1e4, "億元": 1e8}


def split_rate_unit(unit: str | None) -> tuple[str, str | None]:
    """"万元/公里" → ("万元", "公里"); "元/人·天" → ("元", "人·天"); "亩" → ("亩", None)."""
    if not unit:
        return "", None
    for sep in ("/", "／", "每"):
        if sep in unit:
            head, _, tail = unit.partition(sep)
            return head, tail or None
    return unit, None


# Names where a smaller figure is the aim although they look like costs: savings and cuts.
GOOD_DECREASE = ("节约", "节省", "降低率", "下降率", "减少率", "压减", "降幅")
# Counting units: what a number of things is counted in (T25 rates in 个, T24 quantities).
COUNT_UNITS = ("个", "人", "次", "件", "项", "户", "份", "台", "套", "家", "所", "名", "条", "处", "场",
               "册", "本", "张", "辆", "座", "栋", "间", "批", "期", "人次", "户次", "支", "门", "株", "棵")
# Quantities a goal sentence may name (T27, T29): number, optional 万/千/亿, unit.
_QUANTITY = re.compile(r"(\d+(?:\.\d+)?)\s*(万|千|亿)?\s*(平方米|平方公里|公顷|公里|千米|米|亩|人次|户次|人|户|"
                       r"个|所|家|座|栋|套|台|件|项|场|次|吨|株|棵|册|份|条|处|辆|间|张|名|批|头|只|支)")
_MULTIPLIER = {"万": 1e4, "千": 1e3, "亿": 1e8}
_SAME_UNIT = {"千米": "公里"}


def quantities(text: str) -> list[tuple[float, str, str]]:
    """(amount, unit, the words just before it) for every "8000亩" / "8万人次" in a sentence."""
    out = []
    for m in _QUANTITY.finditer(text or ""):
        amount = float(m.group(1)) * _MULTIPLIER.get(m.group(2) or "", 1.0)
        unit = _SAME_UNIT.get(m.group(3), m.group(3))
        before = strip_punct(text[max(0, m.start() - 8):m.start()])
        out.append((amount, unit, before))
    return out


def unit_key(unit: str | None) -> str:
    return _SAME_UNIT.get(unit or "", unit or "")


def in_base_unit(value: float, unit: str | None) -> tuple[float, str]:
    """"8万人次" → (80000, "人次"), "3千米" → (3, "公里"): quantities compared across spellings."""
    u = unit or ""
    if len(u) > 1 and u[0] in _MULTIPLIER and u[1:] not in ("元",) and not u.endswith("元"):
        return value * _MULTIPLIER[u[0]], unit_key(u[1:])
    return value, unit_key(u)


# Relative targets (T15): a change with a number but no level to start from.
_RELATIVE = re.compile(r"(?:提高|提升|增长|增加|下降|降低|减少|缩短|压缩|增幅|降幅)(?![到至])[^，。]{0,4}\d|"
                       r"(?:较上年|较去年|比上年|同比|环比|较往年|较基期)")
_BASELINE = re.compile(r"基线|基期值|上年(?:度)?(?:实际|完成)?(?:值|为)?\d|由\d|从\d")

# Time indicators (T17): names about when, and values that only say "on time".
TIME_NAME_WORDS = ("及时", "时限", "时间", "时效", "进度", "按时", "准时", "工期", "周期", "按期",
                   "期限", "时长", "完成期", "节点")
_TIME_NAME = re.compile("(?:" + "|".join(map(re.escape, TIME_NAME_WORDS)) + ")(?!内)")


def is_time_name(name: str) -> bool:
    """A name about when. "服务周期内空气质量" only says over which period a quality is measured."""
    return bool(_TIME_NAME.search(name))


TIME_VALUE_WORDS = ("及时", "按时", "准时", "适时", "按期", "如期", "尽快", "及早", "限时",
                    "在规定时间内", "按计划", "规定时限内", "按要求")

# Satisfaction indicators (T09, T11) are recognised by the name; a survey report is a product.
SATISFACTION_NAME = re.compile(r"满意")
_NOT_SATISFACTION = re.compile(r"报告|完成率|及时率|完成数|份数|次数|场次|合格率|验收")


def is_satisfaction_name(name: str) -> bool:
    return bool(SATISFACTION_NAME.search(name)) and not _NOT_SATISFACTION.search(name)

# Output-type measures that do not belong under 效益 (T11): quality, timeliness, completion.
OUTPUT_MEASURES = ("故障率", "差错率", "准确率", "合格率", "及时率", "完成率", "验收", "出错率",
                   "达标率", "通过率")
# Management and compliance items that are neither output nor benefit (T11).
MANAGEMENT_ITEMS = ("资金使用合规", "经费支出合规", "支出合规", "财务管理", "财务制度", "政府采购",
                    "信息公开", "预决算", "结余率", "科目调整")
# Benefit-type measures filed under 产出 (T11).
BENEFIT_MEASURES = ("知晓率", "知晓度", "获得感", "幸福感", "社会影响", "带动", "受益")
# Money flows restated as targets (T10): inputs, not results.
INPUT_WORDS = ("资金到位", "到位率", "到位及时", "拨付", "预算执行", "支出进度", "执行进度",
               "资金支付率", "经费保障")
# Cost basis (T18): what a cost figure should rest on.
COST_BASIS = ("定额", "支出标准", "标准", "成本分析", "成本测算", "单价", "测算", "市场价", "询价",
              "招标价", "中标价", "收费标准")
# Negative-direction indicator names: smaller is better (T20).
NEGATIVE_NAMES = ("故障率", "差错率", "错误率", "投诉率", "事故", "出错", "停机", "失误", "违规",
                  "超支", "成本", "费用", "单价", "空置率", "流失率", "泄露", "发生率", "返工率",
                  "不合格", "延误", "耗时", "用时", "处理时间", "办理时限", "响应时间")
# Positive-direction rate names: larger is better (T20).
POSITIVE_RATES = ("覆盖率", "合格率", "完成率", "达标率", "满意度", "满意率", "及时率", "准确率",
                  "知晓率", "通过率", "接通率", "办结率", "到位率", "使用率", "应用率", "可用率",
                  "处置率", "参与率", "执行率", "利用率", "响应率", "回访率", "登记率", "入账率")

# Self-evaluation: the three standard qualitative grades (S07, S08).
QUAL_FULL = "达成"
QUAL_PARTIAL = "部分达成"
QUAL_NONE = "未达成"
NOT_APPLICABLE = ("不适用", "不涉及", "无此项", "本年度不涉及", "未涉及")

# Deviation notes (S11, S12).
BOILERPLATE = {"暂无", "无", "/", "／", "-", "—", "——", "已完成", "完成", "无偏差", "没有偏差",
               "不存在偏差", "无问题", "正常", "达成", "达成指标", "见附件", "详见附件", "略", "同上",
               "无差异", "不适用", "改进措施", "偏差原因", "原因分析"}
VAGUE_CAUSES = ("客观原因", "外部原因", "其他原因", "多种原因", "各种原因", "某些原因")
_CAUSE = re.compile(r"原因|因为|由于|因(?!此)|受[^，。]{0,20}影响|影响|导致|致使|造成|不足|不够|未能|"
                    r"尚未|滞后|延迟|推迟|延期|变化|调整|取消|减少|降低|疫情|天气|政策|根据|暂停|"
                    r"未达|不满|无法|困难|短缺|较少|偏低|偏高|问题[:：]")
_MEASURE = re.compile(r"下一步|下步|今后|后续|拟|将|计划|改进措施|措施[:：]|加强|强化|完善|优化|推动|"
                      r"推进|建立|健全|提升|提高|做好|加快|落实|督促|跟踪|整改|扩大|增加|开展|组织")
_MEASURE_NEGATED = re.compile(r"有待(?:进一步)?(?:完善|加强|提高|提升|优化|健全)|仍需(?:进一步)?(?:完善|加强|提高|提升)|"
                              r"还需(?:进一步)?(?:完善|加强|提高|提升)|尚需(?:进一步)?(?:完善|加强|提高|提升)|"
                              r"仍有(?:提升|提高|改进)空间")
_SURVEY = re.compile(r"问卷|调查|调研|样本|测评|抽样|回访|评价|第三方")

_PUNCT = re.compile(r"[\s，。、；：！？（）《》“”‘’【】,.;:!?()\[\]\"'·…\-—_/／|]+")


def squash(text: str | None) -> str:
    """No whitespace at all: the form in which names and values are compared."""
    return "".join(text.split()) if text else ""


# A cell holding only these marks was left as the template had it ("*", "**", "/", "—"): it is an
# empty cell, not wording to improve.
_PLACEHOLDER = re.compile(r"^[*＊×/／\\\-－—–_…·.。]+$")


def is_placeholder(text: str | None) -> bool:
    return bool(_PLACEHOLDER.match(squash(text)))


def blank(text: str | None) -> bool:
    """Nothing written, or only a placeholder."""
    return not squash(text) or is_placeholder(text)


def strip_punct(text: str) -> str:
    return _PUNCT.sub("", text)


def has_digit(text: str) -> bool:
    return bool(_DIGIT.search(text))


def direction_word(text: str) -> str | None:
    m = _DIRECTION.search(text)
    return m.group(0) if m else None


def state_word(text: str) -> str | None:
    m = _STATE.search(text)
    return m.group(0) if m else None


def starts_with_operator(text: str) -> bool:
    return any(text.startswith(w) for w in OPERATOR_WORDS) or text in OPERATOR_WORDS


def is_relative(text: str) -> bool:
    return bool(_RELATIVE.search(text)) and has_digit(text)


def has_baseline(text: str) -> bool:
    return bool(_BASELINE.search(text))


def measurable_text(text: str) -> bool:
    """A qualitative value that can still be checked: a date, a period, a count of events…"""
    if has_digit(text):
        return not is_relative(text) or has_baseline(text)
    return bool(_FREQUENCY.search(text) or _DEADLINE.search(text) or _ZERO_EVENTS.search(text)
                or _CRITERION.search(text))


def any_in(text: str, words: tuple[str, ...]) -> str | None:
    for w in words:
        if w in text:
            return w
    return None


def qualitative_grade(actual: str | None) -> str | None:
    """"达成" / "部分达成" / "未达成" for the three standard phrases, else None."""
    if not actual:
        return None
    t = strip_punct(actual)
    if t.startswith(QUAL_NONE) or t.startswith("没有达成"):
        return QUAL_NONE
    if t.startswith(QUAL_PARTIAL) or t.startswith("基本达成"):
        return QUAL_PARTIAL
    if t.startswith(QUAL_FULL) or t.startswith("已达成") or t == "全部达成":
        return QUAL_FULL
    return None


def is_boilerplate(note: str) -> bool:
    t = strip_punct(note)
    if not t:
        return True
    if t in BOILERPLATE:
        return True
    if len(t) <= 4 and not _CAUSE.search(t):
        return True
    # "客观原因" and nothing else: names no cause and no measure.
    return any(v in t for v in VAGUE_CAUSES) and len(t) <= 12 and not has_measure(t)


def has_cause(note: str) -> bool:
    return bool(_CAUSE.search(note))


def has_measure(note: str) -> bool:
    return bool(_MEASURE.search(_MEASURE_NEGATED.sub("", note)))


def mentions_survey(text: str) -> bool:
    return bool(_SURVEY.search(text))
