"""The draft job: a request in, a drafted form (LLM or offline engine) out."""

from __future__ import annotations

from typing import Any, Callable

from drafter.draft.request import DraftRequest

Announce = Callable[[str], None]


def run_draft(request: DraftRequest, *, offline: bool = False, no_cache: bool = False,
              announce: Announce = lambda _m: None) -> Any:
    """A :class:`~drafter.draft.assemble.DraftResult`.

    Raises ConfigError (unusable LLM configuration), OfflineError and StoreError (no past forms to
    draft from): each one line a user can act on.
    """
    from drafter.draft.pipeline import draft as run

    client = None
    if not offline and no_cache:
        from drafter.llm.client import LLMClient
        from drafter.llm.profiles import resolve
        settings, _ = resolve()
        if settings is not None:
            client = LLMClient(settings, use_cache=False)
    result = run(request, offline=offline, announce=announce, client=client)
    if result.calls:  # LLM requests were made, even if the draft fell back to offline
        tokens = "—" if result.tokens is None else str(result.tokens)
        announce(f"{result.engine}：请求 {result.calls} 次，词元 {tokens}（详见 drafter logs）")
    return result
