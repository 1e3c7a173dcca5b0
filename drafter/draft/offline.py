"""The offline engine: a draft built deterministically from the most similar past forms.

No model, no network, no clock, no randomness: the same store and request give the same draft.

For each mandatory category the engine ranks the indicators of the retrieved past forms (project
similarity, closeness of the indicator name to the new project, target forms over OCR'd
self-evaluations) and takes the best ones that are measurable. It then re-scopes them to the new
project:

* quantities come from the new goal when it states them ("开展培训4次" → 开展培训数量 ≥4次), with
  the most similar past quantity indicator as reference; only without them are past quantities
  carried over, with a note to check them;
* quality and timeliness rates are attached to the new project's main output when the past
  indicator follows the common "<output>验收合格率 / 完成及时率" pattern, and a deadline is added;
* cost is the new project's funds (总成本 ≤ 资金), with a similar project's funds as baseline;
* vague past values (提升, 健全) are replaced: satisfaction keeps its name and takes the level
  similar projects set (≥N%); other categories take the closest measurable past indicator;
* the project's nature (项目性质) decides what a past value is: for a recurring project, its own
  earlier years (same name, earlier year) rank first and are cited as 本项目 history; for a one-off
  project, no past value is its history, so baselines say 无历史数据 and cite similar projects as
  a reference (取值依据 行业标准).

Every candidate is screened by the review rules (:mod:`.review`) before it is used, and each one
keeps the past form it came from in ``refs``.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from drafter.draft import vocab
from drafter.draft.request import DraftRequest
from drafter.draft.retrieve import PastForm, Retrieval
from drafter.draft.schema import DraftIndicator, DraftResponse, allowed_refs, num
from drafter.model import Form, Funds, Indicator
from drafter.nature import KIND_ZH, nature_kind

QUOTA = {"数量": 3, "质量": 2, "时效": 2, "成本": 1, "效益": 2, "满意度": 1}
EVIDENCE = {
    "数量": "工作台账、成果清单及验收材料",
    "质量": "验收报告、质量检查记录",
    "时效": "项目进度台账、完成时间记录",
    "成本": "财务决算报表、支付凭证",
    "效益": "业务统计报表、信息系统数据",
    "满意度": "满意度问卷调查报告（注明样本量和测评方式）",
}
_COUNT_UNITS = ("人次", "台次", "户次", "场次", "件次", "车次", "万平方米", "平方米", "课时", "小时", "公里", "个", "份", "次", "场", "项", "户",
                "幢", "栋", "家", "件", "篇", "期", "套", "台", "条", "处", "批", "册", "部", "本",
                "张", "所", "座", "辆", "人", "轮", "类", "单")
_QUANTITY = re.compile(r"(?P<pre>不少于|不低于|至少|累计|共计|共|约|达到)?(?P<num>\d+(?:\.\d+)?)\s*"
                       r"(?P<unit>" + "|".join(sorted(_COUNT_UNITS, key=len, reverse=True)) + r")"
                       r"(?P<post>以上|及以上)?")
_CLAUSE = re.compile(r"[，。；;,、\n]|(?:\d+[、.．)）])|（\d+）")
_LEAD_VERBS = ("完成", "开展", "组织", "实施", "举办", "印制", "编制", "制作", "提供", "新增", "建设",
               "建成", "形成", "发放", "开发", "召开", "进行", "做好", "推进")
_PATTERN_SUFFIXES = ("验收合格率", "完成及时率", "验收通过率", "及时率", "合格率", "准确率")
_BAD_NAME = re.compile(r"[/+∧·|↑↓\\]|^[^\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SAT_DEFAULT = 90.0
_ECO_WORDS = ("生态", "环境", "绿化", "节能", "减排", "能耗", "碳", "垃圾", "污染", "噪声", "白蚁", "灭蚁", "节水")


@dataclass
class Candidate:
    past: PastForm
    ind: Indicator
    category: str
    level2: str
    score: float

    @property
    def measurable(self) -> bool:
        return _measurable(self.ind, self.category)


def draft_offline(request: DraftRequest, retrieval: Retrieval) -> tuple[DraftResponse, list[str]]:
    """A validated draft and the notes that explain its choices."""
    notes: list[str] = []
    if not retrieval.forms and retrieval.error:
        # The store is there but unusable: "run ingest" alone would hide what is wrong.
        raise OfflineError(f"无法检索历史表单，无法离线起草：{retrieval.error}")
    if not retrieval.forms:
        raise OfflineError("没有可参考的历史表单，无法离线起草：请先运行 drafter ingest 导入历史表单")
    pool = _candidates(request, retrieval)
    _nature_note(request, retrieval, notes)
    builder = _Builder(request, retrieval, pool, notes)
    drafted = builder.build()
    with allowed_refs({p.ref_id for p in retrieval.forms}):
        response = DraftResponse(annual_goal=_goal(request, notes), indicators=drafted)
    return response, notes


class OfflineError(Exception):
    """The offline engine cannot draft (no past forms at all); printed as one line."""


class _Builder:
    def __init__(self, request: DraftRequest, retrieval: Retrieval, pool: list[Candidate],
                 notes: list[str]):
        self.req = request
        self.retrieval = retrieval
        self.pool = pool
        self.notes = notes
        self.names: set[str] = set()
        self.top = retrieval.forms[0]
        self.outputs = _goal_quantities(request.goal)
        self.objects = [_object_of(o[0]) for o in self.outputs]
        self.main_output = self.objects[0] if self.objects else None
        self.quota = dict(QUOTA)
        # Past quantities belong to past work: carry over only enough to have two.
        self.quota["数量"] = max(2, min(QUOTA["数量"], len(self.outputs)))
        self.nature = nature_kind(request.project_nature)

    def build(self) -> list[DraftIndicator]:
        out: list[DraftIndicator] = []
        for category in vocab.CATEGORIES:
            # Each method proposes more than the quota, best first; screening keeps the quota.
            made = [self._by_nature(d) for d in getattr(self, f"_{_METHOD[category]}")()]
            out.extend(self._screened(made, category))
        return out

    # -- categories --------------------------------------------------------------------------

    def _quantity(self) -> list[DraftIndicator]:
        out = []
        for name, op, value, unit in self.outputs[:QUOTA["数量"]]:
            analogue = self._best("数量", like=name)
            ref = analogue.past if analogue else self.top
            hist = f"（同类：{_hist(analogue)}）" if analogue else ""
            out.append(self._make("数量", "数量指标", _quantity_name(name), op, value, unit,
                                  f"无历史数据：本项目按年度工作计划设定{hist}", "计划标准", ref))
        if len(out) < 2:
            carried = [self._from(c) for c in self._ranked("数量") if c.measurable]
            if carried:
                self.notes.append("项目目标未写明工作量，数量指标沿用相似项目的取值，请按本项目实际工作量核定")
            out.extend(carried)
        return out

    def _quality(self) -> list[DraftIndicator]:
        return [self._rescoped(c, i) for i, c in enumerate(c for c in self._ranked("质量") if c.measurable)]

    def _timeliness(self) -> list[DraftIndicator]:
        picked = [c for c in self._ranked("时效") if c.measurable]
        ref = picked[0].past if picked else self.top
        year = f"{self.req.year}年" if self.req.year else ""
        what = self.main_output or "年度工作任务"
        # A deadline first: a rate of "完成及时率 =100%" says nothing about when.
        deadline = self._make("时效", "时效指标", f"{what}完成时限", None, None, None,
                              f"无历史数据：按{year or '本'}年度工作计划设定完成期限", "计划标准", ref,
                              state=f"{year}12月31日前完成并通过验收")
        return [deadline] + [self._rescoped(c, i) for i, c in enumerate(picked)]

    def _cost(self) -> list[DraftIndicator]:
        funded = [p for p in self.retrieval.forms if p.form.funds and p.form.funds.total]
        ref = funded[0] if funded else self.top
        if funded:
            f = ref.form.funds
            baseline = f"{ref.form.year or ''}年同类项目资金{num(_wan(f))}万元（{ref.ref_id}）"
        else:
            baseline = "无历史数据：参考表单未列项目资金"
        if self.req.funds_wan is not None:
            return [self._make("成本", "经济成本指标", "项目总成本", "≤", round(self.req.funds_wan, 4), "万元",
                               baseline, "计划标准", ref)]
        self.notes.append("未提供项目资金（--funds），成本指标暂以批复预算为上限，请补充资金后改为项目总成本")
        return [self._make("成本", "经济成本指标", "项目支出占批复预算比例", "≤", 100.0, "%",
                           baseline, "计划标准", ref)]

    def _benefit(self) -> list[DraftIndicator]:
        chosen = [c for c in self._ranked("效益") if c.measurable]
        vague = [c for c in self._by_project("效益") if not c.measurable and c.past is self.top]
        if vague and chosen:
            self.notes.append(f"最相似项目{self.top.label}的效益指标“" + "”“".join(c.ind.name for c in vague[:2])
                              + "”取值为“" + "、".join(dict.fromkeys(_value_text(c.ind) for c in vague[:2]))
                              + "”，无法考核，已改用相似项目中可考核的效益指标")
        return [self._from(c) for c in chosen]

    def _satisfaction(self) -> list[DraftIndicator]:
        ranked = self._ranked("满意度")
        level = _satisfaction_level(ranked)
        # Whom to ask comes from the most similar project; how satisfied, from all of them.
        by_project = self._by_project("满意度")
        if not by_project:
            return [self._make("满意度", "服务对象满意度指标", "服务对象满意度", "≥", level, "%",
                               "无历史数据：参考表单未设满意度指标", "行业标准", self.top)]
        best = by_project[0]
        if best.measurable:
            return [self._from(best)] + [self._from(c) for c in ranked if c.measurable]
        self.notes.append(f"{best.past.label}的“{best.ind.name}”取值为“{_value_text(best.ind)}”，无法考核，"
                          f"已按相似项目的满意度目标（中位数）改为 ≥{num(level)}%")
        replaced = self._make("满意度", "服务对象满意度指标", self._scope(best.ind.name, best.past), "≥", level,
                              "%", f"{_hist(best)}；相似项目满意度目标中位数{num(level)}%", "历史标准",
                              best.past)
        return [replaced] + [self._from(c) for c in ranked if c.measurable]

    def _by_nature(self, d: DraftIndicator) -> DraftIndicator:
        """A past value as baseline, said as the project's nature makes it (see the module doc)."""
        if d.basis != "历史标准" or self.nature is None:
            return d
        if self.nature == "one_off":
            return d.model_copy(update={
                "baseline": f"无历史数据：一次性项目，{d.baseline}仅作参考"[:120], "basis": "行业标准"})
        past = self.retrieval.by_id().get(d.refs[0]) if d.refs else None
        if past is not None and own_history(self.req, past.form):
            return d.model_copy(update={"baseline": f"本项目{d.baseline}"[:120]})
        return d

    # -- building blocks ---------------------------------------------------------------------

    def _ranked(self, category: str) -> list[Candidate]:
        return [c for c in self.pool if c.category == category]

    def _by_project(self, category: str) -> list[Candidate]:
        """Candidates in retrieval order: the most similar project's indicators first, as printed."""
        order = {id(p): i for i, p in enumerate(self.retrieval.forms)}
        return sorted(self._ranked(category),
                      key=lambda c: (order[id(c.past)], c.past.form.indicators.index(c.ind)))

    def _best(self, category: str, like: str) -> Candidate | None:
        from drafter.store.features import vector
        cands = [c for c in self._ranked(category) if c.measurable]
        if not cands:
            return None
        q = vector(like)
        return max(cands, key=lambda c: (float(q @ vector(c.ind.name)), c.score))

    def _from(self, c: Candidate) -> DraftIndicator:
        ind = c.ind
        op = ind.op or ("=" if ind.unit == "%" and ind.value == 100 else "≥")
        if c.category == "满意度" and op != "≥":
            op = "≥"  # a satisfaction rate is a floor (T09)
        return self._make(c.category, c.level2, self._scope(ind.name, c.past), op, ind.value, ind.unit,
                          _hist(c), "历史标准", c.past)

    def _rescoped(self, c: Candidate, i: int) -> DraftIndicator:
        """``c`` re-aimed at the new project's i-th output when its name is "<output><rate>"."""
        d = self._from(c)
        suffix = next((s for s in _PATTERN_SUFFIXES if c.ind.name.endswith(s)), None)
        if i < len(self.objects) and suffix and c.ind.name != suffix:
            d = d.model_copy(update={"name": f"{self.objects[i]}{suffix}"})
        return d

    def _scope(self, name: str, past: PastForm) -> str:
        old = past.form.project_name or ""
        if len(old) >= 3 and old in name:
            name = name.replace(old, self.req.name)
        return re.sub(r"(?:达到|达)$", "", name)  # "登记率达" lost its value to the next cell

    def _make(self, category: str, level2: str, name: str, op: str | None, value: float | None,
              unit: str | None, baseline: str, basis: str, past: PastForm,
              state: str | None = None) -> DraftIndicator:
        return DraftIndicator.model_construct(
            level1=vocab.LEVEL2[level2][0], level2=level2, name=name[:40], op=op, value=value, unit=unit,
            state=state, baseline=baseline, basis=basis, evidence=EVIDENCE[category], refs=[past.ref_id])

    def _screened(self, made: list[DraftIndicator], category: str) -> list[DraftIndicator]:
        """Valid, unique, and passed by the review rules; a category never ends up empty."""
        out: list[DraftIndicator] = []
        for d in made:
            if len(out) >= self.quota[category]:
                break
            if d.name in self.names or not _valid(d, self.retrieval) or _blocked(d, self.req):
                continue
            self.names.add(d.name)
            out.append(d)
        if not out:
            out = [self._fallback(category)]
            self.names.add(out[0].name)
        return out

    def _fallback(self, category: str) -> DraftIndicator:
        """A generic measurable indicator for a category no past indicator could fill."""
        what = self.main_output or self.req.name
        ref = self.top
        generic = {
            "数量": (f"{what}完成数量", "≥", 1.0, "项"),
            "质量": (f"{what}验收合格率", "=", 100.0, "%"),
            "时效": (f"{what}完成及时率", "=", 100.0, "%"),
            "成本": ("项目支出占批复预算比例", "≤", 100.0, "%"),
            "效益": ("有责投诉率", "≤", 5.0, "%"),
            "满意度": ("服务对象满意度", "≥", _SAT_DEFAULT, "%"),
        }[category]
        name, op, value, unit = generic
        self.notes.append(f"相似项目中没有可用的{category}指标，已按通行写法设置“{name}”，请核实取值")
        return self._make(category, vocab.DEFAULT_LEVEL2[category], name, op, value, unit,
                          "无历史数据：相似项目未设可考核的同类指标", "其他标准", ref)


