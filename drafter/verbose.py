"""``drafter --verbose``: what drafter, the openai SDK and httpx are doing, on stderr, keys masked.

Debug output is where keys leak in practice (request dumps, error bodies quoting the key), so
the one handler installed here passes every formatted line through :func:`drafter.llm.scrub.scrub`
after registering every credential found in the environment.
"""

from __future__ import annotations

import logging
import sys

# Loud libraries stay at WARNING: their debug output is about their internals, not the user's run.
LEVELS = {"drafter": logging.DEBUG, "openai": logging.DEBUG, "httpx": logging.INFO,
          "chromadb": logging.WARNING, "httpcore": logging.WARNING}


class ScrubbingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from drafter.llm.scrub import scrub

        return scrub(super().format(record)) or ""


class _Handler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure(on: bool) -> None:
    """Turn the debug log on or off; off also undoes an earlier ``on`` in the same process."""
    from drafter.llm.scrub import register_env_secrets

    for name in LEVELS:
        logger = logging.getLogger(name)
        for h in [h for h in logger.handlers if isinstance(h, _Handler)]:
            logger.removeHandler(h)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True
    if not on:
        return
    register_env_secrets()
    handler = _Handler()
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    for name, level in LEVELS.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)
        # Handlers hang on these loggers, not the root, which chromadb reconfigures on import.
        logger.propagate = False
