"""The one way drafter talks to a language model.

:mod:`.profiles` turns configuration into a provider profile (base URL, instructor mode, model),
:mod:`.client` makes structured calls through instructor and is the only module that imports
openai/instructor, :mod:`.log` keeps every attempt and the response cache in SQLite under
DRAFTER_HOME, :mod:`.prompts` renders the Jinja2 templates in ``prompts/`` and :mod:`.scrub`
keeps API keys out of everything that is written down or shown.
"""

from __future__ import annotations


class LLMError(Exception):
    """An LLM call that failed for good: HTTP error, timeout, or validation retries exhausted.

    The message is already scrubbed of keys and is safe to print or log. ``attempts`` is how many
    requests were sent, ``last_error`` the last validation or API error text (also scrubbed).
    ``request_failed`` tells a dead or refusing server from an answer that failed validation.
    ``reasks`` counts the answers that failed validation and were sent back with the validator's
    message before the budget ran out.
    """

    def __init__(self, message: str, attempts: int = 0, last_error: str | None = None,
                 request_failed: bool = False, reasks: int = 0):
        super().__init__(message)
        self.attempts = attempts
        self.last_error = last_error
        self.reasks = reasks
        # The server could not be reached or kept refusing (timeouts, 429, 5xx) even after the
        # retries: further calls in the same run would most likely fail the same way.
        self.request_failed = request_failed
