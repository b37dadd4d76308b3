"""Reading YAML (and JSON-or-YAML documents) safely: data only, never
objects, errors naming the file and the line.

The limits (regular file, size, depth, aliases, duplicate keys, number size)
are kb/io/inputs.py's, shared by every reader. libyaml scans and parses when
PyYAML has it (about six times faster than PyYAML's own scanner: every command
reads the five encodings first); the nodes are still composed and constructed
here, in Python, so that the same guards see every node either way.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from kb.io.errors import InputError
from kb.io.inputs import (MAX_DEPTH, MAX_DIGITS, MAX_NODES, NumberError, _MAX_NUMBER_TEXT, parse_json,
                          read_text)

try:
    from yaml._yaml import CParser
except ImportError:   # PyYAML built without libyaml: its own scanner and parser
    CParser = None


def read_yaml(path: str | Path) -> Any:
    return parse_yaml(read_text(path, "YAML file"), str(path), dates=True)


# -- YAML ------------------------------------------------------------------------

class _Limits(yaml.YAMLError):
    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _GuardedComposer:
    """Depth and alias-expansion limits, checked as each node is composed."""

    def _guards(self):
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


class _GuardedConstructor:
    """Number size, real dates and no duplicate keys, checked as values are built."""

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


class _PureLoader(_GuardedComposer, _GuardedConstructor, yaml.SafeLoader):
    """SafeLoader with the guards: PyYAML's own scanner and parser."""

    def __init__(self, stream):
        super().__init__(stream)
        self._guards()


_GuardedLoader: type = _PureLoader
if CParser is not None:
    class _GuardedLoader(_GuardedComposer, Composer, CParser,   # noqa: F811 (the same guards, faster)
                         _GuardedConstructor, SafeConstructor, Resolver):
        """libyaml's scanner and parser; composing (Composer before CParser in the
        method order) and constructing stay in Python, with the guards."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._guards()


for _loader in {_PureLoader, _GuardedLoader}:
    _loader.add_constructor("tag:yaml.org,2002:int", _loader.construct_yaml_int)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_yaml_timestamp)


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
