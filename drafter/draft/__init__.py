"""Drafting a new project's performance targets (issue 5).

:mod:`.pipeline` is the entry point (:func:`~drafter.draft.pipeline.draft`); it picks the LLM
engine (:mod:`.llm_engine`) or the offline engine (:mod:`.offline`), both of which return the
same validated :class:`~drafter.draft.schema.DraftResponse`, judged by the review rules
(:mod:`.review`) and assembled into a Form (:mod:`.assemble`).
"""
