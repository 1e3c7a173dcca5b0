"""The offline engine, end to end through the real store and the real review rules.

With no key, drafts for new housing-management projects must cover every mandatory category,
produce no unmeasurable finding when fed back into `drafter review`, and cite a past form on
every indicator.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from drafter.cli import app

# New projects a 房屋管理/物业管理 agency might file; none is in the corpus under this name.
HOUSING = [
    ("老旧小区物业服务质量测评", "对全市老旧小区物业服务开展第三方测评，完成测评报告1份，开展物业企业培训4次，覆盖小区200个。", "120"),
    ("住宅小区电梯安全隐患排查", "开展住宅小区电梯安全隐患排查300台次，提升电梯运行安全水平。", None),
    ("直管公房租金收缴管理", "做好直管公房租金收缴和租赁合同管理，规范公房租赁行为。", "50万元"),
    ("白蚁防治进社区宣传", "开展白蚁防治宣传进社区活动，发放宣传品5000份，举办讲座20场。", "36"),
    ("住宅维修资金信息系统运维", "保障维修资金管理信息系统全年稳定运行，完成系统升级改造1项。", "880000元"),
]
CATEGORIES = ("数量", "质量", "时效", "成本", "效益", "满意度")
runner = CliRunner()


def run_cli(args, **env):
    return runner.invoke(app, args, env={"COLUMNS": "200", **env}, catch_exceptions=False)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    """Each housing project drafted once through the CLI with no key (the store filled on first use)."""
    import os
    home = tmp_path_factory.mktemp("home")
    env = {"DRAFTER_HOME": str(home)}
    old = {k: os.environ.pop(k, None) for k in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_PROFILE")}
    out = {}
    try:
        for name, goal, funds in HOUSING:
            path = home / f"{name}.json"
            args = ["draft", "--name", name, "--goal", goal, "--year", "2025", "--format", "json", "-o", str(path)]
            if funds:
                args += ["--funds", funds]
            result = run_cli(args, **env)
            assert result.exit_code == 0, result.stderr
            out[name] = (path, result)
    finally:
        for k, v in old.items():
            if v is not None:
                os.environ[k] = v
    return home, out


def categories(form):
    from drafter.draft.vocab import category_of
    return {category_of(i["level1"], i["level2"]) for i in form["indicators"]}


@pytest.mark.parametrize("name", [h[0] for h in HOUSING])
def test_offline_draft_is_complete_measurable_and_cited(drafts, name):
    home, out = drafts
    path, result = out[name]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"engine", "form", "notes"} and data["engine"] == "offline"
    form = data["form"]
    assert form["project_name"] == name and form["kind"] == "target"
    assert set(CATEGORIES) <= categories(form)
    for ind in form["indicators"]:
        assert ind["refs"], ind["name"]
        assert all("#" in r for r in ind["refs"])  # source#project（year kind）
        assert ind["baseline"] and ind["basis"] in ("历史标准", "行业标准", "计划标准", "其他标准")
        assert ind["evidence"]
        assert ind["value"] is not None or ind["qualitative"]
    # Announced on stderr, not mixed into the JSON.
    assert "离线引擎" in result.stderr

    # Fed back into `drafter review`: nothing unmeasurable, and no error in what was drafted. The
    # request gave no 主管部门, so the header says so (T30): that gap is the requester's to fill.
    review = run_cli(["review", str(path), "--format", "json"], DRAFTER_HOME=str(home))
    findings = json.loads(review.stdout)["findings"]
    assert not [f for f in findings if "unmeasurable" in f["tags"]], findings
    errors = [f for f in findings if f["severity"] == "error"]
    assert [(f["code"], f["message"]) for f in errors] == [("T30", "表头未填写主管部门")], findings
    assert review.exit_code == 1


def test_goal_quantities_and_funds_are_rescoped_to_the_new_project(drafts):
    _, out = drafts
    form = json.loads(out["老旧小区物业服务质量测评"][0].read_text(encoding="utf-8"))["form"]
    by_name = {i["name"]: i for i in form["indicators"]}
    assert by_name["开展物业企业培训数量"]["target_raw"] == "≥4次"
    assert by_name["覆盖小区数量"]["value"] == 200
    assert by_name["项目总成本"]["target_raw"] == "≤120万元" and by_name["项目总成本"]["basis"] == "计划标准"
    assert form["funds"] == {"total": 120.0, "fiscal": None, "carryover": None, "other": None, "unit": "万元"}
    # Funds in 元 become 万元.
    form = json.loads(out["住宅维修资金信息系统运维"][0].read_text(encoding="utf-8"))["form"]
    assert any(i["target_raw"] == "≤88万元" for i in form["indicators"])


def test_vague_past_values_are_replaced_and_said_so(drafts):
    _, out = drafts
    data = json.loads(out["老旧小区物业服务质量测评"][0].read_text(encoding="utf-8"))
    sat = [i for i in data["form"]["indicators"] if i["level2"] == "服务对象满意度指标"]
    assert sat and all(i["op"] == "≥" and i["unit"] == "%" and i["value"] < 100 for i in sat)
    assert any("无法考核" in n for n in data["notes"])


def test_offline_draft_is_deterministic(drafts):
    home, out = drafts
    name, goal, funds = HOUSING[0]
    again = run_cli(["draft", "--name", name, "--goal", goal, "--year", "2025", "--funds", funds,
                     "--format", "json", "--offline"], DRAFTER_HOME=str(home))
    first = json.loads(out[name][0].read_text(encoding="utf-8"))
    second = json.loads(again.stdout)
    assert second["form"] == first["form"]
    assert "使用了 --offline" in again.stderr


def test_table_and_markdown_formats(drafts):
    home, _ = drafts
    name, goal, funds = HOUSING[3]
    table = run_cli(["draft", "-n", name, "-g", goal, "--funds", funds], DRAFTER_HOME=str(home))
    assert table.exit_code == 0 and "绩效目标草稿" in table.stdout and "满意度指标" in table.stdout
    md = run_cli(["draft", "-n", name, "-g", goal, "--format", "markdown"], DRAFTER_HOME=str(home))
    assert md.stdout.startswith(f"# {name} 绩效目标草稿")
    assert "| 一级指标 | 二级指标 | 三级指标 |" in md.stdout and "## 说明" in md.stdout


def test_request_from_yaml_file_and_cli_override(drafts, tmp_path):
    home, _ = drafts
    req = tmp_path / "req.yaml"
    req.write_text("项目名称: 物业服务企业信用评价\n年度目标: 完成物业服务企业信用评价报告1份\n资金: 30\n年度: 2025\n",
                   encoding="utf-8")
    result = run_cli(["draft", "--from", str(req), "--funds", "40", "--format", "json"], DRAFTER_HOME=str(home))
    assert result.exit_code == 0, result.stderr
    form = json.loads(result.stdout)["form"]
    assert form["project_name"] == "物业服务企业信用评价" and form["funds"]["total"] == 40.0


@pytest.mark.parametrize("args, message", [
    (["draft", "--goal", "做点事情"], "缺少项目名称"),
    (["draft", "--name", "项目", "--goal", "完成报告1份", "--funds", "很多"], "资金金额无法识别"),
    (["draft", "--from", "/nonexistent/req.yaml"], "文件不存在"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, tmp_path):
    result = run_cli(args, DRAFTER_HOME=str(tmp_path))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unknown_profile_is_a_usage_error(tmp_path):
    result = run_cli(["draft", "-n", "项目甲", "-g", "完成报告1份"], DRAFTER_HOME=str(tmp_path), DRAFTER_PROFILE="nope")
    assert result.exit_code == 2 and "DRAFTER_PROFILE" in result.stderr


def test_eval_leaves_each_project_out_and_reports_coverage(drafts):
    home, _ = drafts
    result = run_cli(["eval", "--limit", "3", "--format", "json"], DRAFTER_HOME=str(home))
    assert result.exit_code == 0, result.stderr
    (summary,) = json.loads(result.stdout)["summaries"]
    assert summary["engine"] == "offline" and summary["drafts"] == 3 and summary["failed"] == 0
    assert summary["category_coverage"] == 1.0 and summary["unmeasurable"] == 0
    assert summary["refs_coverage"] == 1.0
    for p in summary["projects"]:
        assert p["missing"] == []


def test_eval_excludes_the_held_out_project_from_retrieval(drafts):
    home, _ = drafts
    from drafter.draft.evaluate import corpus_cases, request_for
    from drafter.draft.pipeline import draft

    case = corpus_cases(1)[0]
    held = case.form.project_name
    result = draft(request_for(case.form), offline=True, home=home,
                   exclude=lambda source, form: form.project_name == held)
    assert all(f"#{held}（" not in r for i in result.form.indicators for r in i.refs)


def test_help_loads_no_llm_or_store_library():
    import subprocess
    import sys
    # Start-up time itself is measured by bench/bench_all.py; what keeps it short is this.
    shown = subprocess.run([sys.executable, "-c", "import sys; sys.argv=['drafter','--help']; from drafter.cli import main; main()"],
                           check=False, capture_output=True, text=True, encoding="utf-8")
    assert shown.returncode == 0 and "draft" in shown.stdout
    out = subprocess.run([sys.executable, "-c", "import drafter.cli, sys; "
                          "print(sorted(m for m in ('openai','instructor','chromadb','jinja2') if m in sys.modules))"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
