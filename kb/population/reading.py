"""Reading a population from disk: a CSV of profile rows or a directory of
profile files, as validated kb.profile Profiles."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from kb.io.errors import InputError
from kb.io.inputs import check_regular
from kb.profile import load_profile, profile_from_row


def read_population(path: str | Path, as_of: date | None = None) -> list:
    """Profiles from a directory of YAML/JSON profile files (a group gives its
    entities) or from a CSV (header row 1, organizations from row 2). Raises
    kb.io.errors.InputError naming the file or row and the field."""
    path = Path(path)
    if path.is_dir():
        out = []
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json")):
            loaded = load_profile(file, as_of=as_of)
            out.extend(getattr(loaded, "entities", None) or [loaded])
        return out
    check_regular(path, "CSV file or directory")   # a pipe would block, /dev/zero never end
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, None) or []
            out = []
            for i, cells in enumerate(reader, 2):
                if not cells:
                    continue
                if len(cells) != len(header):   # a padded or cut row would shift its cells silently
                    raise InputError(f"{path}:row {i}", None,
                                     f"expected {len(header)} cells as in the header row, got {len(cells)}")
                out.append(profile_from_row(dict(zip(header, cells)), str(path), i, as_of))
            return out
    except csv.Error as exc:
        raise InputError(path, None, f"expected a well-formed CSV ({exc})") from None
    except UnicodeDecodeError:
        raise InputError(path, None, "expected a UTF-8 CSV file") from None
    except OSError as exc:
        raise InputError(path, None, f"expected a readable CSV file or directory ({exc.strerror})") from None
