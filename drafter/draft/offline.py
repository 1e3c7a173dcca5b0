"""The offline engine: a draft built deterministically from the goal, the indicator library and past forms.

No model, no network, no clock, no randomness: the same store, library and request give the same
draft.

First the project is placed (:mod:`.classify`): its sector and project type, and whether it spans
years. Then every category is filled from, in this order:

* the goal's own quantities (:mod:`.goal`): "新建高标准农田8万亩" → 新建高标准农田面积 ≥8万亩;
* library rows of the project's sector that name at least half of their objects in the project
  (or one object and the field they were published for, :func:`_names_its_object`), and the
  common rows of its project type that name nothing the project lacks;
* past forms, only of the same sector, above a similarity floor, and only rows that name an
  object the new project names too (the relevance gate, :func:`_admissible`).
* the project's nature (项目性质) decides what a past value is: for a recurring project, its own
  earlier years (same name, earlier year) rank first, whatever the gate, and are cited as 本项目
  history; for a one-off project, no past value is its history, so baselines say 无历史数据 and
  cite similar projects as a reference (取值依据 行业标准).

Each category holds as many rows as the sector's similar past forms typically do
(:func:`_typical_quota`), within the form's 16 rows. Ranking is fit first, measurability
second: a foreign measurable row never beats a fitting one, and a slot nothing fits gets the
common row of its type or a note saying what to add (待补充), never a row about another
project's objects. Cost is the funds, plus a unit cost (funds ÷ the
goal's main quantity, the arithmetic in its baseline) and a library norm where one applies;
timeliness follows the project type (annual progress for multi-year projects, a payment schedule
for subsidies, a response time for maintenance); satisfaction asks the project's own
beneficiaries. Every candidate is screened by the review rules (:mod:`.review`) before it is
used, and each keeps the past form or library row it came from in ``refs``.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Any

from drafter.draft import goal as goal_parser
from drafter.draft import vocab
from drafter.draft.classify import Profile
from drafter.draft.library import Library, LibraryRow, fit_text
from drafter.draft.request import DraftRequest
from drafter.draft.retrieve import PastForm, Retrieval
from drafter.draft.schema import DraftIndicator, DraftResponse, allowed_refs, num
from drafter.draft.words import object_words, shared_words
from drafter.model import Form, Funds, Indicator
from drafter.nature import KIND_ZH, nature_kind

QUOTA = {"数量": 3, "质量": 3, "时效": 2, "成本": 2, "效益": 3, "满意度": 2}
EVIDENCE = {
    "数量": "工作台账、成果清单及验收材料",
    "质量": "验收报告、质量检查记录",
    "时效": "项目进度台账、完成时间记录",
    "成本": "财务决算报表、支付凭证",
    "效益": "业务统计报表、信息系统数据",
    "满意度": "满意度问卷调查报告（注明样本量和测评方式）",
}
# Rows set from the request itself (its goal, funds, type) cite it, not a stranger's form.
GOAL_REF = "G"
# Past forms below this retrieval score are not similar projects, whatever their rank.
SIMILARITY_FLOOR = 0.05
_LEAD_VERBS = ("负责", "设置", "设立", "完成", "开展", "组织", "实施", "举办", "印制", "编制", "制作", "提供", "新增", "建设",
               "建成", "形成", "发放", "开发", "召开", "进行", "做好", "推进", "新建", "改造", "购置", "配套")
_PATTERN_SUFFIXES = ("验收合格率", "完成及时率", "验收通过率", "及时率", "合格率", "准确率")
_BAD_NAME = re.compile(r"[/+∧·|↑↓\\$^]|^[^\u4e00-\u9fff(（\d]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SAT_DEFAULT = 90.0
_ECO_WORDS = ("生态", "环境", "绿化", "节能", "减排", "能耗", "碳", "垃圾", "污染", "噪声", "白蚁", "灭蚁", "节水")
_BASIS = {"计划标准": "计划标准", "行业标准": "行业标准", "历史标准": "历史标准", "财政部门标准": "其他标准"}
# Whom a satisfaction survey asks, by sector, when the type does not say (培训 → 参训学员).
BENEFICIARIES = {
    "农业农村": "项目区农户", "水利": "项目区群众", "林业和草原": "项目区群众", "教育": "学生家长",
    "卫生健康": "就诊患者", "医疗保障": "参保群众", "民政": "救助对象", "住房城乡建设": "小区居民",
    "城市管理": "市民", "交通运输": "沿线群众", "文化和旅游": "参与群众", "体育": "参赛群众",
    "科技": "服务企业", "人力资源和社会保障": "服务对象", "司法": "当事人", "公安": "辖区群众",
    "应急管理": "辖区群众", "残疾人事业": "残疾人", "退役军人事务": "优抚对象", "商务": "服务企业",
}
# What can break down and be reported for repair: maintenance of these answers within a response time.
_REPAIRABLE = ("系统", "设备", "设施", "平台", "网络", "机房", "线路", "管网", "故障", "报修", "维修", "电梯", "路灯",
               "车辆", "仪器", "软件", "热线", "服务器")
_TYPE_BENEFICIARY = ("培训", "补贴补助", "会议活动")
_PER_UNIT_FIRST = ("万平方米", "平方米", "万亩", "亩", "公顷", "万公里", "公里", "千米", "米", "延米", "万人", "人",
                   "名", "万人次", "人次", "万户", "户")


@dataclass
class Candidate:
    ref_id: str
    ind: Indicator
    category: str
    level2: str
    fit: float
    score: float
    past: PastForm | None = None
    row: LibraryRow | None = None

    @property
    def measurable(self) -> bool:
        return _measurable(self.ind, self.category)


def draft_offline(request: DraftRequest, retrieval: Retrieval, library: Library | None = None,
                  profile: Profile | None = None) -> tuple[DraftResponse, list[str]]:
    """A validated draft and the notes that explain its choices."""
    from drafter.draft import library as lib
    from drafter.draft.classify import profile as classify

    notes: list[str] = []
    if not retrieval.forms and retrieval.error:
        # The store is there but unusable: "run ingest" alone would hide what is wrong.
        raise OfflineError(f"无法检索历史表单，无法离线起草：{retrieval.error}")
    library = library or lib.load()
    profile = profile or classify(library, request.name, request.goal, request.funds_wan,
                                  request.sector, request.project_type)
    notes.append(profile.describe())
    rows = library_candidates(library, profile, request)
    retrieval.library = [c.row for c in rows if c.row is not None]
    retrieval.goal_ref = f"本项目申报#年度目标与资金（{request.name}）"
    pool = sorted(rows + _candidates(request, retrieval, library, profile),
                  key=lambda c: (-c.fit, not c.measurable, -c.score, c.ref_id, c.ind.name))
    _nature_note(request, retrieval, notes)
    builder = _Builder(request, retrieval, pool, notes, profile)
    drafted = builder.build()
    with allowed_refs(retrieval.ref_ids()):
        response = DraftResponse(annual_goal=_goal(request, notes), indicators=drafted)
    return response, notes


class OfflineError(Exception):
    """The offline engine cannot draft; printed as one line."""


class _Builder:
    def __init__(self, request: DraftRequest, retrieval: Retrieval, pool: list[Candidate],
                 notes: list[str], profile: Profile):
        self.req = request
        self.retrieval = retrieval
        self.pool = pool
        self.notes = notes
        self.profile = profile
        self.names: set[str] = set()
        self.text = f"{request.name}\n{request.goal}"
        self.goal = goal_parser.parse(request.goal)
        self.outputs = [q for q in self.goal if q.category == "数量"]
        self.objects = [_object_of(q.object) for q in self.outputs]
        self.main_output = self.objects[0] if self.objects else None
        self.quota = _typical_quota(retrieval, profile)
        self.quota["数量"] = max(2, min(4, len(self.outputs)))
        self.placeholders: list[str] = []
        self.nature = nature_kind(request.project_nature)

    def build(self) -> list[DraftIndicator]:
        by_category: dict[str, list[DraftIndicator]] = {}
        for category in vocab.CATEGORIES:
            # Each method proposes more than the quota, best first; screening keeps the quota.
            made = [self._by_nature(d) for d in getattr(self, f"_{_METHOD[category]}")()]
            by_category[category] = self._screened(made, category)
        _trim(by_category, _MAX_ROWS)
        if self.placeholders:
            self.notes.append("待补充：" + "；".join(self.placeholders))
        return [d for category in vocab.CATEGORIES for d in by_category[category]]

    # -- categories --------------------------------------------------------------------------

    def _from_goal(self, category: str) -> list[DraftIndicator]:
        out = []
        # A goal pasted from an OCR'd form can be garbled: its damaged words are not copied.
        for q in (q for q in self.goal if q.category == category and _clean_name(q.name)):
            analogue = self._best(category, like=q.name)
            hist = f"（同类指标 {_value_text(analogue.ind)}，{analogue.ref_id}）" if analogue else ""
            out.append(self._make(category, q.level2, q.name, q.op, q.value, q.unit,
                                  f"无历史数据：本项目按年度目标“{q.clause[:24]}”设定{hist}", "计划标准",
                                  GOAL_REF))
        return out

    def _quantity(self) -> list[DraftIndicator]:
        out = self._from_goal("数量")
        if not self.outputs:
            out.extend(self._named_works())
        if len(out) < 2:
            carried = [self._from(c) for c in self._ranked("数量") if c.measurable]
            if carried:
                self.notes.append("项目目标未写明工作量，数量指标取自指标库或同行业相似项目的典型值，"
                                  "请按本项目实际工作量核定")
            elif not out:
                self.placeholders.append("数量指标——年度目标未写明工作量，请补充本项目完成的工作量（如面积、人次、台套）"
                                         "，替换通行写法的完成数量")
            out.extend(carried)
        return out

    def _named_works(self) -> list[DraftIndicator]:
        """Works the goal names without a number ("完成中型灌区节水改造项目和农业综合水价改革项目"): one each."""
        return [self._make("数量", "数量指标", f"{w}{'次数' if unit == '次' else '数量'}", "≥", 1.0, unit,
                           f"无历史数据：按年度目标“{w}”设定", "计划标准", GOAL_REF)
                for w, unit in named_works(self.req.goal)]

    def _quality(self) -> list[DraftIndicator]:
        picked = [c for c in self._ranked("质量") if c.measurable]
        return self._from_goal("质量") + [self._rescoped(c, i) for i, c in enumerate(picked)]

    def _timeliness(self) -> list[DraftIndicator]:
        year = f"{self.req.year}年" if self.req.year else ""
        what = self.main_output or _project_object(self.req.name, self.req.goal)
        picked = [c for c in self._ranked("时效") if c.measurable]
        timing = self.profile.timing
        if self.profile.multi_year:
            timing = "progress"
        elif timing == "progress":
            timing = "deadline"  # construction finished within the year has a completion date
        elif timing == "response" and not any(w in self.text for w in _REPAIRABLE):
            timing = "deadline"  # 绿化养护 or 保洁 has no breakdowns to answer
        if timing == "progress":
            first = self._make("时效", "时效指标", f"{year}{what}年度计划进度完成率", "≥", 90.0, "%",
                               "无历史数据：跨年度项目按年度实施计划设定当年进度目标", "计划标准", GOAL_REF)
        elif timing == "payment":
            first = self._make("时效", "时效指标", "补助资金发放时限", None, None, None,
                               "无历史数据：按补助资金发放办法设定发放周期", "计划标准", GOAL_REF,
                               state="每季度结束后15日内足额发放到位")
        elif timing == "response":
            first = self._make("时效", "时效指标", "故障（报修）响应时间", "≤", 2.0, "小时",
                               "无历史数据：按运维服务合同约定的响应时限设定", "计划标准", GOAL_REF)
        else:
            first = self._make("时效", "时效指标", f"{what}完成时限", None, None, None,
                               f"无历史数据：按{year or '本'}年度工作计划设定完成期限", "计划标准", GOAL_REF,
                               state=f"{year}12月31日前完成并通过验收")
        rescoped = [self._rescoped(c, i) for i, c in enumerate(picked)]
        from_goal = self._from_goal("时效")
        if from_goal and timing == "response":
            return from_goal + rescoped  # the goal's own response time replaces the default one
        if self.profile.multi_year:
            # A multi-year project is not finished this year: no completion dates carried over.
            rescoped = [d for d in rescoped if d.value is not None]
        return from_goal + [first] + rescoped

    def _cost(self) -> list[DraftIndicator]:
        funded = [p for p in self.retrieval.forms if p.form.funds and p.form.funds.total
                  and _same_sector(p, self.profile, self.retrieval)]
        out: list[DraftIndicator] = []
        if self.req.funds_wan is not None:
            if funded:
                f = funded[0].form.funds
                assert f is not None
                baseline = f"{funded[0].form.year or ''}年同类项目资金{num(_wan(f))}万元（{funded[0].ref_id}）"
                ref = funded[0].ref_id
            else:
                baseline = "无历史数据：按本项目申报资金设定成本上限"
                ref = GOAL_REF
            out.append(self._make("成本", "经济成本指标", "项目总成本", "≤", round(self.req.funds_wan, 4), "万元",
                                  baseline, "计划标准", ref))
            unit_cost = self._unit_cost()
            if unit_cost:
                out.append(unit_cost)
        else:
            self.notes.append("未提供项目资金（--funds），成本指标暂以批复预算为上限，请补充资金后改为项目总成本")
            out.append(self._make("成本", "经济成本指标", "项目支出占批复预算比例", "≤", 100.0, "%",
                                  "无历史数据：未提供项目资金", "计划标准", GOAL_REF))
        norms = [c for c in self._ranked("成本") if c.row is not None and c.measurable and "/" in (c.ind.unit or "")
                 and _norm_applies(c.row, self.text, self.profile)]
        out.extend(self._from(c) for c in norms[:1])
        return out

    def _unit_cost(self) -> DraftIndicator | None:
        """Funds ÷ the goal's main quantity, e.g. 6070万元 ÷ 8万亩 ≈ 759元/亩."""
        # The cost of one report or one system is the total: a unit cost needs a real quantity,
        # and an area, a length or a head count says more per unit than a count of sites.
        real = [q for q in self.outputs if q.value >= 10 or q.unit.startswith("万")]
        q = next((q for q in real if q.unit in _PER_UNIT_FIRST), real[0] if real else None)
        if q is None or not self.req.funds_wan:
            return None
        unit, per = q.unit, q.value
        if unit.startswith("万") and len(unit) > 1:
            unit, per = unit[1:], per * 1e4
        yuan = self.req.funds_wan * 1e4 / per
        value = round(yuan, 2) if yuan < 100 else float(round(yuan))
        obj = _object_of(q.object)
        norm = next((c for c in self._ranked("成本") if c.row is not None and (c.ind.unit or "").endswith("/" + unit)
                     and _norm_applies(c.row, self.text, self.profile)), None)
        cite = f"；指标库同类标准 {_value_text(norm.ind)}（{norm.ref_id}）" if norm else ""
        baseline = (f"无历史数据：按项目资金{num(self.req.funds_wan)}万元÷{num(q.value)}{q.unit}测算，"
                    f"约{num(value)}元/{unit}{cite}")
        return self._make("成本", "经济成本指标", f"{obj}单位成本", "≤", value, f"元/{unit}", baseline,
                          "计划标准", norm.ref_id if norm else GOAL_REF)

    def _benefit(self) -> list[DraftIndicator]:
        chosen = [self._from(c) for c in self._ranked("效益") if c.measurable]
        out = self._from_goal("效益") + chosen
        vague = [c for c in self._ranked("效益") if not c.measurable and c.past is not None]
        if vague:
            top = vague[0].past
            assert top is not None
            names = list(dict.fromkeys(c.ind.name for c in vague if c.past is top))[:2]
            self.notes.append(f"同行业项目{top.label}的效益指标“" + "”“".join(names) + "”取值为“"
                              + "、".join(dict.fromkeys(_value_text(c.ind) for c in vague[:2]))
                              + "”，无法考核，未沿用")
        if not out:
            self.placeholders.append(f"效益指标——请按年度目标写明{self.main_output or '本项目'}带来的可量化效益"
                                     f"（如受益{self._beneficiary()}数、增收金额），替换通行写法的覆盖率")
        return out

    def _satisfaction(self) -> list[DraftIndicator]:
        ranked = [c for c in self._ranked("满意度") if c.measurable]
        level = _satisfaction_level(ranked)
        goal_rows = self._from_goal("满意度")
        fitting = [self._from(c) for c in ranked if c.row is None or not c.row.common]
        who = self._beneficiary()
        own = self._make("满意度", "服务对象满意度指标", f"{who}满意度", "≥", level, "%",
                         f"无历史数据：按同类项目满意度目标设定（{num(level)}%）", "行业标准",
                         ranked[0].ref_id if ranked else GOAL_REF)
        rows = goal_rows + fitting
        if self.profile.project_type in _TYPE_BENEFICIARY:
            return [own] + rows  # trainees, recipients, participants: the type says whom to ask
        return rows or [own]

    def _beneficiary(self) -> str:
        p = self.profile
        if p.project_type in _TYPE_BENEFICIARY:
            return p.beneficiary
        return BENEFICIARIES.get(p.sector, p.beneficiary)

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

    def _best(self, category: str, like: str) -> Candidate | None:
        cands = [c for c in self._ranked(category) if c.measurable and shared_words(c.ind.name, like)]
        return cands[0] if cands else None

    def _from(self, c: Candidate) -> DraftIndicator:
        ind = c.ind
        op = ind.op or ("=" if ind.unit == "%" and ind.value == 100 else "≥")
        if c.category == "满意度" and op != "≥":
            op = "≥"  # a satisfaction rate is a floor (T09)
        basis = _BASIS.get(c.row.basis, "行业标准") if c.row is not None else "历史标准"
        return self._make(c.category, c.level2, self._scope(ind.name, c.past), op, ind.value, ind.unit,
                          _hist(c), basis, c.ref_id)

    def _rescoped(self, c: Candidate, i: int) -> DraftIndicator:
        """``c`` re-aimed at the new project's i-th output when its name is "<output><rate>"."""
        d = self._from(c)
        suffix = next((s for s in _PATTERN_SUFFIXES if c.ind.name.endswith(s)), None)
        if i < len(self.objects) and suffix and c.ind.name != suffix and c.row is None:
            d = d.model_copy(update={"name": f"{self.objects[i]}{suffix}"})
        return d

    def _scope(self, name: str, past: PastForm | None) -> str:
        return re.sub(r"(?:达到|达)$", "", name)  # "登记率达" lost its value to the next cell

    def _make(self, category: str, level2: str, name: str, op: str | None, value: float | None,
              unit: str | None, baseline: str, basis: str, ref: str,
              state: str | None = None) -> DraftIndicator:
        return DraftIndicator.model_construct(
            level1=vocab.LEVEL2[level2][0], level2=level2, name=name[:40], op=op, value=value, unit=unit,
            state=state, baseline=baseline[:120], basis=basis, evidence=EVIDENCE[category], refs=[ref])

    def _screened(self, made: list[DraftIndicator], category: str) -> list[DraftIndicator]:
        """Valid, unique, and passed by the review rules; a category never ends up empty."""
        out: list[DraftIndicator] = []
        for d in made:
            if len(out) >= self.quota[category] + (1 if _library_row(d) else 0):
                continue
            if d.name in self.names or not _valid(d, self.retrieval) or _blocked(d, self.req):
                continue
            measure = _generic_measure(d.name)
            if measure and measure in self.names:
                continue  # 项目(工程)验收合格率 after 工程竣工验收合格率 measures the same acceptance again (T12)
            self.names.add(d.name)
            if measure:
                self.names.add(measure)
            out.append(d)
        if not out:
            out = [self._fallback(category)]
            self.names.add(out[0].name)
        return out

    def _quality_fallback(self, what: str) -> tuple[str, str, float, str]:
        # Not str.format on the result: a project name may hold braces.
        template, op, value, unit = _QUALITY_FALLBACK.get(self.profile.project_type,
                                                          ("{}完成质量达标率", "≥", 95.0, "%"))
        return template.replace("{}", what, 1), op, value, unit

    def _fallback(self, category: str) -> DraftIndicator:
        """The common measurable row of a category, aimed at this project's own output."""
        what = self.main_output or _project_object(self.req.name, self.req.goal)
        generic = {
            "数量": (f"{what}完成数量", "≥", 1.0, "项"),
            "质量": self._quality_fallback(what),
            "时效": (f"{what}完成及时率", "=", 100.0, "%"),
            "成本": ("项目支出占批复预算比例", "≤", 100.0, "%"),
            "效益": (f"{self._beneficiary()}受益覆盖率", "≥", 90.0, "%"),
            "满意度": (f"{self._beneficiary()}满意度", "≥", _SAT_DEFAULT, "%"),
        }[category]
        name, op, value, unit = generic
        self.notes.append(f"没有贴合本项目的{category}指标可用，已按通行写法设置“{name}”，请核实取值")
        return self._make(category, vocab.DEFAULT_LEVEL2[category], name, op, value, unit,
                          "无历史数据：指标库和同行业项目中没有贴合本项目的同类指标", "其他标准", GOAL_REF)


