"""What a rule reports: the `review --format json` contract (../shared/design.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["error", "warning", "info"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


class Finding(BaseModel):
    """One problem in one form (``indicator_index`` null) or in one of its indicators."""

    code: str
    severity: Severity
    source: str
    form_index: int
    indicator_index: int | None = None
    indicator_name: str | None = None
    message: str
    suggestion: str | None = None
    tags: list[str] = Field(default_factory=list)


def at_least(severity: str, level: str) -> bool:
    """Does ``severity`` reach ``level`` (error > warning > info)?"""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[level]