_METHOD = {"数量": "quantity", "质量": "quality", "时效": "timeliness", "成本": "cost", "效益": "benefit",
           "满意度": "satisfaction"}


def _candidates(request: DraftRequest, retrieval: Retrieval) -> list[Candidate]:
    """Every usable past indicator, best first (ties broken by source and name: deterministic)."""
    from drafter.store.features import vector

    q = vector(request.query)
    # A recurring project's own earlier years are the closest evidence there is: they rank first.
    recurring = nature_kind(request.project_nature) == "recurring"
    own = {id(p): own_history(request, p.form) for p in retrieval.forms}
    out: list[Candidate] = []
    for past in retrieval.forms:
        for ind in past.form.indicators:
            category = vocab.category_of(ind.level1, ind.level2)
            level2 = vocab.level2_label(ind.level1, ind.level2)
            if category is None or level2 is None or not _clean_name(ind.name):
                continue
            if category == "满意度" and "满意" not in ind.name:
                continue  # a 签约率 filed under satisfaction is not one (T11)
            if level2 == "生态效益指标" and not any(w in ind.name for w in _ECO_WORDS):
                continue  # past forms file registration rates as 环境效益; a draft should not copy that
            name_sim = float(q @ vector(ind.name))
            score = (0.55 * past.score + 0.45 * name_sim + (0.05 if past.form.kind == "target" else 0.0)
                     + (0.3 if _measurable(ind, category) else 0.0) + (0.5 if recurring and own[id(past)] else 0.0))
            out.append(Candidate(past, ind, category, level2, round(score, 6)))
    out.sort(key=lambda c: (-c.score, c.past.ref_id, c.ind.name))
    return out


