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

    @property
    def lines(self) -> list[str]:
        """What the CLI prints, one line each (several for :class:`InputErrors`)."""
        return [self.message]


class InputErrors(InputError):
    """Several mistakes in one input, reported together (one line each) so a
    person fixes a profile in one pass, not one error per run. The first
    mistake stands in for ``source``/``field``/``expected``."""

    def __init__(self, errors: list[InputError]):
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.source, first.field, first.expected)

    @property
    def lines(self) -> list[str]:
        return [e.message for e in self.errors]

    @property
    def message(self) -> str:
        return "\n".join(self.lines)
