"""Errors a user can act on. The CLI prints their message as one line and exits 2."""


class InputError(Exception):
    """Bad input: missing file, binary, empty, undecodable, or no form in it."""

    def __init__(self, message: str, source: str | None = None):
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        msg = self.args[0]
        return f"{self.source}: {msg}" if self.source else msg
