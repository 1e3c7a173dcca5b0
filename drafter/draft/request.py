"""What a user asks a draft for: a new project's name, goal, funds, agency and year.

From command-line options or a YAML/JSON file (``--from FILE``). Funds given as a bare number are
万元, the unit budget applications are written in; "836000元" or "83.6万元" say their own unit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from drafter.errors import InputError
from drafter.values import parse_value

_TO_WAN = {"万元": 1.0, "元": 1e-4, "亿元": 1e4, "千元": 0.1}
# Accepted spellings of each field in a request file (the form's own names included, so a
# `parse --format json` form or a hand-written Chinese YAML works as a request too).
_ALIASES = {
    "name": ("name", "project_name", "项目名称"),
    "goal": ("goal", "annual_goal", "年度目标", "绩效目标"),
    "funds": ("funds", "资金", "项目资金", "资金总额"),
    "agency": ("agency", "实施单位", "申报单位"),
    "department": ("department", "主管部门"),
    "year": ("year", "年度"),
    "project_type": ("project_type", "项目类型"),
    "sector": ("sector", "行业", "所属行业"),
    "project_nature": ("project_nature", "项目性质", "nature"),
}


class DraftRequest(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    goal: str = Field(min_length=4, max_length=4000)
    funds_wan: float | None = Field(default=None, ge=0)
    agency: str | None = None
    department: str | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    project_type: str | None = None
    sector: str | None = None
    # 项目性质: a recurring project's past years are its baseline, a one-off's are not (offline.py).
    project_nature: str | None = Field(default=None, max_length=40)

    @field_validator("name", "goal", "agency", "department", "project_type", "sector", "project_nature",
                     mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return " ".join(v.split()) if isinstance(v, str) else v

    @property
    def query(self) -> str:
        """Text to find similar past projects by: the name weighs most, the goal adds context."""
        return f"{self.name}\n{self.name}\n{self.goal}"


def parse_funds(raw: Any) -> float | None:
    """万元 from 83.6, "83.6", "83.6万元", "836000元", {"total": 836000, "unit": "元"}."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, dict):  # a Form's funds block
        total = raw.get("total")
        if total is None:
            return None
        return float(total) * _TO_WAN.get(raw.get("unit") or "元", 1e-4)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    text = str(raw).strip().replace(",", "").replace("，", "")
    v = parse_value(text)
    if v.value is None:
        raise InputError(f"资金金额无法识别：{raw!r}（例如 83.6 或 83.6万元 或 836000元）")
    unit = v.unit or "万元"
    if unit not in _TO_WAN:
        raise InputError(f"资金单位无法识别：{unit}（可用 元、万元、亿元）")
    return v.value * _TO_WAN[unit]


def build_request(name: str | None, goal: str | None, funds: str | None = None,
                  agency: str | None = None, year: int | None = None,
                  department: str | None = None, nature: str | None = None,
                  project_type: str | None = None, sector: str | None = None) -> DraftRequest:
    return _validate({"name": name, "goal": goal, "funds_wan": parse_funds(funds), "agency": agency,
                      "year": year, "department": department, "project_nature": nature,
                      "project_type": project_type, "sector": sector}, None)


def load_request(path: str | Path, overrides: dict[str, Any] | None = None) -> DraftRequest:
    """A request from a YAML or JSON file; command-line options given beside it win."""
    from drafter.structured import read_structured
    source = str(path)
    data = read_structured(path)
    if isinstance(data, dict) and isinstance(data.get("form"), dict):  # a draft output
        data = data["form"]
    elif isinstance(data, dict) and isinstance(data.get("forms"), list) and data["forms"]:  # parse output
        data = data["forms"][0]
    if not isinstance(data, dict):
        raise InputError("请求文件应为键值表，含 name、goal 等字段 (expected a mapping)", source)
    fields: dict[str, Any] = {}
    for key, spellings in _ALIASES.items():
        for s in spellings:
            if data.get(s) not in (None, ""):
                fields[key] = data[s]
                break
    fields["funds_wan"] = parse_funds(fields.pop("funds", None))
    for k, v in (overrides or {}).items():
        if v is not None:
            fields["funds_wan" if k == "funds" else k] = parse_funds(v) if k == "funds" else v
    return _validate(fields, source)


def _validate(fields: dict[str, Any], source: str | None) -> DraftRequest:
    fields = {k: v for k, v in fields.items() if v is not None}
    if not fields.get("name"):
        raise InputError("缺少项目名称（--name，或文件中的 name）", source)
    if not fields.get("goal"):
        raise InputError("缺少项目目标（--goal，或文件中的 goal）", source)
    if isinstance(fields.get("year"), str) and re.fullmatch(r"\d{4}年?", fields["year"].strip()):
        fields["year"] = int(fields["year"].strip()[:4])
    try:
        return DraftRequest.model_validate(fields)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(f"请求字段 {where} 无效：{first['msg']}", source) from None


