"""Review parameters that differ by jurisdiction: weights, grade bands, thresholds, flags.

Defaults follow the central rules in ../shared/domain.md (§4, §5): 50/30/10/10 weights, 优 ≥ 90,
良 ≥ 80, 中 ≥ 60, qualitative bands 80/60 %, over-achievement at 130 %. Provinces change these
(one vendor grades 优 from 80; Shanxi caps the cost score), so rules read them from here and a
user can override any of them with ``drafter review --config FILE`` (TOML or YAML, same keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from drafter.errors import InputError


def _level1_weights() -> dict[str, float]:
    return {"产出": 50.0, "效益": 30.0, "满意度": 10.0}


def _grade_bands() -> dict[str, float]:
    # Grade -> inclusive lower bound of the total score.
    return {"优": 90.0, "良": 80.0, "中": 60.0, "差": 0.0}


def _qualitative_bands() -> dict[str, list[float]]:
    # Share of the weight: [low, high). The top band includes its high end (full marks).
    return {"达成": [0.8, 1.0], "部分达成": [0.6, 0.8], "未达成": [0.0, 0.6]}


@dataclass
class ReviewConfig:
    # Self-evaluation structure (S01, S03, T03).
    total_points: float = 100.0
    level1_weights: dict[str, float] = field(default_factory=_level1_weights)
    execution_weight: float = 10.0
    # Where a 成本指标 一级 counts when comparing first-level weights (post-101号 split unknown).
    cost_counts_as: str = "产出"
    grade_bands: dict[str, float] = field(default_factory=_grade_bands)
    qualitative_bands: dict[str, list[float]] = field(default_factory=_qualitative_bands)
    # Arithmetic: a stated figure within this distance of the recomputed one is accepted.
    tolerance: float = 0.01
    # S03: an execution rate above 100 % still earns at most the execution weight.
    cap_execution_score: bool = True
    # S05 for ≤/< indicators: "ratio" = target/actual × weight (policy tables);
    # "linear" = weight × (1 − (actual − target)/target), 0 from twice the target (vendor rule).
    negative_scoring: str = "ratio"
    # S04: execution below this rate (%) needs an explanation.
    execution_explain_below: float = 90.0
    # S10: actual ≥ this multiple of the target needs an explanation; for a zero target, this value.
    over_achievement_ratio: float = 1.30
    over_achievement_zero_target: float = 30.0
    # S18: Shanxi caps the cost part at 5 points when no cost indicator was filed; None = off.
    cost_missing_cap: float | None = None
    # S20: execution this low (%) with output/benefit scores at least this share of their weight.
    low_execution_rate: float = 60.0
    high_score_share: float = 0.95
    # T06: missing 成本 is an error where cost is mandatory (Shanghai 2025), a warning elsewhere.
    cost_required: bool = False
    # T06: missing 满意度 is an error where every project serves the public.
    satisfaction_required: bool = False
    # T18: a cost indicator without a quota/standard basis is an error (Shanghai) or a warning.
    cost_standard_required: bool = False
    # T09: a satisfaction target at or above this (%) is not credible.
    satisfaction_max_target: float = 100.0
    # T13: warn when at least this share of numeric targets are "=100%"-style (min count below).
    trivial_share: float = 1.0
    trivial_min_count: int = 3
    # T03: points a target form keeps for budget execution outside its indicator rows (奉节:
    # 年度绩效目标 90 分 + 预算执行 10 分); 0 = the indicators carry the whole total.
    target_execution_weight: float = 0.0
    # T14: a cost total may differ from the funds by this share before it is reported.
    funds_tolerance_ratio: float = 0.01
    # T28: unit cost × quantity beyond this multiple of the funds (or below its inverse) is reported.
    unit_cost_factor: float = 2.0
    # T19: fewer 三级 indicators than this is too few.
    min_indicators: int = 3

    def grade_for(self, total: float) -> str:
        """The grade whose band holds ``total`` (bands by inclusive lower bound)."""
        for grade, low in sorted(self.grade_bands.items(), key=lambda kv: -kv[1]):
            if total >= low - 1e-9:
                return grade
        return min(self.grade_bands.items(), key=lambda kv: kv[1])[0]

    def band_text(self, grade: str) -> str:
        """The band of ``grade`` in words, for messages: "≥90", "80–<90"."""
        ordered = sorted(self.grade_bands.items(), key=lambda kv: -kv[1])
        for i, (g, low) in enumerate(ordered):
            if g == grade:
                return f"≥{low:g}" if i == 0 else f"{low:g}–<{ordered[i - 1][1]:g}"
        return ""


_FIELDS = {f.name: f for f in fields(ReviewConfig)}


@dataclass(frozen=True)
class Preset:
    """A jurisdiction's settings, named for ``--config`` and citing where they come from."""

    name: str
    title: str
    source: str
    values: dict[str, Any]