def own_history(request: DraftRequest, form: Form) -> bool:
    """Is ``form`` an earlier year of the requested project (same name, not a later year)?"""
    from drafter.rules.view import project_key

    if project_key(form.project_name) != project_key(request.name):
        return False
    return request.year is None or form.year is None or form.year < request.year


def _nature_note(request: DraftRequest, retrieval: Retrieval, notes: list[str]) -> None:
    printed = request.project_nature
    if not printed:
        return
    kind = nature_kind(printed)
    if kind is None:
        notes.append(f"项目性质「{printed}」不是已知类型（经常性 / 一次性），起草时未使用")
        return
    if kind == "one_off":
        notes.append("项目性质为一次性：相似项目的取值只作参考，基线写“无历史数据”，取值依据记为行业标准")
        return
    mine = [p for p in retrieval.forms if own_history(request, p.form)]
    if mine:
        notes.append(f"项目性质为{KIND_ZH[kind]}：本项目往年表单" + "、".join(p.label for p in mine[:3])
                     + "的指标优先沿用，其取值作为基线")
    else:
        notes.append(f"项目性质为{KIND_ZH[kind]}，但存储中没有本项目往年的表单：基线取自相似项目，"
                     "请导入本项目往年的目标表或自评表（drafter ingest）")


def _measurable(ind: Indicator, category: str) -> bool:
    if ind.value is None or not ind.unit:
        return False
    if ind.unit == "%" and not 0 <= ind.value <= 100:
        return False
    # Past forms misfile "完成率 =100%" as a quantity and "规范化建设 ≥29个" as quality; a
    # quantity counts things, a quality is a rate.
    if category == "数量" and ind.unit == "%":
        return False
    if category == "质量" and ind.unit != "%":
        return False
    if category == "满意度":
        return ind.unit == "%" and ind.value < 100
    if category == "质量" and ind.unit == "%" and ind.value == 0:
        return False
    return True


