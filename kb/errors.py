"""The one error users should ever see: bad input, named precisely.

Every loader raises :class:`InputError`; the CLI turns it into one line on
stderr and exit status 2. Anything else escaping is a bug.
"""
from __future__ import annotations


class InputError(Exception):
    """Bad input: which file, which field, what was expected."""

    def __init__(self, source: str, field: str | None, expected: str):
        self.source = str(source)
        self.field = field
        self.expected = expected
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.source}: {self.field}" if self.field else self.source
        return f"{where}: {self.expected}".replace("\n", " ")