# What a quality row measures when nothing fits, by project type ({} is the project's output).
_QUALITY_FALLBACK = {
    "基础设施建设": ("{}验收合格率", "=", 100.0, "%"), "设备购置": ("{}验收合格率", "=", 100.0, "%"),
    "信息化建设": ("{}验收合格率", "=", 100.0, "%"), "培训": ("{}考核合格率", "≥", 90.0, "%"),
    "会议活动": ("{}按计划举办率", "=", 100.0, "%"), "补贴补助": ("补助资金足额发放率", "=", 100.0, "%"),
}

_MAX_ROWS = next(m.max_length for m in DraftResponse.model_fields["indicators"].metadata
                 if getattr(m, "max_length", None))


def _trim(by_category: dict[str, list[DraftIndicator]], limit: int) -> None:
    """Drop the last (weakest) row of the fullest category until the draft fits the form."""
    while sum(len(v) for v in by_category.values()) > limit:
        fullest = max(by_category, key=lambda c: (len(by_category[c]) - QUOTA[c], len(by_category[c])))
        by_category[fullest].pop()


def _typical_quota(retrieval: Retrieval, profile: Profile) -> dict[str, int]:
    """Rows per category as real forms of the project's sector hold them, never fewer than QUOTA.

    Forms of a sector differ in size (a housing-bureau platform form lists 4 quality and 4
    timeliness rows, a county training form one or two); a draft sized like its sector's forms can
    cover what they measure. Only similar forms of the same sector count, and only when there are
    three or more; the increase is capped at two rows a category.
    """
    quota = dict(QUOTA)
    peers = [p.form for p in retrieval.forms if p.score >= SIMILARITY_FLOOR and _same_sector(p, profile, retrieval)]
    if len(peers) < 3:
        return quota
    for category, default in QUOTA.items():
        counts = [sum(1 for i in f.indicators if vocab.category_of(i.level1, i.level2) == category) for f in peers]
        quota[category] = min(default + 2, max(default, round(statistics.median(counts))))
    return quota


