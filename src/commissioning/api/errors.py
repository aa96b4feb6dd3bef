"""Answers that are not data: a status code and one plain message."""


class Refused(Exception):
    """A request the API answers with ``status`` and one plain ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message
