from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = {
    "target_2024": CORPUS / "000_695c4e6a2653faf7.txt",
    "target_2020": CORPUS / "001_307eddae529147f6.txt",
    "self_eval_2024": CORPUS / "002_abc6290ce127bb5c.txt",
    "self_eval_ocr": CORPUS / "003_7ec12586f0d6cf79.txt",
    "target_2023": CORPUS / "004_9acc5c6ccbae97bb.txt",
}


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test touches the user's store, log or cache, and none sees a real API key."""
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_CHROMA_URL", "DRAFTER_PROFILE",
                "DRAFTER_MODEL", "DRAFTER_MODE", "DEEPSEEK_API_KEY", "DASHSCOPE_API_KEY",
                "ZHIPUAI_API_KEY", "DRAFTER_EMBED_MODEL", "DRAFTER_EMBED_BASE_URL",
                "DRAFTER_EMBED_API_KEY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def seed_forms():
    from drafter.read import read_file
    return {key: read_file(path) for key, path in SEEDS.items()}


def find(forms, project_substring):
    for form in forms:
        if form.project_name and project_substring in form.project_name:
            return form
    raise AssertionError(f"no form named like {project_substring!r}")


def indicator(form, name):
    for ind in form.indicators:
        if ind.name == name:
            return ind
    raise AssertionError(f"no indicator {name!r} in {form.project_name}: "
                         f"{[i.name for i in form.indicators]}")