_METHOD = {"数量": "quantity", "质量": "quality", "时效": "timeliness", "成本": "cost", "效益": "benefit",
           "满意度": "satisfaction"}


def library_candidates(library: Library, profile: Profile, request: DraftRequest) -> list[Candidate]:
    """Library rows that fit the project: its sector's rows that name its objects, its type's common rows."""
    text = f"{request.name}\n{request.goal}"
    out: list[Candidate] = []
    for row in library.rows:
        if not row.measurable or row.level2 not in vocab.LEVEL2:
            continue
        if not _transferable(row):
            continue
        words = fit_text(row, text)
        same_type = row.project_type == profile.project_type
        if row.common:
            # A type's common row about a thing (系统(设施)正常运行率) fits only projects that have it.
            if not same_type or (object_words(row.name) and not shared_words(row.name, text)):
                continue
            if "故障" in row.name and not any(w in text for w in _REPAIRABLE):
                continue
            fit = 1.0
        elif row.sector == profile.sector:
            # The relevance gate: a sector row must name the objects this project names (keywords
            # only rank), or nothing specific at all and be of the project's type (验收合格率).
            if object_words(row.name):
                if not _names_its_object(row, text) and not _programme(row, text):
                    continue
            elif not same_type:
                continue
            fit = 2.0 + (0.5 if same_type else 0.0)
        else:
            continue
        level1, level2 = row.level1, row.level2
        if vocab.LEVEL2[level2][1] == "数量" and row.unit == "%":
            # Published forms file coverage rates (疫苗接种率, 健康管理率) as quantities; a quantity
            # counts things, so the draft keeps the rate as the quality of the work.
            level1, level2 = vocab.LEVEL2["质量指标"][0], "质量指标"
        ind = Indicator(level1=level1, level2=level2, name=row.name, op=_op(row.op), value=row.value,
                        unit=row.unit, target_raw=row.target_text, basis=row.basis, evidence=row.data_source)
        category = vocab.LEVEL2[level2][1]
        if category == "满意度" and "满意" not in row.name:
            continue
        out.append(Candidate(row.id, ind, category, level2, fit + min(words, 12) / 10, 0.0, row=row))
    return out


