"""Bad input across every command that takes a file: one `drafter: ` line per bad file, exit 2.

The matrix: parse, review, ingest, deductions (form files), draft --from and review --config (side
files) × empty, binary, a real seed cut inside a UTF-8 character, plain text named .xlsx, a zip
that is no workbook, a real workbook cut in half, 5 MB of random bytes, 5 MB of random Chinese
text, a missing path, and a directory of good and bad files mixed.

The rules checked (README, "Exit codes"): a bad file is one line on stderr starting with
`drafter: ` and naming it, never a traceback; nothing good → exit 2 and an `-o` file neither
created nor touched; good and bad mixed → the good ones processed and written, exit 2. For
`review`, exit 2 for a bad file wins over exit 1 for findings. A seed cut inside its last
character is not bad: the reader drops the partial character and reads the complete forms.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from hangguard import no_hang
from drafter.cli import app

TARGET = SEEDS["target_2024"]
SELF_EVAL = SEEDS["self_eval_2024"]
NOISE_BYTES = 5 * 1024 * 1024
SENTINEL = b"sentinel: an earlier output the failed run must leave alone\n"


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2 mixes stderr into output by default
    except TypeError:
        return CliRunner()


def _cut_inside_a_character(data: bytes) -> bytes:
    cut = len(data) // 2
    while data[cut] & 0xC0 != 0x80:  # a continuation byte: the cut falls inside a character
        cut += 1
    return data[:cut]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Each kind of bad input once per module (the 5 MB ones take a moment to build)."""
    d = tmp_path_factory.mktemp("hostile")
    rng = random.Random(20261121)
    out: dict[str, Path] = {}

    def put(kind: str, name: str, data: bytes) -> None:
        out[kind] = d / name
        out[kind].write_bytes(data)

    put("empty", "empty.txt", b"")
    put("binary", "binary.txt", rng.randbytes(4096))
    put("cut_utf8", "cut.txt", _cut_inside_a_character(SELF_EVAL.read_bytes()))
    put("text_as_xlsx", "text.xlsx", TARGET.read_bytes())
    zipped = d / "notxlsx.xlsx"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("readme.txt", "这是一个压缩包，不是工作簿")
    out["zip_as_xlsx"] = zipped
    real = d / "real.xlsx"
    res = _runner().invoke(app, ["parse", str(TARGET), "--format", "xlsx", "-o", str(real)])
    assert res.exit_code == 0, res.stderr
    put("cut_xlsx", "cut.xlsx", real.read_bytes()[: real.stat().st_size // 2])
    put("noise_bytes", "noise.txt", rng.randbytes(NOISE_BYTES))
    # Random Chinese in lines and tab-separated cells, the shape of extracted text: it gets past
    # decoding into the form reader.
    chars = "".join(map(chr, rng.choices(range(0x4E00, 0x9FA6), k=NOISE_BYTES // 3)))
    lines = ["\t".join(chars[i + k:i + k + 10] for k in range(0, 40, 10)) for i in range(0, len(chars), 40)]
    put("noise_cjk", "noise-cjk.txt", "\n".join(lines).encode("utf-8")[:NOISE_BYTES])
    out["missing"] = d / "missing.txt"

    mixed = d / "mixed"
    mixed.mkdir()
    shutil.copy(SELF_EVAL, mixed / "good.txt")
    shutil.copy(out["cut_utf8"], mixed / "cut-but-good.txt")
    for kind in ("empty", "binary", "text_as_xlsx", "zip_as_xlsx", "cut_xlsx"):
        shutil.copy(out[kind], mixed / out[kind].name)
    out["mixed"] = mixed
    return out


MIXED_BAD = ["empty.txt", "binary.txt", "text.xlsx", "notxlsx.xlsx", "cut.xlsx"]
MIXED_GOOD = ["good.txt", "cut-but-good.txt"]

# Each command as it is typed, given the input path and the output path.
COMMANDS = {
    "parse": lambda f, o: ["parse", f, "--format", "json", "-o", o],
    "review": lambda f, o: ["review", f, "--format", "json", "-o", o],
    "ingest": lambda f, o: ["ingest", f, "--format", "json"],
    "deductions": lambda f, o: ["deductions", f, "--offline", "--format", "json", "-o", o],
    "draft_from": lambda f, o: ["draft", "--offline", "--from", f, "--format", "json", "-o", o],
    "review_config": lambda f, o: ["review", str(TARGET), "--config", f, "--fail-on", "never",
                                   "--format", "json", "-o", o],
}
FORM_COMMANDS = ["parse", "review", "ingest", "deductions"]
SIDE_FILE_COMMANDS = ["draft_from", "review_config"]
BAD_KINDS = ["empty", "binary", "text_as_xlsx", "zip_as_xlsx", "cut_xlsx", "noise_bytes", "noise_cjk",
             "missing"]
WRITES_OUTPUT = {c for c in COMMANDS if c != "ingest"}


def _invoke(args: list[str]):
    return _runner().invoke(app, args, catch_exceptions=False)


def _error_lines(stderr: str, names: list[str]) -> dict[str, list[str]]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return {n: [line for line in lines if n in line] for n in names}


def _assert_refused(stdout: str, stderr: str, code: int, bad: list[str]) -> None:
    """Exit 2, exactly one `drafter: ` line naming each bad file, and nothing else said."""
    assert "Traceback" not in stdout + stderr
    assert code == 2, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert all(line.startswith("drafter: ") for line in lines), lines
    assert len(lines) == len(bad), lines
    for name, found in _error_lines(stderr, bad).items():
        assert len(found) == 1, (name, lines)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("kind", BAD_KINDS)
@pytest.mark.parametrize("command", FORM_COMMANDS + SIDE_FILE_COMMANDS)
def test_bad_file_is_one_line_exit_2_and_leaves_the_output_alone(files, tmp_path, command, kind):
    out = tmp_path / "out.json"
    out.write_bytes(SENTINEL)
    # Noise is refused early, in linear time; bench/ measures how fast, this only catches a hang.
    with no_hang(f"{command} on {kind}"):
        res = _invoke(COMMANDS[command](str(files[kind]), str(out)))
    _assert_refused(res.stdout, res.stderr, res.exit_code, [files[kind].name])
    assert res.stdout == ""
    assert out.read_bytes() == SENTINEL and _leftovers(tmp_path) == []
    if command == "ingest":
        assert not (Path(os.environ["DRAFTER_HOME"]) / "chroma").exists()


@pytest.mark.parametrize("command", sorted(WRITES_OUTPUT))
def test_no_output_file_is_created_when_nothing_was_good(files, tmp_path, command):
    out = tmp_path / "new" / "out.json"
    out.parent.mkdir()
    res = _invoke(COMMANDS[command](str(files["binary"]), str(out)))
    _assert_refused(res.stdout, res.stderr, res.exit_code, ["binary.txt"])
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("command", FORM_COMMANDS)
def test_a_seed_cut_inside_a_character_is_read_not_refused(files, tmp_path, command):
    out = tmp_path / "out.json"
    args = COMMANDS[command](str(files["cut_utf8"]), str(out))
    if command == "review":
        args += ["--fail-on", "never"]
    res = _invoke(args)
    assert res.exit_code == 0, res.stderr
    assert "cut.txt:" not in res.stderr and "Traceback" not in res.stdout + res.stderr
    if command == "parse":
        forms = json.loads(out.read_text(encoding="utf-8"))["forms"]
        assert 0 < len(forms) < 15 and forms[0]["indicators"]


@pytest.mark.parametrize("command", SIDE_FILE_COMMANDS)
def test_a_form_is_not_a_side_file(files, tmp_path, command):
    out = tmp_path / "out.json"
    out.write_bytes(SENTINEL)
    res = _invoke(COMMANDS[command](str(files["cut_utf8"]), str(out)))
    _assert_refused(res.stdout, res.stderr, res.exit_code, ["cut.txt"])
    assert out.read_bytes() == SENTINEL


# ---- a directory of good and bad files ------------------------------------------------------


@pytest.mark.parametrize("command", ["parse", "review", "deductions"])
def test_mixed_directory_processes_the_good_lists_the_bad_and_exits_2(files, tmp_path, command):
    out = tmp_path / "out.json"
    out.write_bytes(SENTINEL)
    res = _invoke(COMMANDS[command](str(files["mixed"]), str(out)))
    assert res.exit_code == 2, res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    for name, found in _error_lines(res.stderr, MIXED_BAD).items():
        assert len(found) == 1 and found[0].startswith("drafter: "), (name, res.stderr)
    for name, found in _error_lines(res.stderr, MIXED_GOOD).items():
        assert found == [], (name, res.stderr)
    data = json.loads(out.read_text(encoding="utf-8"))  # written whole, replacing the sentinel
    if command == "parse":
        assert sorted(Path(d["source"]).name for d in data) == sorted(MIXED_GOOD)
    elif command == "review":
        assert {Path(f["source"]).name for f in data["findings"]} <= set(MIXED_GOOD)
        assert data["summary"]["forms"] > 15
    else:
        assert {Path(d["source"]).name for d in data["deductions"]} == set(MIXED_GOOD)


def test_review_bad_file_exit_2_wins_over_findings_exit_1(files):
    alone = _invoke(["review", str(files["mixed"] / "good.txt")])
    assert alone.exit_code == 1  # the seed has error-level findings
    mixed = _invoke(["review", str(files["mixed"] / "good.txt"), str(files["empty"])])
    assert mixed.exit_code == 2 and "empty.txt" in mixed.stderr


def test_ingest_mixed_directory_stores_the_good_lists_the_bad_and_exits_2(files):
    res = _invoke(["ingest", str(files["mixed"]), "--format", "json"])
    assert res.exit_code == 2 and "Traceback" not in res.stdout + res.stderr
    summary = json.loads(res.stdout)
    assert summary["files"] == len(MIXED_GOOD)
    assert sorted(Path(s["source"]).name for s in summary["skipped"]) == sorted(MIXED_BAD)
    for name, found in _error_lines(res.stderr, MIXED_BAD).items():
        assert len(found) == 1 and found[0].startswith("drafter: "), (name, res.stderr)


@pytest.mark.parametrize("command", SIDE_FILE_COMMANDS)
def test_a_directory_is_not_a_side_file(files, tmp_path, command):
    out = tmp_path / "out.json"
    res = _invoke(COMMANDS[command](str(files["mixed"]), str(out)))
    _assert_refused(res.stdout, res.stderr, res.exit_code, ["mixed"])
    assert not out.exists()


# ---- paths the file system refuses ------------------------------------------------------------


@pytest.mark.parametrize("command", FORM_COMMANDS + SIDE_FILE_COMMANDS)
def test_a_name_too_long_for_the_file_system(tmp_path, command):
    name = "n" * 300  # above NAME_MAX: stat() fails with ENAMETOOLONG, not "no such file"
    out = tmp_path / "out.json"
    res = _invoke(COMMANDS[command](str(tmp_path / name), str(out)))
    _assert_refused(res.stdout, res.stderr, res.exit_code, [name])
    assert not out.exists()


@pytest.mark.parametrize("command", FORM_COMMANDS + SIDE_FILE_COMMANDS)
def test_a_symlink_loop(tmp_path, command):
    """Path.resolve() raises RuntimeError, not OSError, for a loop before Python 3.13."""
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    res = _invoke(COMMANDS[command](str(tmp_path / "a.txt"), str(tmp_path / "out.json")))
    _assert_refused(res.stdout, res.stderr, res.exit_code, ["a.txt"])


# ---- search -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_search_with_an_empty_query(tmp_path, query):
    out = tmp_path / "hits.json"
    res = _invoke(["search", query, "--format", "json", "-o", str(out)])
    _assert_refused(res.stdout, res.stderr, res.exit_code, ["查询内容为空"])
    assert not out.exists()


def test_search_with_no_store(tmp_path):
    out = tmp_path / "hits.json"
    res = _invoke(["search", "维修资金", "--format", "json", "-o", str(out)])
    _assert_refused(res.stdout, res.stderr, res.exit_code, ["drafter ingest"])
    assert not out.exists()


# ---- the real entry point: main() turns every failure into one line, exit 2 -------------------


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drafter.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.mark.parametrize("command, kind", [
    ("parse", "zip_as_xlsx"), ("review", "cut_xlsx"), ("ingest", "binary"), ("deductions", "empty"),
    ("draft_from", "binary"), ("review_config", "text_as_xlsx"),
])
def test_real_process_refuses_with_one_line(files, tmp_path, command, kind):
    out = tmp_path / "out.json"
    out.write_bytes(SENTINEL)
    proc = _run(*COMMANDS[command](str(files[kind]), str(out)))
    _assert_refused(proc.stdout, proc.stderr, proc.returncode, [files[kind].name])
    assert out.read_bytes() == SENTINEL and _leftovers(tmp_path) == []


def test_real_process_mixed_directory_and_missing_path(files, tmp_path):
    out = tmp_path / "out.json"
    proc = _run("parse", str(files["mixed"]), str(files["missing"]), "--format", "json", "-o", str(out))
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    for name, found in _error_lines(proc.stderr, [*MIXED_BAD, "missing.txt"]).items():
        assert len(found) == 1 and found[0].startswith("drafter: "), (name, proc.stderr)
    assert len(json.loads(out.read_text(encoding="utf-8"))) == len(MIXED_GOOD)


def test_real_process_search_without_a_store():
    proc = _run("search", "维修资金")
    _assert_refused(proc.stdout, proc.stderr, proc.returncode, ["drafter ingest"])