def _clean_name(name: str) -> bool:
    """OCR'd self-evaluations carry names like "/+/+" or "住宅西記套"; keep only readable ones."""
    text = re.sub(r"\s+", "", name or "")
    if not 3 <= len(text) <= 30 or _BAD_NAME.search(text):
        return False
    return len(_CJK.findall(text)) / len(text) >= 0.6


def _valid(d: DraftIndicator, retrieval: Retrieval) -> bool:
    from pydantic import ValidationError
    try:
        with allowed_refs({p.ref_id for p in retrieval.forms}):
            DraftIndicator.model_validate(d.model_dump())
    except ValidationError:
        return False
    return True


def _blocked(d: DraftIndicator, request: DraftRequest) -> bool:
    """Would the review rules object to this indicator in the new project's form?"""
    from drafter.draft.review import indicator_findings

    ind = Indicator(level1=d.level1, level2=d.level2, name=d.name, target_raw=d.target_text,
                    op=d.op, value=d.value, unit=d.unit, qualitative=d.state, baseline=d.baseline,
                    basis=d.basis, evidence=d.evidence, refs=d.refs)
    funds = Funds(total=request.funds_wan, unit="万元") if request.funds_wan is not None else None
    form = Form(kind="target", project_name=request.name, funds=funds, indicators=[ind])
    # Any finding on the indicator itself disqualifies it: there is usually a clean alternative.
    return bool(indicator_findings(form).get(0))


