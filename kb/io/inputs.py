"""The one guard every reader goes through: files, YAML, JSON and number text.

Profiles, CSVs, encodings, version files and lint inputs are written by
people and sometimes by adversaries. Whatever they hold, reading them ends in
data or in one :class:`InputError` within seconds, never in a hang, a
traceback or a silently different value:

- only regular files are opened (a FIFO would block forever, ``/dev/zero``
  would fill memory), and documents are read up to a size limit;
- nesting is bounded before any recursive code sees it, and YAML aliases may
  not expand into more nodes than a real document has (the "billion laughs");
- a key given twice in one mapping is an error, not "the last one wins";
- number text is bounded before exact conversion (``1e900000000`` would make
  Fraction build a 900-million-digit integer; Python refuses int text over
  4,300 digits with a bare ValueError).
"""
from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from kb.io.errors import InputError

# The largest document today is a 70 KB encoding and the deepest nests 15
# levels; the limits leave room for growth and none for abuse.
MAX_BYTES = 8 << 20
MAX_DEPTH = 64
MAX_NODES = 200_000     # YAML nodes once aliases are expanded
# A number has at most this many digits and a decimal exponent within
# ±MAX_EXPONENT: every real count, amount or area fits with room to spare,
# and every exact product the engine forms stays small.
MAX_DIGITS = 50
MAX_EXPONENT = 50
_MAX_NUMBER_TEXT = 2 * MAX_DIGITS + 16
# Dates a profile may hold (the same years a year map may name): look-back
# windows and planned waits add decades either side, and date() ends at year 9999.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


# -- files ---------------------------------------------------------------------

def _open_regular(path: Path, what: str) -> int:
    """A read-only descriptor of a regular file, without blocking on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise InputError(path, None, f"expected a readable {what}, got a directory") from None
    except OSError as exc:
        raise InputError(path, None, f"expected a readable {what} ({exc.strerror or exc.__class__.__name__})") from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise InputError(path, None, f"expected a readable {what} ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = ("a directory" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "not a regular file")
        raise InputError(path, None, f"expected a readable {what} (a regular file), got {kind}")
    if getattr(os, "O_NONBLOCK", 0):
        os.set_blocking(fd, True)
    return fd


def check_regular(path: str | Path, what: str = "file") -> Path:
    """Raise InputError unless ``path`` is a readable regular file (for readers that open it themselves)."""
    path = Path(path)
    os.close(_open_regular(path, what))
    return path


def read_bytes(path: str | Path, what: str = "file", limit: int = MAX_BYTES) -> bytes:
    path = Path(path)
    fd = _open_regular(path, what)
    try:
        with os.fdopen(fd, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise InputError(path, None, f"expected a readable {what} ({exc.strerror or exc.__class__.__name__})") from None
    if len(data) > limit:
        raise InputError(path, None, f"expected a {what} of at most {limit // (1 << 20)} MB")
    return data


def read_text(path: str | Path, what: str = "text file", limit: int = MAX_BYTES) -> str:
    """A regular file's text (UTF-8, a leading BOM dropped), at most ``limit`` bytes."""
    data = read_bytes(path, what, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(path, f"line {line}", f"expected a UTF-8 text file ({what}); byte {exc.start} is not UTF-8") from None


# -- numbers ---------------------------------------------------------------------

class NumberError(ValueError):
    """Number text that is malformed or too large to convert exactly."""

    def __init__(self, msg: str):
        super().__init__(msg)
        self.msg = msg
        self.lineno = None


_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_NUMBER = re.compile(rf"(?P<sign>[+-]?)(?:(?P<num>{_DIGITS})/(?P<den>{_DIGITS})"
                     rf"|(?:(?P<int>{_DIGITS})(?:\.(?P<frac>{_DIGITS})?)?|\.(?P<frac2>{_DIGITS}))"
                     rf"(?:[eE](?P<exp>[+-]?{_DIGITS}))?)")


def ascii_digits(text: str) -> str:
    """Decimal digits of any script (２０２３, ٢٠٢٣) as ASCII, as int() reads them;
    other characters, superscripts included, stay as they are."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def parse_number(text: str) -> Fraction:
    """Number text (``12``, ``0.9``, ``1e3``, ``1/3``) as an exact Fraction, or NumberError.

    Bounded before conversion: at most MAX_DIGITS digits and an exponent
    within ±MAX_EXPONENT."""
    if not isinstance(text, str):
        raise NumberError(f"expected number text, got {type(text).__name__}")
    text = text.strip()
    if len(text) > _MAX_NUMBER_TEXT:
        raise NumberError(f"expected a number of at most {MAX_DIGITS} digits")
    text = ascii_digits(text)
    m = _NUMBER.fullmatch(text)
    if not m:
        raise NumberError(f"expected a number, got {text[:40]!r}")
    digits = sum(len((m.group(g) or "").replace("_", "")) for g in ("num", "den", "int", "frac", "frac2"))
    if digits > MAX_DIGITS:
        raise NumberError(f"expected a number of at most {MAX_DIGITS} digits")
    exp = (m.group("exp") or "0").replace("_", "")
    if len(exp.lstrip("+-")) > 6 or abs(int(exp)) > MAX_EXPONENT:
        raise NumberError(f"expected a number with an exponent between -{MAX_EXPONENT} and {MAX_EXPONENT}")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise NumberError(f"expected a number, got {text[:40]!r}") from None


def bounded_number(n: Fraction | int) -> bool:
    """Whether an exact number is one parse_number could have produced (for data
    that arrives already converted, such as a dict from the API)."""
    n = Fraction(n)
    limit = (10 ** (MAX_DIGITS + MAX_EXPONENT)).bit_length()
    return n.numerator.bit_length() <= limit and n.denominator.bit_length() <= limit


def parse_int(text: str) -> int:
    """JSON integer text, bounded like parse_number."""
    if len(text.lstrip("+-")) > MAX_DIGITS:
        raise NumberError(f"expected a number of at most {MAX_DIGITS} digits")
    return int(text)


# -- JSON ------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)


def json_depth(text: str) -> int:
    """How deeply the brackets of a JSON text nest, outside strings (linear, no recursion)."""
    if "[" not in text and "{" not in text:
        return 0
    raw = _JSON_STRING.sub(b'""', text.encode("utf-8", "surrogatepass"))
    codes = np.frombuffer(raw, dtype=np.uint8)
    # byte comparisons, not np.isin: this runs on every list cell of a screened CSV
    step = ((codes == 0x5B) | (codes == 0x7B)).astype(np.int32) - ((codes == 0x5D) | (codes == 0x7D)).astype(np.int32)
    return int(np.cumsum(step).max()) if step.size else 0


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise NumberError(f"key {key[:40]!r} is given twice in one object")
        out[key] = value
    return out


def parse_json(text: str, exact: bool = True) -> Any:
    """JSON with the guard's limits; floats as exact Fractions unless ``exact`` is false.

    Raises ValueError (json.JSONDecodeError or NumberError, both with ``.msg``)."""
    if json_depth(text) > MAX_DEPTH:
        raise NumberError(f"expected at most {MAX_DEPTH} levels of nesting")
    try:
        return json.loads(text, parse_float=parse_number if exact else _bounded_float, parse_int=parse_int,
                          object_pairs_hook=_no_duplicates)
    except RecursionError:   # json_depth already bounds this; kept for safety
        raise NumberError(f"expected at most {MAX_DEPTH} levels of nesting") from None


def _bounded_float(text: str) -> float:
    return float(parse_number(text))