def _generic_measure(name: str) -> str | None:
    """What a row naming no object measures, with its qualifiers cut: "项目(工程)验收合格率" and
    "工程竣工验收合格率" both measure 验收合格率, "及时(按期)完工率" and "工程按期完工率" 完工率.

    The key is stored beside the names already drafted, prefixed so that no real name equals it.
    """
    if object_words(name):
        return None
    core = re.sub(r"[（(][^)）]*[)）]|项目|工程|竣工|及时|按期|按时", "", name)
    return f"#measure:{core}" if core else None


def _norm_applies(row: LibraryRow, text: str, profile: Profile) -> bool:
    """A unit-cost norm prices one kind of work: the project must name it (one of the row's
    keywords; a two-character one such as 培训 or 会议 only in a project of the row's type).

    One shared word is not enough: 卫生 puts 基本公共卫生服务人均财政补助标准 (元/人·年) next to a
    卫生院 building, 全民健身 puts 全民健身中心单位面积造价 (元/平方米) next to a sports meeting, and
    the type alone puts 会议费综合定额 next to a 运动会 (会议费 rules price meetings, not games).
    """
    same_type = row.project_type == profile.project_type
    return any(k in text for k in row.keywords if len(k) >= 3 or (same_type and len(k) == 2))


def _names_its_object(row: LibraryRow, text: str) -> bool:
    """The project names what the row is about: at least half of the row's object words.

    One shared word is a coincidence of a sector's vocabulary: 城市 does not make 城市路灯亮灯率 a
    measure of a 城市绿化 project, nor 房屋 make 闲置房屋出租率 one of a 房屋状况查询 service.
    """
    own = object_words(row.name)
    shared = shared_words(row.name, text)
    if 2 * len(shared) >= len(own):
        return True
    # Or the project names the field the row was published for (森林防火 for 森林火灾受害率) and at
    # least one of its objects, unless the row is about a place the project does not name
    # (博物馆免费开放天数 is not a 文化馆's, whatever 免费开放 they share).
    place = _PLACE.search(row.name)
    return bool(shared) and any(len(k) >= 4 and k in text for k in row.keywords) and (
        place is None or place.group(0) in text)


