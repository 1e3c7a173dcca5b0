"""Store building blocks: the offline embedder, documents and ids, collection naming, the lock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from drafter.model import Form, Indicator
from drafter.read import read_file
from drafter.store import StoreError
from drafter.store.documents import documents_for, measurability, source_key
from drafter.resources import corpus_dir

TEXTS = ["白蚁防治宣传品发放完成率", "962121电话接通率 ≥95%", "ＡＢＣ全角１２３", "", "%%%"]


# --- embedder -------------------------------------------------------------------------------

def test_offline_embedder_is_deterministic_across_processes():
    from drafter.store.embedders import ZhHashEmbedding
    here = [np.asarray(v).round(6).tolist() for v in ZhHashEmbedding()(TEXTS)]
    code = ("import json,sys,numpy as np; from drafter.store.embedders import ZhHashEmbedding;"
            "t=json.loads(sys.argv[1]);"
            "print(json.dumps([np.asarray(v).round(6).tolist() for v in ZhHashEmbedding()(t)]))")
    for seed in ("1", "4242"):  # Python's str hash differs per seed; ours must not
        out = subprocess.run([sys.executable, "-c", code, json.dumps(TEXTS)], capture_output=True,
                             text=True, check=True, env={"PYTHONHASHSEED": seed, "PATH": ""})
        assert json.loads(out.stdout) == here


def test_offline_vectors_are_unit_length_and_fixed_size():
    from drafter.store.embedders import ZhHashEmbedding
    ef = ZhHashEmbedding()
    for v in ef(TEXTS):
        assert v.shape == (1024,)
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-5)


def test_offline_embedder_ranks_paraphrase_above_unrelated():
    from drafter.store.embedders import ZhHashEmbedding
    ef = ZhHashEmbedding()
    q, near, far = ef.embed_query(["热线电话接通的比例"])[0], *ef(["962121电话接通率", "白蚁防治宣传品发放完成率"])
    assert float(q @ near) > float(q @ far) + 0.1


def test_generic_vocabulary_weighs_less_than_topic_words():
    from drafter.store.features import features
    f = features("白蚁防治完成及时率")
    assert f["白蚁"] > 3 * f["及时"]


def test_full_width_text_embeds_like_half_width():
    from drafter.store.embedders import ZhHashEmbedding
    a, b = ZhHashEmbedding()(["962121接通率９５％", "962121接通率95%"])
    assert np.allclose(a, b)


def test_embedder_round_trips_through_chroma_config():
    from chromadb.utils.embedding_functions import known_embedding_functions
    from drafter.store.embedders import ZhHashEmbedding
    ef = ZhHashEmbedding(dim=256)
    assert known_embedding_functions[ef.name()] is ZhHashEmbedding
    again = ZhHashEmbedding.build_from_config(ef.get_config())
    assert np.allclose(again(["维修资金"])[0], ef(["维修资金"])[0])
    assert ef.default_space() == "cosine" and not ef.is_legacy()


def test_collection_name_changes_with_embedder():
    from drafter.store.client import collection_name
    from drafter.store.embedders import OpenAICompatEmbedding, ZhHashEmbedding, embedder_from_env
    names = {collection_name(ZhHashEmbedding()), collection_name(ZhHashEmbedding(dim=512)),
             collection_name(OpenAICompatEmbedding("text-embedding-v3")),
             collection_name(OpenAICompatEmbedding("BAAI/bge-m3"))}
    assert len(names) == 4
    assert collection_name(ZhHashEmbedding()) == "forms__zh-hash-v1"
    assert collection_name(OpenAICompatEmbedding("BAAI/bge-m3")) == "forms__openai-BAAI-bge-m3"
    assert isinstance(embedder_from_env({}), ZhHashEmbedding)
    assert isinstance(embedder_from_env({"DRAFTER_EMBED_MODEL": "offline"}), ZhHashEmbedding)
    remote = embedder_from_env({"DRAFTER_EMBED_MODEL": "bge-m3", "OPENAI_BASE_URL": "http://x/v1",
                                "OPENAI_API_KEY": "sk-secret"})
    assert isinstance(remote, OpenAICompatEmbedding)
    assert "sk-secret" not in json.dumps(remote.get_config())


def test_remote_embedder_without_key_or_url_says_so():
    from drafter.store.embedders import OpenAICompatEmbedding
    with pytest.raises(StoreError, match="OPENAI_API_KEY"):
        OpenAICompatEmbedding("text-embedding-3-small")(["x"])


def test_cli_import_does_not_load_chromadb():
    # chromadb alone costs about a second to import; `drafter --help` must not pay it.
    out = subprocess.run([sys.executable, "-c", "import sys, drafter.cli; print('chromadb' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- documents ------------------------------------------------------------------------------

def _form(**kw) -> Form:
    base = dict(kind="target", year=2024, project_name="热线服务保障经费", agency="上海市物业管理事务中心",
                annual_goal="为市民提供物业咨询、报修、投诉服务。",
                indicators=[Indicator(level1="产出指标", level2="质量指标", name="962121电话接通率",
                                      target_raw="≥95.00(%)", op="≥", value=95.0, unit="%"),
                            Indicator(level1="效益指标", level2="社会效益指标", name="市民知晓度",
                                      target_raw="提升", qualitative="提升")])
    base.update(kw)
    return Form(**base)


def test_documents_one_per_indicator_and_one_per_project():
    docs = documents_for("a.txt", [_form()])
    kinds = [d.metadata["kind"] for d in docs]
    assert kinds == ["project", "indicator", "indicator"]
    ind = docs[1]
    assert ind.metadata["name"] == "962121电话接通率" and ind.metadata["value"] == 95.0
    assert ind.metadata["measurability"] == "quantitative"
    assert docs[2].metadata["measurability"] == "qualitative"
    assert "热线服务保障经费" in ind.text and "962121电话接通率" in ind.text
    assert "为市民提供" in docs[0].text
    assert Indicator.model_validate(json.loads(ind.metadata["indicator"])) == _form().indicators[0]


def test_metadata_never_holds_none():
    form = _form(year=None, agency=None, department=None,
                 indicators=[Indicator(name="居民满意度")])
    for d in documents_for("a.txt", [form]):
        assert all(v is not None for v in d.metadata.values())
        assert "year" not in d.metadata and "agency" not in d.metadata
    assert measurability(Indicator(name="x")) == "missing"


def test_ids_are_deterministic_and_unique():
    forms = read_file(corpus_dir() / "000_695c4e6a2653faf7.txt")
    a, b = documents_for("s", forms), documents_for("s", forms)
    assert [d.id for d in a] == [d.id for d in b]
    assert [d.digest for d in a] == [d.digest for d in b]
    assert len({d.id for d in a}) == len(a)


def test_repeated_indicator_and_repeated_form_get_distinct_ids():
    ind = Indicator(level1="满意度指标", level2="服务对象满意度指标", name="居民满意度", target_raw="提升")
    form = _form(indicators=[ind, ind])
    docs = documents_for("s", [form, form])
    assert len({d.id for d in docs}) == len(docs) == 6


def test_changed_value_keeps_id_and_changes_digest():
    before = documents_for("s", [_form()])
    changed = _form()
    changed.indicators[0] = changed.indicators[0].model_copy(update={"target_raw": "≥96.00(%)", "value": 96.0})
    after = documents_for("s", [changed])
    assert [d.id for d in before] == [d.id for d in after]
    assert before[1].digest != after[1].digest and before[2].digest == after[2].digest


def test_ids_depend_on_source():
    assert {d.id for d in documents_for("a", [_form()])}.isdisjoint(d.id for d in documents_for("b", [_form()]))


def test_source_key_names_corpus_files_relative(tmp_path: Path):
    corpus = corpus_dir()
    assert source_key(corpus / "000_695c4e6a2653faf7.txt", corpus) == "corpus/000_695c4e6a2653faf7.txt"
    other = tmp_path / "x.txt"
    assert source_key(other, corpus) == str(other.resolve())


# --- lock -----------------------------------------------------------------------------------

def test_lock_is_exclusive_and_released(tmp_path: Path):
    from drafter.store.lock import StoreLocked, store_lock
    with store_lock(tmp_path):
        assert (tmp_path / "store.lock").read_text().strip().isdigit()
        code = ("import sys; from pathlib import Path; from drafter.store.lock import store_lock\n"
                "try:\n    store_lock(Path(sys.argv[1])).__enter__()\nexcept Exception as e:\n"
                "    print(type(e).__name__)")
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
        assert out.stdout.strip() == "StoreLocked"
    with store_lock(tmp_path):  # released on exit
        pass
    with pytest.raises(StoreLocked):
        with store_lock(tmp_path, shared=True):
            out = subprocess.run([sys.executable, "-c",
                                  "import sys; from pathlib import Path; from drafter.store.lock import store_lock\n"
                                  "with store_lock(Path(sys.argv[1]), shared=True): print('shared ok')",
                                  str(tmp_path)], capture_output=True, text=True)
            assert out.stdout.strip() == "shared ok"  # readers share
            with store_lock(tmp_path, wait=0.2):  # a writer waits, then gives up
                pass
