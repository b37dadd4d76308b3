"""Reading YAML safely: data only, never objects, errors naming the file.

The limits (regular file, size, depth, aliases, duplicate keys, number size)
are kb/io/inputs.py's, shared by every reader.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kb.io.inputs import parse_yaml, read_text


def read_yaml(path: str | Path) -> Any:
    return parse_yaml(read_text(path, "YAML file"), str(path), dates=True)