_PLACE = re.compile(r"[\u4e00-\u9fff]{2}(?:馆|院|站|中心)")


def _programme(row: LibraryRow, text: str) -> bool:
    """The project names the programme the row was published for (基本公共卫生服务, 高标准农田).

    A programme's rows measure its parts (高血压患者规范管理率 under 基本公共卫生服务), whose object
    words the project's short name need not repeat. Only a long keyword names a programme; two- or
    three-character ones (水利, 培训) name a sector or a type.
    """
    return any(len(k) >= _PROGRAMME_KEYWORD and k in text for k in row.keywords)


_PROGRAMME_KEYWORD = 5


def _library_row(d: DraftIndicator) -> bool:
    return bool(d.refs) and d.refs[0].startswith("L")


def _op(op: str | None) -> Any:
    """A library row's operator as an Indicator takes it (unknown spellings become none)."""
    return op if op in ("=", "≥", "≤", ">", "<") else None


def _transferable(row: LibraryRow) -> bool:
    """A library value that can apply to another project: a rate, a time limit or a unit norm.

    "棚户区住房改造开工套数 ≥198007套" or "特色产业产值 ≥80万元" are one project's amounts; a new
    project's amounts come from its own goal.
    """
    unit = row.unit or ""
    return unit in ("%", "‰") or "/" in unit or unit in goal_parser.TIME_UNITS or unit in ("天", "分钟", "个工作日")


