"""drafter.draft.critique_round and the LLM engine's review round, with a scripted client (no HTTP).

The wire paths are in tests/test_draft_critique_authored.py; here, what those do not reach: the
corrective round failing after a critique, a row kept because its category would be left empty,
and the corrective list when rules and the model name the same problem.
"""

from __future__ import annotations

import json
from typing import Any

from conftest_llm import fixed_retrieval, request_obj
from critique_cases import bad, ok
from test_draft_critique_authored import GREENING, RISE
from test_draft_llm_authored import BASE, answer, cost


class ScriptedClient:
    """``structured`` answers each task from a script: a JSON text (validated as drafter would) or an error."""

    def __init__(self, **by_task: Any):
        self.by_task = by_task
        self.tasks: list[str] = []
        self.messages: list[list[dict[str, str]]] = []

    def structured(self, *, task, response_model, messages, run_id=None, max_retries=None, template_hash=None):
        from drafter.llm.client import CallResult

        self.tasks.append(task)
        self.messages.append(messages)
        scripted = self.by_task[task]
        if isinstance(scripted, Exception):
            raise scripted
        return CallResult(response_model.model_validate_json(scripted), 1, False, 10, 10, 20, [])


def critique_text(rows):
    return json.dumps({"indicators": rows, "uncovered": []}, ensure_ascii=False)


def run(client):
    from drafter.draft.llm_engine import draft_llm

    return draft_llm(request_obj(), fixed_retrieval(), client, "run-1", 4000)


def test_a_failed_corrective_round_lists_each_model_finding_once_and_still_drops_the_unrelated_row():
    from drafter.llm import LLMError

    client = ScriptedClient(
        draft=answer(BASE + [cost(120), GREENING, RISE]),
        critique=critique_text([ok(1), ok(2), ok(3), bad(4, "wording", "完成和验收是两件事。", None), ok(5), ok(6),
                                ok(7), bad(8, "unrelated_to_project", "绿化不是测评项目的产出。", None),
                                bad(9, "unmeasurable", "提升幅度没有基线。", None)]),
        **{"draft-revise": LLMError("服务器不可用（HTTP 503）", attempts=1, request_failed=True)})
    out = run(client)
    assert client.tasks == ["draft", "critique", "draft-revise"]
    notes = out.notes
    assert "审核意见修改轮失败，保留第一稿：服务器不可用（HTTP 503）" in notes
    assert sum(n.startswith("[L02]") for n in notes) == 1 and sum(n.startswith("[L01]") for n in notes) == 1
    assert "模型复核认为与本项目无关的指标已删除：小区绿化覆盖率（来源：模型）" in notes
    # L07 was never sent back; it is the one finding left to report, once.
    at = notes.index("模型复核提出 1 条意见：")
    assert notes[at + 1] == "[L07] 指标“测评报告完成时限”：完成和验收是两件事。（来源：模型）"
    assert sum(n.startswith("[L07]") for n in notes) == 1
    names = [i.name for i in out.form.indicators]
    assert "小区绿化覆盖率" not in names and "物业服务水平提升幅度" in names


def test_an_unrelated_row_that_is_its_category_s_only_one_stays_with_a_note():
    from drafter.draft.critique_round import drop
    from drafter.draft.schema import DraftResponse

    response = DraftResponse.model_validate_json(answer(BASE + [cost(120)]))
    kept, removed, stays = drop(response, ["项目总成本", "有责投诉率"])
    # In BASE + cost, 有责投诉率 is the only 效益 row and 项目总成本 the only cost row.
    assert removed == [] and stays == ["有责投诉率", "项目总成本"]
    assert kept is response
    fuller = DraftResponse.model_validate_json(answer(BASE + [cost(120), GREENING]))
    kept, removed, stays = drop(fuller, ["小区绿化覆盖率"])
    assert removed == ["小区绿化覆盖率"] and stays == [] and len(kept.indicators) == 7


def test_the_corrective_list_is_the_rules_own_when_the_model_finds_nothing():
    from drafter.draft import review
    from drafter.draft.assemble import to_form
    from drafter.draft.critique_round import Judgement, to_correct
    from drafter.draft.schema import DraftResponse

    form = to_form(DraftResponse.model_validate_json(answer(BASE + [cost(200)])), request_obj(), fixed_retrieval())
    rules = review.review(form)
    assert to_correct(rules, Judgement()) == review.blocking(rules)
    assert [f.code for f in review.blocking(rules)] == ["T14"]


def test_rules_and_model_on_the_same_problem_are_one_line_in_the_corrective_round():
    """T07 (a direction word, unmeasurable) and the model's L01 on the same row: one line, the rule's."""
    from drafter.draft import review
    from drafter.draft.critique_round import Judgement, sent_back, to_correct
    from drafter.model import Form, Indicator
    from drafter.rules.finding import Finding

    form = Form(kind="target", project_name="老旧小区物业服务测评", indicators=[
        Indicator(level1="效益指标", level2="社会效益指标", name="物业服务水平", target_raw="明显提升",
                  qualitative="明显提升")])
    rules = review.review(form)
    assert any(f.code == "T07" for f in rules)
    model = Finding(code="L01", severity="warning", source=review.DRAFT_SOURCE, form_index=0, indicator_index=0,
                    indicator_name="物业服务水平", message="没有基线和数值。", suggestion="改写为：…", origin="llm")
    unrelated = Finding(code="L02", severity="warning", source=review.DRAFT_SOURCE, form_index=0,
                        indicator_index=0, indicator_name="物业服务水平", message="与项目无关。", origin="llm")
    judged = Judgement([model, unrelated])
    corrective = to_correct(rules, judged)
    t07 = [f for f in corrective if f.code == "T07"]
    assert len(t07) == 1 and t07[0].origin == "rules+llm" and "模型复核同意：没有基线和数值。" in t07[0].message
    assert not [f for f in corrective if f.code == "L01"] and [f for f in corrective if f.code == "L02"]
    assert sent_back(rules, judged, corrective) == [model, unrelated]
    lines = review.describe(corrective)
    assert any(line.startswith("[L02]") and line.endswith("（来源：模型）") for line in lines)
    assert not any(line.startswith("[T07]") and "来源：模型" in line for line in lines)