def _hist(c: Candidate | None) -> str:
    if c is None:
        return ""
    f = c.past.form
    year = f"{f.year}年" if f.year else "往年"
    actual = c.ind.actual_raw
    if f.kind == "self_eval" and actual and re.search(r"\d", actual):
        return f"{year}实际完成{_clean_value(actual)}（{c.past.ref_id}）"
    return f"{year}目标值{_value_text(c.ind)}（{c.past.ref_id}）"


def _value_text(ind: Indicator) -> str:
    if ind.value is not None:
        return f"{ind.op or ''}{num(ind.value)}{ind.unit or ''}"
    return _clean_value(ind.target_raw or ind.qualitative or "未填写")


def _clean_value(raw: str) -> str:
    return re.sub(r"\s+", "", raw).replace("(", "").replace(")", "").replace("百分之", "%")


def _satisfaction_level(ranked: list[Candidate]) -> float:
    values = [c.ind.value for c in ranked if c.measurable and c.ind.value is not None]
    if not values:
        return _SAT_DEFAULT
    return float(round(statistics.median(values)))


def _wan(funds: Funds) -> float:
    factor = {"元": 1e-4, "万元": 1.0, "亿元": 1e4, "千元": 0.1}.get(funds.unit or "元", 1e-4)
    return round((funds.total or 0) * factor, 2)