# Only rules ../shared/domain.md documents with a source; everything else stays at the defaults.
PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("national", "全国默认（中央部门）",
           "财政部《关于开展中央部门项目支出绩效自评工作的通知》（2016）；财预〔2020〕10号；"
           "财政部预算司评价等级（优 ≥90、良 ≥80、中 ≥60）", {}),
    Preset("shanghai-2025", "上海 2025 成本指标",
           "《上海市市级部门项目支出核心绩效目标和指标设置及取值指引（试行）》（上海市财政局，2025-01-02）："
           "原则上每一项目均应设置成本指标，成本指标依据成本定额、支出标准或成本绩效分析",
           {"cost_required": True, "cost_standard_required": True}),
    Preset("guangxi", "广西 超额完成 130%",
           "广西预算绩效管理系统自评规则：实际完成值达到目标值 130% 及以上（目标为 0 时达到 30）须说明偏差原因",
           {"over_achievement_ratio": 1.30, "over_achievement_zero_target": 30.0}),
    Preset("shanxi", "山西 未设成本指标的成本分值上限",
           "山西省预算绩效管理系统自评规则：未设成本指标的，成本部分得分不超过 5 分",
           {"cost_missing_cap": 5.0}),
    Preset("chongqing-fengjie", "重庆奉节 预算执行单列 10 分",
           "重庆市奉节县项目支出绩效目标审批表：年度绩效指标 90 分，预算执行 10 分",
           {"target_execution_weight": 10.0}),
)}


def load_config(path: str | Path | None) -> ReviewConfig:
    """Defaults, a named preset ("shanghai-2025") or a TOML/YAML file. Bad input is an InputError.

    A file may start from a preset with ``preset = "guangxi"`` and override single keys.
    """
    if path is None:
        return ReviewConfig()
    from drafter.structured import read_structured
    source = str(path)
    exists = _exists(source)
    if source in PRESETS and not exists:
        return config_from_dict(dict(PRESETS[source].values), source)
    # A short word with no suffix that names no file was meant as a preset ("shanghai"); anything
    # else missing (a path, an over-long name) gets the reader's own message; "-" is stdin.
    if source != "-" and not exists and not Path(source).suffix and len(source) < 64 and "/" not in source:
        raise InputError(f"没有这个配置文件或预设 (no such config file or preset); 可用预设: {', '.join(PRESETS)}",
                         source)
    data = read_structured(path)
    if data is None:
        return ReviewConfig()
    if not isinstance(data, dict):
        raise InputError("配置文件应为键值表 (config must be a table of keys)", source)
    # Allow the keys under a [review] table, so one file can configure several commands.
    if set(data) == {"review"} and isinstance(data["review"], dict):
        data = data["review"]
    preset = data.pop("preset", None) if isinstance(data, dict) else None
    if preset is not None:
        if not isinstance(preset, str) or preset not in PRESETS:
            raise InputError(f"未知预设 (unknown preset): {preset}; 可用预设: {', '.join(PRESETS)}", source)
        data = {**PRESETS[preset].values, **data}
    return config_from_dict(data, source)


def _exists(path: str) -> bool:
    # A name too long for the file system (or with a NUL) is no file: read_structured says so.
    try:
        return Path(path).exists()
    except (OSError, ValueError):
        return False


def config_from_dict(data: dict[str, Any], source: str = "config") -> ReviewConfig:
    # key=str: a YAML file may give keys that are numbers (``1: 2``), which do not sort with text.
    unknown = sorted(set(data) - set(_FIELDS), key=str)
    if unknown:
        raise InputError(f"未知配置项 (unknown config key): {_some(unknown)}", source)
    from pydantic import TypeAdapter, ValidationError
    try:
        cfg = TypeAdapter(ReviewConfig).validate_python({**ReviewConfig().__dict__, **data})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(f"配置项取值无效 (invalid config value for {_some([where])})", source) from None
    from drafter.read.labels import LEVEL1_WORDS
    categories = sorted(set(LEVEL1_WORDS.values()))
    # A misspelt category ("产出指标", "产品") would otherwise just never match, and S01 would
    # silently stop checking.
    wrong = sorted((k for k in cfg.level1_weights if k not in categories), key=str)
    if wrong:
        raise InputError(f"level1_weights 中有未知的一级类别 (unknown level1_weights key): {_some(wrong)}"
                         f"；可用 {'、'.join(categories)}", source)
    return cfg


def _some(names: list[Any], shown: int = 5, width: int = 40) -> str:
    """A few names, each cut short, and how many more: a file may hold a million bad keys."""
    def cut(name: Any) -> str:
        text = str(name)
        return text if len(text) <= width else text[:width] + "…"
    more = f" 等 {len(names)} 项 ({len(names)} in all)" if len(names) > shown else ""
    return ", ".join(cut(n) for n in names[:shown]) + more