def _candidates(request: DraftRequest, retrieval: Retrieval, library: Library, profile: Profile) -> list[Candidate]:
    """Past indicators that pass the relevance gate, best first (deterministic tie-breaks)."""
    from drafter.store.features import vector

    q = vector(request.query)
    text = f"{request.name}\n{request.goal}"
    # A recurring project's own earlier years are the closest evidence there is: they rank first.
    recurring = nature_kind(request.project_nature) == "recurring"
    own = {id(p): own_history(request, p.form) for p in retrieval.forms}
    out: list[Candidate] = []
    for past in retrieval.forms:
        # The project's own earlier years pass whatever their score; other forms must be similar
        # enough and of the same sector.
        if not own[id(past)] and (past.score < SIMILARITY_FLOOR or not _same_sector(past, profile, retrieval, library)):
            continue
        for ind in past.form.indicators:
            category = vocab.category_of(ind.level1, ind.level2)
            level2 = vocab.level2_label(ind.level1, ind.level2)
            if category is None or level2 is None or not _clean_name(ind.name):
                continue
            if category == "满意度" and "满意" not in ind.name:
                continue  # a 签约率 filed under satisfaction is not one (T11)
            if level2 == "生态效益指标" and not any(w in ind.name for w in _ECO_WORDS):
                continue  # past forms file registration rates as 环境效益; a draft should not copy that
            if not _admissible(ind.name, text) and _measurable(ind, category):
                continue  # unmeasurable rows stay only to be named in notes, never drafted
            old_name = past.form.project_name or ""
            if len(old_name) >= 3 and old_name in ind.name:
                continue  # a row that names the past project is about that project
            name_sim = float(q @ vector(ind.name))
            score = 0.55 * past.score + 0.45 * name_sim + (0.05 if past.form.kind == "target" else 0.0)
            fit = 1.5 + 0.3 * min(len(shared_words(ind.name, text)), 3) + (1.0 if recurring and own[id(past)] else 0.0)
            out.append(Candidate(past.ref_id, ind, category, level2, round(fit, 3), round(score, 6), past=past))
    return out


