"""Provider profiles: which base URL, which instructor mode, which key, which default model.

A profile exists because OpenAI-compatible servers are compatible in different ways
(../shared/tech-notes.md §1.3): DeepSeek, DashScope and Zhipu accept ``response_format=json_object``
but reject forced tool calls; vLLM, Ollama and llama.cpp enforce a JSON schema by guided decoding;
reasoning models and unknown servers only reliably return text, so the schema goes into the
prompt and the JSON is cut out of a fenced block (MD_JSON).

Configuration (design.md): DRAFTER_PROFILE names a profile; OPENAI_BASE_URL and OPENAI_API_KEY
override its URL and key; DRAFTER_MODEL its model. With no profile, the base URL's host picks one
(api.deepseek.com → deepseek, …), an unknown host gets MD_JSON, and a key alone means OpenAI.
No key and no base URL (and no local-server profile) means the offline engine.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MODES = ("TOOLS", "JSON", "JSON_SCHEMA", "MD_JSON")
# When a server rejects the way a mode asks for structure (HTTP 400/422/500 naming
# response_format or tools), the next weaker mode is tried: tech-notes §1.3.
DOWNGRADE = {"TOOLS": "JSON", "JSON_SCHEMA": "JSON", "JSON": "MD_JSON"}


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str
    mode: str
    model: str
    key_envs: tuple[str, ...] = ()
    # Local servers ignore the key, but the openai SDK refuses to start without one.
    needs_key: bool = True
    placeholder_key: str = "unused"
    hosts: tuple[str, ...] = ()
    # llama.cpp's llama-server and llama-cpp-python's server both enforce a schema given inside
    # ``response_format={"type": "json_object", "schema": …}``; the latter rejects "json_schema".
    json_object_schema: bool = False


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("openai", "https://api.openai.com/v1", "TOOLS", "gpt-4o-mini", ("OPENAI_API_KEY",),
            hosts=("api.openai.com",)),
    Profile("deepseek", "https://api.deepseek.com", "JSON", "deepseek-chat",
            ("DEEPSEEK_API_KEY", "OPENAI_API_KEY"), hosts=("api.deepseek.com",)),
    Profile("qwen", "https://dashscope.aliyuncs.com/compatible-mode/v1", "JSON", "qwen-plus",
            ("DASHSCOPE_API_KEY", "OPENAI_API_KEY"),
            hosts=("dashscope.aliyuncs.com", "dashscope-intl.aliyuncs.com")),
    Profile("glm", "https://open.bigmodel.cn/api/paas/v4", "JSON", "glm-4-flash",
            ("ZHIPUAI_API_KEY", "OPENAI_API_KEY"), hosts=("open.bigmodel.cn",)),
    Profile("vllm", "http://localhost:8000/v1", "JSON_SCHEMA", "default", ("OPENAI_API_KEY",),
            needs_key=False),
    Profile("ollama", "http://localhost:11434/v1", "JSON_SCHEMA", "qwen2.5:7b", ("OPENAI_API_KEY",),
            needs_key=False, placeholder_key="ollama"),
    Profile("llamacpp", "http://localhost:8080/v1", "JSON_SCHEMA", "default", ("OPENAI_API_KEY",),
            needs_key=False, json_object_schema=True),
)}
# A server we know nothing about: the schema in the prompt and a fenced answer work everywhere.
CUSTOM = Profile("custom", "", "MD_JSON", "default", ("OPENAI_API_KEY",), needs_key=False)

# Thinking models reject json_object and forced tools (DeepSeek-R1, QwQ, GLM-Z1, o-series) and
# may put <think> text before the answer; MD_JSON copes with both.
_REASONING = re.compile(r"reason|think|(?:^|[-/_:])r1(?:$|[-/_:])|qwq|glm-z1|(?:^|/)o[134](?:$|[-/])",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    """Everything needed to make a call. ``api_key`` never appears in repr or logs."""

    profile: str
    base_url: str
    model: str
    mode: str
    api_key: str = field(repr=False)
    timeout_s: float = 120.0
    http_retries: int = 2
    max_retries: int = 2
    max_tokens: int = 4096
    temperature: float = 0.0
    json_object_schema: bool = False

    @property
    def engine(self) -> str:
        return f"llm:{self.model}"


class ConfigError(ValueError):
    """A configuration value that cannot work; the CLI prints it as one line (exit 2)."""


def resolve(env: dict[str, str] | None = None) -> tuple[Settings | None, str]:
    """The LLM settings configuration asks for, or None and the reason the offline engine is used."""
    env = dict(os.environ if env is None else env)
    name = env.get("DRAFTER_PROFILE", "").strip().lower()
    base_url = env.get("OPENAI_BASE_URL", "").strip()
    if name and name not in PROFILES:
        raise ConfigError(f"未知的 DRAFTER_PROFILE：{name}（可选 {', '.join(PROFILES)}）")
    profile = PROFILES[name] if name else _guess(base_url, env)
    if profile is None:
        return None, "未设置 OPENAI_API_KEY / OPENAI_BASE_URL / DRAFTER_PROFILE"

    key = next((env[k].strip() for k in profile.key_envs if env.get(k, "").strip()), "")
    if not key and profile.needs_key:
        envs = " 或 ".join(profile.key_envs)
        return None, f"配置了 {profile.name} 但缺少 API key（{envs}）"

    model = env.get("DRAFTER_MODEL", "").strip() or profile.model
    mode = env.get("DRAFTER_MODE", "").strip().upper()
    if mode and mode not in MODES:
        raise ConfigError(f"未知的 DRAFTER_MODE：{mode}（可选 {', '.join(MODES)}）")
    if not mode:
        mode = "MD_JSON" if _REASONING.search(model) else profile.mode
    _number(env, "DRAFTER_CONTEXT_TOKENS", 2500)  # read by the draft task; refused here, before any call
    return Settings(
        profile=profile.name,
        base_url=base_url or profile.base_url,
        model=model,
        mode=mode,
        api_key=key or profile.placeholder_key,
        timeout_s=_number(env, "DRAFTER_TIMEOUT", 120.0),
        http_retries=int(_number(env, "DRAFTER_HTTP_RETRIES", 2)),
        max_retries=int(_number(env, "DRAFTER_MAX_RETRIES", 2)),
        max_tokens=int(_number(env, "DRAFTER_MAX_TOKENS", 4096)),
        json_object_schema=profile.json_object_schema,
    ), ""


def _guess(base_url: str, env: dict[str, str]) -> Profile | None:
    if not base_url:
        return PROFILES["openai"] if env.get("OPENAI_API_KEY", "").strip() else None
    parts = urlsplit(base_url if "://" in base_url else f"http://{base_url}")
    host = (parts.hostname or "").lower()
    for p in PROFILES.values():
        if host in p.hosts:
            return p
    if parts.port == 11434:
        return PROFILES["ollama"]
    return CUSTOM


def _number(env: dict[str, str], name: str, default: float) -> float:
    from drafter.envvars import EnvError, number

    low, high, integer, low_open = LIMITS[name]
    try:
        return number(env, name, default, low=low, high=high, integer=integer, low_open=low_open)
    except EnvError as e:
        raise ConfigError(str(e)) from None


# (low, high, integer, low excluded): a timeout of 0 or nan, 1e9 retries, would hang or spin.
LIMITS: dict[str, tuple[float, float, bool, bool]] = {
    "DRAFTER_TIMEOUT": (0, 3600, False, True),
    "DRAFTER_HTTP_RETRIES": (0, 10, True, False),
    "DRAFTER_MAX_RETRIES": (0, 10, True, False),
    "DRAFTER_MAX_TOKENS": (1, 1_000_000, True, False),
    "DRAFTER_CONTEXT_TOKENS": (1, 1_000_000, True, False),
}


def context_tokens(env: dict[str, str] | None = None, default: int = 2500) -> int:
    """DRAFTER_CONTEXT_TOKENS: how many tokens of past forms go into a prompt."""
    return int(_number(dict(os.environ if env is None else env), "DRAFTER_CONTEXT_TOKENS", default))
