"""Writing files: all or nothing, checked before the work, with the user's permissions.

Every writer goes through :class:`Staged`: each output is first written to a
temporary file beside its target and renamed into place only when all of
them are complete, so an error, Ctrl-C or SIGTERM (kb.cli turns it into an
exception) leaves neither a half-written output nor a stray temporary file.
A new file gets the permissions ``open()`` would give it (0666 less the
umask; mkstemp's 0600 is meant for secrets); a replaced file keeps its own.

:func:`check_output` rejects a target that cannot work (a directory, a
missing or unwritable directory, /proc, /sys, /dev) before a long run starts
rather than after it.
"""
from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from kb.io.errors import InputError

# Pseudo file systems: writing there is never an output, and some accept the
# write (as root) with effects on the machine.
_SYSTEM = (Path("/proc"), Path("/sys"), Path("/dev"))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _under_system(path: Path) -> bool:
    return any(path == top or top in path.parents for top in _SYSTEM)


def check_output(path: str | Path, option: str = "--out", directory: bool = False) -> Path:
    """The target of a writer, or InputError naming ``option`` if it cannot be written.

    With ``directory`` the target is a directory the files go into (created if
    missing); otherwise a file whose directory must exist."""
    path = Path(path)
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:   # a symlink loop
        raise InputError(option, str(path), f"expected a file name that can be written ({exc.__class__.__name__})") from None
    if _under_system(resolved):
        raise InputError(option, str(path), "expected a file on a normal file system, not under /proc, /sys or /dev")
    if directory:
        if path.exists() and not path.is_dir():
            raise InputError(option, str(path), "expected a directory, got a file")
        parent = next((p for p in [resolved, *resolved.parents] if p.exists()), None)
    else:
        if path.is_dir():
            raise InputError(option, str(path), "expected a file name, got a directory")
        if path.exists() and not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(option, str(path), "expected a regular file to write, got a special file")
        parent = resolved.parent
        if not parent.is_dir():
            raise InputError(option, str(path), "the directory does not exist")
    if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(option, str(path), f"expected a writable directory ({parent} is not)")
    return path


class Staged:
    """Several outputs written to temporary files, renamed into place together.

    >>> with Staged() as staged:
    ...     with open(staged.path("out.csv"), "w") as f: ...

    Leaving the block normally commits; an exception (KeyboardInterrupt and
    kb.io.errors.Interrupted included) removes every temporary file.
    """

    def __init__(self):
        self._files: list[tuple[Path, Path]] = []   # (temporary, target)
        self._umask = _umask()

    def path(self, target: str | Path) -> Path:
        """A temporary file beside ``target``, to write ``target``'s content into."""
        target = Path(target)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        except OSError as exc:
            raise InputError(str(target), None, f"cannot write here ({exc.strerror or exc.__class__.__name__})") from None
        os.close(fd)
        self._files.append((Path(tmp), target))
        return Path(tmp)

    def commit(self) -> list[Path]:
        try:
            for tmp, target in self._files:
                try:
                    mode = stat.S_IMODE(os.stat(target).st_mode)   # a replaced file keeps its permissions
                except FileNotFoundError:
                    mode = 0o666 & ~self._umask
                os.chmod(tmp, mode)
            for tmp, target in self._files:
                os.replace(tmp, target)
        except OSError as exc:
            self.abort()
            raise InputError(str(target), None, f"cannot write ({exc.strerror or exc.__class__.__name__})") from None
        done = [target for _, target in self._files]
        self._files = []
        return done

    def abort(self) -> None:
        for tmp, _ in self._files:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        self._files = []

    def __enter__(self) -> "Staged":
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def atomic_write(path: str | Path, data: bytes | str | Callable) -> Path:
    """Write one file all or nothing: ``data`` as bytes or text (UTF-8), or a
    callable given the open text file (UTF-8, newline="")."""
    with Staged() as staged:
        tmp = staged.path(path)
        try:
            if callable(data):
                with open(tmp, "w", encoding="utf-8", newline="") as f:
                    data(f)
            elif isinstance(data, str):
                tmp.write_text(data, encoding="utf-8")
            else:
                tmp.write_bytes(data)
        except OSError as exc:   # a full disk, a quota: the user's to fix, not a bug
            raise InputError(str(path), None, f"cannot write ({exc.strerror or exc.__class__.__name__})") from None
    return Path(path)


def atomic_files(files: Iterable[tuple[str | Path, bytes]]) -> list[Path]:
    """Write several files, every one or none."""
    targets = []
    with Staged() as staged:
        for path, data in files:
            try:
                staged.path(path).write_bytes(data)
            except OSError as exc:
                raise InputError(str(path), None, f"cannot write ({exc.strerror or exc.__class__.__name__})") from None
            targets.append(Path(path))
    return targets


def print_or_write(text: str, path: str | Path, argv: list[str]) -> int:
    """A generated document's ``main``: print ``text``, or with ``--write`` in
    ``argv`` write it to ``path`` all or nothing (its directory created)."""
    if "--write" in argv:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)
    else:
        sys.stdout.write(text)
    return 0