def _admissible(name: str, text: str) -> bool:
    """The same object words: a past row about something the new project does not name stays out."""
    return not object_words(name) or bool(shared_words(name, text))


def _same_sector(past: PastForm, profile: Profile, retrieval: Retrieval, library: Library | None = None) -> bool:
    from drafter.draft import library as lib
    from drafter.draft.classify import sector_scores

    scores = sector_scores(library or lib.load(), past.form.project_name or "", past.form.annual_goal or "")
    if not scores:
        return past.score >= 3 * SIMILARITY_FLOOR  # nothing places it: only a close match counts
    return max(scores, key=lambda s: (scores[s], s)) == profile.sector


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
        with allowed_refs(retrieval.ref_ids()):
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
    if c.past is None:
        where = "实践通行做法" if c.row is not None and c.row.provenance == "practice" else "公开表单"
        return f"无历史数据：新项目，参照指标库同类指标典型值{_value_text(c.ind)}（{c.ref_id}，{where}）"
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


# A named work is counted only when its last word says what is counted, and in which unit.
_WORK_UNITS = (("项目", "个"), ("工程", "项"), ("活动", "次"), ("会议", "次"), ("培训班", "期"), ("平台", "个"),
               ("系统", "套"), ("车间", "间"), ("站", "座"), ("培训", "次"), ("报告", "份"), ("调研", "次"),
               ("检查", "次"), ("竞赛", "次"), ("演练", "次"))
