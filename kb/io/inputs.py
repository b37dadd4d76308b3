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
import yaml

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
    step = np.isin(codes, (0x5B, 0x7B)).astype(np.int32) - np.isin(codes, (0x5D, 0x7D)).astype(np.int32)
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


# -- YAML ------------------------------------------------------------------------

class _Limits(yaml.YAMLError):
    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader with depth, alias-expansion and number-size limits and no duplicate keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}   # expanded node count of each finished node
        self._open: list[int] = [0]        # running counts of the nodes being composed

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._sizes:
                raise _Limits(f"the alias *{event.anchor} refers to a node that contains it", event.start_mark)
            node = super().compose_node(parent, index)
            self._count(self._sizes[id(node)], event.start_mark)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Limits(f"expected at most {MAX_DEPTH} levels of nesting", self.peek_event().start_mark)
        self._open.append(0)
        node = super().compose_node(parent, index)
        size = 1 + self._open.pop()
        self._sizes[id(node)] = size
        self._depth -= 1
        self._count(size, node.start_mark)
        return node

    def _count(self, size: int, mark) -> None:
        self._open[-1] += size
        if size > MAX_NODES or self._open[-1] > MAX_NODES:
            raise _Limits(f"expected at most {MAX_NODES:,} values once aliases are expanded", mark)

    def construct_yaml_int(self, node):
        if len(node.value) > _MAX_NUMBER_TEXT:
            raise _Limits(f"expected a number of at most {MAX_DIGITS} digits", node.start_mark)
        value = super().construct_yaml_int(node)
        if abs(value) >= 10 ** MAX_DIGITS:
            raise _Limits(f"expected a number of at most {MAX_DIGITS} digits", node.start_mark)
        return value

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise _Limits(f"expected a real date, got {node.value[:40]!r}", node.start_mark) from None

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    if key in seen:
                        raise _Limits(f"the key {str(key)[:40]!r} is given twice in one mapping",
                                      key_node.start_mark)
                    seen.add(key)
                except TypeError:
                    pass   # an unhashable key: SafeConstructor says so itself
        return super().construct_mapping(node, deep)


_GuardedLoader.add_constructor("tag:yaml.org,2002:int", _GuardedLoader.construct_yaml_int)
_GuardedLoader.add_constructor("tag:yaml.org,2002:timestamp", _GuardedLoader.construct_yaml_timestamp)


class _TextDatesLoader(_GuardedLoader):
    """Leaves dates as text: PyYAML turns ``2023-02-30`` into a bare ValueError
    with no position; kept as text, the date is checked where its field is known."""


_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                 lambda loader, node: loader.construct_scalar(node))


def _line(exc: Exception) -> str | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return f"line {mark.line + 1}" if mark else None


def parse_yaml(text: str, source: str, dates: bool = True) -> Any:
    """YAML as plain data (``dates``: timestamps as datetime.date, else as text)."""
    loader = _GuardedLoader if dates else _TextDatesLoader
    try:
        return yaml.load(text, Loader=loader)   # noqa: S506 — a SafeLoader subclass
    except _Limits as exc:
        raise InputError(source, _line(exc), exc.problem) from None
    except yaml.constructor.ConstructorError as exc:
        where, tag = _find_tag(text, loader)
        if tag is None:
            raise InputError(source, _line(exc), f"expected plain data ({exc.problem})") from None
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        raise InputError(source, where or _line(exc), f"expected plain data; the YAML tag {tag!r} is not allowed") from None
    except yaml.YAMLError as exc:
        raise InputError(source, _line(exc), "expected valid YAML "
                         f"({getattr(exc, 'problem', None) or exc.__class__.__name__})") from None
    except (ValueError, OverflowError, RecursionError) as exc:   # a scalar PyYAML cannot convert
        raise InputError(source, None, f"expected valid YAML ({exc.__class__.__name__})") from None


def _find_tag(text: str, loader) -> tuple[str | None, str | None]:
    """The dotted path of the first node whose tag would construct something."""
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return None, None
    seen: set[int] = set()

    def walk(node, path):
        if id(node) in seen:
            return None
        seen.add(id(node))
        if node.tag not in loader.yaml_constructors:
            return path or None, node.tag
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else "?"
                hit = walk(k, path) or walk(v, f"{path}.{key}" if path else str(key))
                if hit:
                    return hit
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                hit = walk(item, f"{path}[{i}]")
                if hit:
                    return hit
        return None

    return (walk(root, "") if root is not None else None) or (None, None)


# -- documents -------------------------------------------------------------------

def parse_text(text: str, source: str, json_only: bool = False, dates: bool = False) -> Any:
    """A profile-like document from text: JSON (floats exact) when it looks like
    JSON, else YAML (dates as text unless ``dates``). Flow-style YAML also
    starts with a brace, so only a ``.json`` source (or ``json_only``) is held to JSON."""
    if json_only or text.lstrip().startswith(("{", "[")):
        try:
            return parse_json(text)
        except NumberError as exc:
            raise InputError(source, None, exc.msg) from None
        except json.JSONDecodeError as exc:
            if json_only or str(source).lower().endswith(".json"):
                raise InputError(source, f"line {exc.lineno}", f"expected valid JSON ({exc.msg})") from None
    return parse_yaml(text, source, dates=dates)


def read_document(path: str | Path, dates: bool = False) -> Any:
    """A YAML or JSON file as Python data, with every limit of this module."""
    return parse_text(read_text(path, "YAML or JSON file"), str(path), dates=dates)
