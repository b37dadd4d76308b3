"""Reading YAML safely: data only, never objects, errors naming the file."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kb.errors import InputError


def read_yaml(path: str | Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"cannot read file ({exc.__class__.__name__})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise InputError(path, where, "expected valid YAML "
                         f"({getattr(exc, 'problem', None) or exc.__class__.__name__})") from None