_WORK_CLAUSE = re.compile(r"(?:完成|开展|实施|组织|举办|新建|建成|改造)([^，,；;。：:\s]{4,40})")


def named_works(goal: str) -> list[tuple[str, str]]:
    """Works a goal names without a number, with the unit that counts them; at most three.

    "完成中型灌区节水改造项目和农业综合水价改革项目" → 中型灌区节水改造项目 (个), 农业综合水价改革项目 (个).
    A work with a number in it is the goal parser's; "年度防汛工作" says nothing countable.
    """
    out: list[tuple[str, str]] = []
    for m in _WORK_CLAUSE.finditer(goal or ""):
        for part in re.split(r"[和及与、]", m.group(1)):
            if re.search(r"\d", part) or len(_CJK.findall(part)) < 4:
                continue
            unit = next((u for suffix, u in _WORK_UNITS if part.endswith(suffix)), None)
            if unit and (part, unit) not in out:
                out.append((part, unit))
    return out[:3]


def _project_object(name: str, goal: str = "") -> str:
    """What a project is about, from its name: "科技特派员创业行动经费" → "科技特派员创业行动".

    A name that is only a budget heading (商品和服务支出, 部门整体支出) says nothing about the work:
    the goal's first clause does ("历城区文化馆免费开放").
    """
    if _BUDGET_HEADING.match(name.strip()):
        clause = re.split(r"[，,；;。：:\n]", _CJK_LEAD.sub("", goal or ""), maxsplit=1)[0].strip()
        clause = _object_of(re.sub(r"^(?:目标\d*|\d+[、.．])", "", clause))
        if 4 <= len(_CJK.findall(clause)) <= 20:
            return clause
    # A name read off a form can drag its next label along ("绿化养护经费项目编号:").
    name = re.sub(r"(?:项目)?(?:编号|编码|代码)\s*[:：]?.*$", "", name).strip(" :：")
    core = re.sub(r"(?:专项)?(?:补助)?(?:经费|资金|项目|支出)$", "", name).strip(" （）()")
    return core if len(_CJK.findall(core)) >= 2 else name


# Budget headings (支出经济分类 and the like) used as a project name.
_BUDGET_HEADING = re.compile(r"(?:商品和服务支出|部门整体支出|工资福利支出|对个人和家庭的补助|一般公用经费|公用经费|"
                             r"资本性支出|其他支出|项目支出)(?:\W|$)")
_CJK_LEAD = re.compile(r"^[^\u4e00-\u9fff]+")


def _object_of(clause: str) -> str:
    """The thing a clause makes: "开展物业管理培训" → "物业管理培训"."""
    if clause.startswith("设") and len(clause) > 3 and clause[1] not in "备施计定立置":
        return clause[1:]  # "设比赛项目" → 比赛项目
    for verb in _LEAD_VERBS:
        if clause.startswith(verb) and len(clause) > len(verb) + 1:
            return clause[len(verb):]
    return clause

