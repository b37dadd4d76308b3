"""The one error users should ever see: bad input, named precisely.

Every loader raises :class:`InputError`; the CLI turns it into one line on
stderr and exit status 2 (:class:`InputErrors`: one line per mistake, so a
person fixes a profile in one round). Anything else escaping is a bug.
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
        return [self.message]


class InputErrors(InputError):
    """Several mistakes in one input; an InputError (the first) to code that wants one."""

    def __init__(self, errors: list[InputError]):
        flat: list[InputError] = []
        for error in errors:
            flat.extend(error.errors if isinstance(error, InputErrors) else [error])
        if not flat:
            raise ValueError("InputErrors needs at least one error")
        self.errors = flat
        first = flat[0]
        super().__init__(first.source, first.field, first.expected)

    @property
    def lines(self) -> list[str]:
        return [e.message for e in self.errors]


class Interrupted(Exception):
    """SIGTERM (or SIGINT) arrived: unwind, remove temporary files, exit 130."""
