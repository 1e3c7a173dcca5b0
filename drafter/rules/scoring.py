"""Self-evaluation arithmetic shared by the scoring rules: what a score should be, and why.

Each function returns the expected figure together with the working in the form a reviewer writes
it ("486/500×5"), so that messages can quote both.
"""

from __future__ import annotations

from typing import NamedTuple

from drafter.config import ReviewConfig
from drafter.model import Budget
from drafter.rules import words as W
from drafter.rules.view import Item, num, pts


class Expected(NamedTuple):
    score: float
    working: str  # "486/500×5", "实际 100 ≥ 目标 95，满分"


def direction(item: Item) -> str:
    """"+" (≥ >), "-" (≤ <) or "=" for a numeric target; a missing operator follows the name."""
    op = item.target.op
    if op in ("≥", ">"):
        return "+"
    if op in ("≤", "<"):
        return "-"
    if op == "=":
        return "="
    return "-" if W.any_in(item.name, W.NEGATIVE_NAMES) else "+"


def comparable(item: Item) -> tuple[float, float] | None:
    """(target, actual) when both are numbers in the same unit."""
    t, a = item.target, item.actual
    if t.value is None or a.value is None:
        return None
    if t.unit and a.unit and t.unit != a.unit:
        return None
    return t.value, max(a.value, 0.0)  # negative actual values count as 0 (vendor rule)


def expected_quantitative(item: Item, cfg: ReviewConfig) -> Expected | None:
    """The score of a quantitative row from its completion ratio, capped at the weight."""
    pair = comparable(item)
    w = item.ind.weight
    if pair is None or w is None:
        return None
    target, actual = pair
    d = direction(item)
    if d in ("+", "="):
        if target == 0:
            if d == "=" and actual > 0:
                return Expected(0.0, f"目标为 0，实际 {num(actual)}，得 0 分")
            return Expected(w, f"目标为 0，实际 {num(actual)}，满分")
        if actual >= target - 1e-9:
            return Expected(w, f"实际 {num(actual)} 已达到目标 {num(target)}，满分 {pts(w)}")
        return Expected(round(actual / target * w, 6), f"{num(actual)}/{num(target)}×{num(w)}")
    # Smaller is better.
    if actual <= target + 1e-9:
        return Expected(w, f"实际 {num(actual)} 未超过目标 {num(target)}，满分 {pts(w)}")
    if target == 0:
        return Expected(0.0, f"目标为 0，实际 {num(actual)}，得 0 分")
    if cfg.negative_scoring == "linear":
        if actual >= 2 * target:
            return Expected(0.0, f"实际 {num(actual)} 达到目标 {num(target)} 的 2 倍，得 0 分")
        score = w * (1 - (actual - target) / target)
        return Expected(round(score, 6), f"{num(w)}×(1−({num(actual)}−{num(target)})/{num(target)})")
    return Expected(round(target / actual * w, 6), f"{num(target)}/{num(actual)}×{num(w)}")


def qualitative_band(grade: str, weight: float, cfg: ReviewConfig) -> tuple[float, float, bool]:
    """(low, high, high_inclusive) score bounds for a qualitative grade."""
    low, high = cfg.qualitative_bands[grade]
    return round(weight * low, 2), round(weight * high, 2), high >= 1.0 - 1e-9


def execution_rate(budget: Budget) -> tuple[float | None, str]:
    """The rate (%) recomputed from the amounts, and its working; the stated one as a fallback."""
    base = budget.adjusted if budget.adjusted is not None else budget.initial
    if budget.executed is not None and base:
        return budget.executed / base * 100, f"{num(budget.executed)}/{num(base)}"
    return budget.rate_pct, "表中执行率"


def expected_execution_score(budget: Budget, cfg: ReviewConfig) -> Expected | None:
    rate, working = execution_rate(budget)
    if rate is None:
        return None
    weight = budget.weight if budget.weight is not None else cfg.execution_weight
    share = min(rate, 100.0) if cfg.cap_execution_score else rate
    cap = "（执行率超过 100% 按 100% 计）" if cfg.cap_execution_score and rate > 100 else ""
    return Expected(round(share / 100 * weight, 6), f"{num(round(rate, 2))}%×{num(weight)}{cap}")


def close(a: float, b: float, cfg: ReviewConfig) -> bool:
    return abs(a - b) <= cfg.tolerance + 1e-9


def lost_points(item: Item, cfg: ReviewConfig) -> float:
    w, s = item.ind.weight, item.ind.score
    if w is None or s is None:
        return 0.0
    return w - s if w - s > cfg.tolerance + 1e-9 else 0.0
