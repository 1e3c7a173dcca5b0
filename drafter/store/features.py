"""Character n-gram feature hashing for Chinese text: the offline embedder's arithmetic.

Short Chinese form fields retrieve well on character unigrams and bigrams without word
segmentation (Kwok 1999; Nie & Ren 1999); trigrams add precision for set phrases. Each n-gram is
hashed into a fixed number of slots with a sign bit, so there is no vocabulary to fit, store or
drift, and the same text gives the same vector in every process. Python's ``hash()`` is salted per
process, so slots come from ``zlib.crc32``.

The weights below are part of the embedder's identity: change any of them and bump
:data:`VERSION`, because vectors already stored would no longer be comparable with new queries.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from functools import lru_cache

import numpy as np

VERSION = "v1"
DEFAULT_DIM = 1024

# Weight per n-gram length: unigrams recall paraphrases (宣传单 / 宣传品 share 宣, 传), bigrams
# carry most of the meaning, trigrams reward exact phrases.
NGRAM_WEIGHTS = {1: 0.35, 2: 1.0, 3: 0.7}
# Latin/digit tokens (962121, ERP, 12345) are matched whole; short numbers are mostly noise
# (=1.00, 100%), long ones are hotline numbers and codes that users type to find a form.
TOKEN_WEIGHT = 1.0
SHORT_NUMBER_WEIGHT = 0.15

# The vocabulary every form shares: level labels, rate suffixes, boilerplate verbs, the issuing
# city. Without damping, "完成及时率" or "满意度" would outweigh the words that tell projects apart,
# which is what an IDF weight would learn from a large corpus. Frozen here instead of fitted so
# that adding forms never shifts existing vectors.
GENERIC_TERMS = (
    "一级指标", "二级指标", "三级指标", "指标值", "指标",
    "产出指标", "效益指标", "满意度指标", "成本指标", "产出目标", "效果目标", "影响力目标",
    "投入与管理", "投入管理", "财务管理", "实施管理",
    "数量指标", "质量指标", "时效指标", "社会效益", "经济效益", "生态效益", "可持续影响",
    "服务对象满意度", "满意度", "满意率", "满意",
    "完成率", "及时率", "合格率", "准确率", "覆盖率", "达标率", "执行率", "使用率", "应用率",
    "完成及时", "及时性", "健全性", "有效性", "合规性", "规范性", "完备性", "充分性",
    "完成", "开展", "相关", "工作", "情况", "项目", "年度", "计划", "程度", "水平",
    "提升", "提高", "改善", "增强", "健全", "建立", "长效", "机制", "制度", "有效", "执行",
    "验收", "合格", "及时", "保障", "管理", "日常", "业务",
    "上海市", "上海", "本市", "全市", "单位", "部门", "实施单位", "主管部门",
)
GENERIC_DAMPING = 0.2

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:\.[0-9]+)?")
_IS_CJK = re.compile(rf"[{_CJK}]")


def _generic_grams() -> frozenset[str]:
    grams: set[str] = set()
    for term in GENERIC_TERMS:
        for n in NGRAM_WEIGHTS:
            grams.update(term[k:k + n] for k in range(len(term) - n + 1))
    return frozenset(grams)


_GENERIC = _generic_grams()
# Stands in for a text with no letters, so that it still gets a (shared) direction.
_EMPTY = {"#": 1.0}


def normalize(text: str) -> str:
    """NFKC folds full-width letters, digits and compatibility ideographs onto their usual form."""
    return unicodedata.normalize("NFKC", text).lower()


def features(text: str) -> dict[str, float]:
    """Weighted n-grams of one text; weights already include damping and log term frequency."""
    counts: dict[str, int] = {}
    for run in _RUN.findall(normalize(text)):
        if _IS_CJK.match(run):
            for n in NGRAM_WEIGHTS:
                for k in range(len(run) - n + 1):
                    g = run[k:k + n]
                    counts[g] = counts.get(g, 0) + 1
        else:
            key = "#" + run
            counts[key] = counts.get(key, 0) + 1
    out: dict[str, float] = {}
    for g, tf in counts.items():
        out[g] = _gram_weight(g) * (1.0 + math.log(tf))
    return out


@lru_cache(maxsize=1 << 16)
def _gram_weight(g: str) -> float:
    if g.startswith("#"):
        token = g[1:]
        if token.replace(".", "").isdigit() and len(token) < 4:
            return SHORT_NUMBER_WEIGHT
        return TOKEN_WEIGHT
    w = NGRAM_WEIGHTS[len(g)]
    if g in _GENERIC:
        w *= GENERIC_DAMPING
    return w


@lru_cache(maxsize=1 << 18)
def _slot(g: str, dim: int) -> tuple[int, float]:
    # One crc32 gives both the slot and the sign: low bits index, bit 31 signs, so collisions
    # cancel on average instead of piling up.
    h = zlib.crc32(g.encode("utf-8"))
    return h % dim, (1.0 if h & 0x80000000 else -1.0)


def vector(text: str, dim: int = DEFAULT_DIM) -> np.ndarray:
    """L2-normalised hashed feature vector (float32)."""
    feats = features(text) or _EMPTY
    v = np.zeros(dim, dtype=np.float64)
    for g, w in feats.items():
        i, sign = _slot(g, dim)
        v[i] += sign * w
    return _unit(v)


def combine(parts: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """Weighted sum of unit vectors, renormalised: how a document weights its fields."""
    v = np.zeros(parts[0][0].shape[0], dtype=np.float64)
    for vec, w in parts:
        v += w * vec
    return _unit(v)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    if norm == 0.0:
        # A text of punctuation only, or parts that cancel: any fixed unit vector keeps cosine
        # distance defined (a zero vector would make it NaN).
        v = np.zeros_like(v)
        v[0] = 1.0
        norm = 1.0
    return (v / norm).astype(np.float32)