def _goal(request: DraftRequest, notes: list[str]) -> str:
    goal = request.goal.strip()
    limit = next(m.max_length for m in DraftResponse.model_fields["annual_goal"].metadata
                 if getattr(m, "max_length", None))
    if len(goal) > limit:
        notes.append(f"年度目标超过 {limit} 字，草稿只保留前 {limit} 字，请精简后填入申报表")
        return goal[: limit - 1] + "…"
    return goal if len(goal) >= 10 else f"{goal}，完成下列绩效指标"


def _goal_quantities(goal: str) -> list[tuple[str, str, float, str]]:
    """(clause, op, value, unit) for every "做什么 + 数量 + 单位" the goal states, in order."""
    out: list[tuple[str, str, float, str]] = []
    seen: set[str] = set()
    for clause in _CLAUSE.split(goal):
        clause = clause.strip()
        m = _QUANTITY.search(clause)
        if not m:
            continue
        name = (clause[: m.start()] + clause[m.end():]).strip(" ：:（）()")
        name = re.sub(r"^(?:其中|全年|年度|本年度|每年)", "", name).rstrip("的等")
        if len(_CJK.findall(name)) < 2 or name in seen:
            continue
        seen.add(name)
        op = "≥" if m.group("pre") in ("不少于", "不低于", "至少", "达到", None) or m.group("post") else "="
        out.append((name, op, float(m.group("num")), m.group("unit")))
    return out


def _quantity_name(clause: str) -> str:
    return clause if clause.endswith(("数", "量", "数量")) else f"{clause}数量"


def _object_of(clause: str) -> str:
    """The thing a clause makes: "开展物业管理培训" → "物业管理培训"."""
    for verb in _LEAD_VERBS:
        if clause.startswith(verb) and len(clause) > len(verb) + 1:
            return clause[len(verb):]
    return clause

