"""Options from outside — a command-line flag, a form field, a query parameter —
read into values, with the same one-line errors wherever they arrive."""
from __future__ import annotations

from datetime import date

from kb.io.errors import InputError
from kb.io.inputs import FIRST_DAY, LAST_DAY


def parse_date(text: str | None, source: str = "--as-of") -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(source, None, f"expected a date YYYY-MM-DD, got {text[:40]!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:   # as a profile's dates: the calendar ends at 9999
        raise InputError(source, None, f"expected a date from {FIRST_DAY} to {LAST_DAY}, got {text!r}")
    return day


def parse_switches(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError("--switch", item, "expected NAME=VALUE")
        out[name] = value
    return out


def whole(text: str, option: str, low: int, high: int) -> int:
    text = str(text).strip()
    # a length bound first: int() of thousands of digits raises rather than answers
    too_long = len(text.lstrip("0")) > len(str(high))
    if not text.isascii() or not text.isdigit() or too_long or not low <= int(text) <= high:
        raise InputError(option, None, f"expected a whole number from {low:,} to {high:,}, got {text[:40]!r}")
    return int(text)


def seconds(text: str, option: str = "--timeout", low: float = 0.1, high: float = 3600) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        value = -1.0
    if not low <= value <= high:   # also rejects nan and inf
        raise InputError(option, None, f"expected seconds from {low:g} to {high:g}, got {text!r}")
    return value
