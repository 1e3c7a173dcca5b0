"""Review rounds: a resubmitted form (退回修改) against the previous review, and accepted findings.

Findings are matched by what they are about (project, indicator name, rule code), never by row
position: a unit that inserts a row or reorders its indicators must not see every finding "new".
Pure functions over findings; the CLI reads the files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from drafter.errors import InputError
from drafter.rules.finding import Finding
from drafter.rules.view import project_key

NEW = "new"              # not in the baseline
REMAINING = "remaining"  # in the baseline and still here
ACCEPTED = "accepted"    # the reviewer agreed to leave it (--accept)
STATUS_ZH = {NEW: "新增", REMAINING: "未修改", ACCEPTED: "已接受"}

Key = tuple[str, str, str]


def finding_key(f: Finding) -> Key:
    """(project, indicator, code); a form without a project name is known by its place."""
    project = project_key(f.project_name) or f"#{f.form_index}"
    return project, project_key(f.indicator_name), f.code


def finding_from_dict(d: Any, source: str) -> Finding:
    """A finding of a previous `review --format json`; what cannot be one is an InputError."""
    try:
        return Finding(code=str(d["code"]), severity=d.get("severity", "warning"), source=str(d.get("source", "")),
                       form_index=int(d.get("form_index") or 0), indicator_index=d.get("indicator_index"),
                       indicator_name=d.get("indicator_name"), message=str(d.get("message", "")),
                       suggestion=d.get("suggestion"), tags=list(d.get("tags") or []), basis=d.get("basis"),
                       project_name=d.get("project_name"))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError("基线文件中的审核意见格式不对 (baseline findings are not review JSON)", source) from None


@dataclass
class RoundResult:
    findings: list[Finding]   # the new review, each with its status
    fixed: list[Finding]      # baseline findings that no longer appear
    # Per new finding, the index of the baseline finding it matched (None: new). The web carries
    # a reviewer's acceptance from one round to the next through it.
    previous: list[int | None] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {NEW: 0, REMAINING: 0, ACCEPTED: 0}
        for f in self.findings:
            if f.status in out:
                out[f.status] += 1
        out["fixed"] = len(self.fixed)
        return out


def compare(new: list[Finding], old: Iterable[Finding]) -> RoundResult:
    """Which findings were fixed, which remain and which are new; repeats are matched one to one."""
    pool: dict[Key, list[tuple[int, Finding]]] = defaultdict(list)
    for k, f in enumerate(old):
        pool[finding_key(f)].append((k, f))
    out: list[Finding] = []
    previous: list[int | None] = []
    for f in new:
        key = finding_key(f)
        # A baseline written before findings carried project_name knows forms by place only.
        left = pool.get(key) or pool.get((f"#{f.form_index}", key[1], key[2]))
        if left:
            previous.append(left.pop(0)[0])
            out.append(replace(f, status=REMAINING))
        else:
            previous.append(None)
            out.append(replace(f, status=NEW))
    fixed = [f for _, f in sorted((kf for kfs in pool.values() for kf in kfs), key=lambda kf: kf[0])]
    return RoundResult(out, fixed, previous)


def round_summary(findings: list[Finding], fixed: list[Finding] | None, baseline: str | None) -> dict[str, Any]:
    """The `round` object of the review summary: counts by status, and how many were fixed."""
    counts = {NEW: 0, REMAINING: 0, ACCEPTED: 0}
    for f in findings:
        if f.status in counts:
            counts[f.status] += 1
    return {"baseline": baseline, "fixed": len(fixed) if fixed is not None else None, **counts}


@dataclass(frozen=True)
class Accept:
    code: str
    reason: str
    indicator: str | None = None   # None: a form-level finding, or every indicator of the project
    project: str | None = None     # None: any project

    def matches(self, f: Finding) -> bool:
        if f.code != self.code:
            return False
        if self.project and project_key(self.project) != project_key(f.project_name):
            return False
        return self.indicator is None or project_key(self.indicator) == project_key(f.indicator_name)


def accepts_from(data: Any, source: str) -> list[Accept]:
    """Entries of an --accept file: ``accept = [{code, reason, indicator?, project?}, …]``."""
    if isinstance(data, dict):
        data = data.get("accept", data.get("accepted"))
    if not isinstance(data, list):
        raise InputError("接受清单应为 accept 列表 (accept file must hold a list under 'accept')", source)
    out: list[Accept] = []
    for n, e in enumerate(data, start=1):
        if not isinstance(e, dict) or not isinstance(e.get("code"), str):
            raise InputError(f"接受清单第 {n} 项缺少规则代码 code (entry {n} has no code)", source)
        reason = e.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"接受清单第 {n} 项没有写明理由 reason (entry {n} has no reason)", source)
        ind, proj = e.get("indicator"), e.get("project")
        out.append(Accept(e["code"].strip().upper(), reason.strip(),
                          ind if isinstance(ind, str) and ind.strip() else None,
                          proj if isinstance(proj, str) and proj.strip() else None))
    return out


def apply_accepts(findings: list[Finding], accepts: list[Accept]) -> list[Finding]:
    """Findings a reviewer accepted become status "accepted", with the reason recorded."""
    if not accepts:
        return findings
    out = []
    for f in findings:
        hit = next((a for a in accepts if a.matches(f)), None)
        out.append(replace(f, status=ACCEPTED, accepted_reason=hit.reason) if hit else f)
    return out
