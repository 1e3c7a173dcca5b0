"""Drafting reads 项目性质: a recurring project's own earlier years are its baseline, a one-off's
similar projects are a reference only. Offline engine, real store filled from the built-in corpus
(which holds 机房电费 2023, a 经常性专项业务费 project)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from drafter.cli import app

runner = CliRunner()
GOAL = "保障机房设备全年稳定运行，按时缴纳机房电费12次"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


def draft(home, *extra):
    args = ["draft", "--offline", "--name", "机房电费", "--goal", GOAL, "--year", "2024", "--format", "json",
            *extra]
    r = runner.invoke(app, args, env={"DRAFTER_HOME": str(home), "COLUMNS": "200"}, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def history(d):
    return [i for i in d["form"]["indicators"] if i["basis"] == "历史标准"]


def test_recurring_project_cites_its_own_earlier_year_as_baseline(home):
    d = draft(home, "--nature", "经常性")
    assert d["form"]["project_nature"] == "经常性"
    own = [i for i in history(d) if i["baseline"].startswith("本项目2023年")]
    assert own and all("《机房电费》" in i["baseline"] for i in own)
    assert any("本项目往年表单2023年《机房电费》目标表的指标优先沿用" in n for n in d["notes"])


def test_one_off_project_has_no_history_and_cites_peers_as_reference(home):
    d = draft(home, "--nature", "其他一次性项目")
    assert history(d) == []
    # Rows from similar past forms (library rows and the request's own figures have their own bases).
    peers = [i for i in d["form"]["indicators"] if i["basis"] == "行业标准" and i["refs"][0].startswith("corpus/")]
    assert peers and all(i["baseline"].startswith("无历史数据：一次性项目") and "仅作参考" in i["baseline"]
                         for i in peers)
    assert any(n.startswith("项目性质为一次性") for n in d["notes"])


def test_without_a_nature_the_draft_is_as_before(home):
    d = draft(home)
    assert d["form"]["project_nature"] is None
    assert history(d)
    assert all(not i["baseline"].startswith(("本项目", "无历史数据：一次性")) for i in history(d))
    assert not any("项目性质" in n for n in d["notes"])


def test_an_unknown_nature_is_said_and_not_used(home):
    d = draft(home, "--nature", "特定目标类")
    assert any("项目性质「特定目标类」不是已知类型" in n for n in d["notes"])
    assert all(not i["baseline"].startswith(("本项目", "无历史数据：一次性")) for i in history(d))


def test_recurring_without_own_history_says_so(home):
    args = ["draft", "--offline", "--name", "老旧小区电梯安全评估", "--goal", "完成老旧小区电梯安全评估300台次",
            "--year", "2025", "--nature", "经常性项目", "--format", "json"]
    r = runner.invoke(app, args, env={"DRAFTER_HOME": str(home), "COLUMNS": "200"}, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    notes = json.loads(r.stdout)["notes"]
    assert any("存储中没有本项目往年的表单" in n for n in notes)


def test_llm_prompt_states_the_nature_only_when_given():
    from drafter.draft.context import DEFAULT_BUDGET
    from drafter.draft.llm_engine import draft_messages
    from drafter.draft.request import build_request
    from drafter.draft.retrieve import Retrieval

    def user(nature):
        request = build_request("机房电费", GOAL, year=2024, nature=nature)
        messages, _ = draft_messages(request, Retrieval(), DEFAULT_BUDGET)
        return messages[1]["content"]

    assert "项目性质" not in user(None)
    assert "经常性项目：本项目往年的实际值可作基线" in user("经常性项目")
    assert "一次性项目：没有本项目的历史数据" in user("一次性项目")


def test_markdown_draft_states_the_nature(home):
    args = ["draft", "--offline", "--name", "机房电费", "--goal", GOAL, "--year", "2024", "--nature", "经常性",
            "--format", "markdown"]
    r = runner.invoke(app, args, env={"DRAFTER_HOME": str(home), "COLUMNS": "200"}, catch_exceptions=False)
    assert r.exit_code == 0 and "- 项目性质：经常性" in r.stdout
